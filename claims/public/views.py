"""The public fact-check pages: the index of published fact-checks, one page per fact-check with its ClaimReview,
the methods page, robots.txt (the embeddable card and oEmbed: embed.py; the source and publisher pages: sources.py).

Server-rendered, readable without JavaScript, styles in claims/static/claims/public.css (the Content-Security-Policy
allows no <style> element and no inline script; the JSON-LD is data, <script type="application/ld+json">, which
browsers don't execute). What the public sees is claims.selectors.published_claims / PUBLISHED; the ClaimReview and
the headline are claims.claimreview's, the same as the API's.
"""

import json
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from factcheck.page_cache import cached_page, snapshot_memo
from sources.models import Source
from sources.partial_dates import readable_partial_date

from ..admin.paginator import EstimatedCountPaginator
from ..choices import STATUS_COLOURS, VERDICTS, EvidenceRelation, Status, textual_rating_of
from ..claimreview import (
    appearance_row_date_text,
    claim_headline,
    claim_review,
    fact_check_path,
    first_appearance_row,
    is_published,
    organisation,
)
from ..models import Claim, VerdictCorrection
from ..periods import Period, describe_period
from ..quantities import format_gap, format_quantity, gap_percent
from ..quotes import paragraph_around
from ..selectors import CLAIM_COLUMNS, Row, claim_page, published_claim_ids, publisher_list, related_rows
from .links import embed_iframe, embed_path, oembed_query, publisher_path, source_path

PAGE_SIZE = 20
FILTERS = ("q", "verdict", "publisher", "period_from", "period_to")


class IndexPaginator(EstimatedCountPaginator):
    """A reader is told "about N" past a thousand matches: counting a common word's thousands of matches exactly
    would cost more than finding and ranking the page."""

    exact_up_to = 1000


def verdict_label(status: str, textual_rating: str) -> dict[str, str]:
    """The verdict as a coloured label: its words (choices.textual_rating_of) and its status's colour."""
    return {"text": textual_rating_of(status, textual_rating), "colour": STATUS_COLOURS.get(status, "#4b5563")}


def figure_text(row: Row) -> str:
    """A claim row's figure as people read it (claims.quantities.format_quantity)."""
    return format_quantity(row["value"], row["unit"], row["qualifier"], row["lower_bound"], row["upper_bound"])


def period_text(row: Row) -> str:
    """A claim row's period in words (claims.periods.describe_period)."""
    return describe_period(
        Period(
            row["period_start"], row["period_end"], row["period_precision"], row["period_as_of"],
            row["period_approximate"],
        )
    )  # fmt: skip


def readable_date(appearance: Row) -> str:
    """When the claim was made, as people read it, at the precision known ("2025", "8 May 2025")."""
    if appearance["stated_on"]:
        return readable_partial_date(appearance["stated_on"], "day")
    return readable_partial_date(appearance["source__published_on"], appearance["source__published_precision"] or "")


def site_details() -> dict[str, str]:
    """The publishing organisation's name, url, logo, methodology_url and contact ("" when not configured)."""
    author = settings.CLAIMREVIEW_AUTHOR
    return {key: author.get(key, "") for key in ("name", "url", "logo", "methodology_url", "contact")}


def render_page(request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    """A public page, its template given the organisation as `site`."""
    return render(request, template, {"site": site_details(), **context}, status=status)


def _index_filters(request: HttpRequest) -> tuple[dict[str, str], dict[str, str]]:
    """(what the reader asked, in the form's names; the same as ClaimFilter's parameters)."""
    asked = {name: request.GET.get(name, "").strip() for name in FILTERS}
    filters = {
        "q": asked["q"],
        "status": asked["verdict"] if asked["verdict"] in VERDICTS else "",
        "publisher": asked["publisher"],
        "period_from": asked["period_from"],
        "period_to": asked["period_to"],
    }
    return asked, {name: value for name, value in filters.items() if value}


def _card(row: Row, appearances: list[Row]) -> dict[str, Any]:
    first = first_appearance_row(appearances)
    headline = claim_headline(row, first)
    return {
        "headline": headline,
        "path": fact_check_path(row["id"], headline),
        "subject": row["subject"],
        "figure": figure_text(row),
        "period": period_text(row),
        "verdict": verdict_label(row["status"], row["textual_rating"]),
        "published_at": row["published_at"],
        "claimant": first and (first["claimant"] or first["source__publisher__name"] or ""),
        "source": first and (first["source__title"] or first["source__url"]),
        "source_page": first and source_path(first["source_id"], first["source__title"], first["source__url"]),
        "said_on": readable_date(first) if first else "",
    }


def _publisher_options(chosen: str) -> SafeString:
    """The "Said in" menu's options, built in one pass (a template loop over hundreds of publishers costs more than
    the page's cards), from the publishers of the published fact-checks as of the data now committed."""
    publishers = snapshot_memo(
        "public:publishers", lambda: list(publisher_list(user=None).order_by("name").values_list("id", "name"))
    )
    options = (
        f'<option value="{pk}"{" selected" if str(pk) == chosen else ""}>{escape(name)}</option>'
        for pk, name in publishers
    )
    return mark_safe("".join(options))  # the ids are integers and the names escaped


@cached_page
def fact_check_index(request: HttpRequest) -> HttpResponse:
    """/fact-checks/: the published fact-checks, newest first (best match first with a search), filtered by
    verdict, publisher and period, PAGE_SIZE a page."""
    asked, filters = _index_filters(request)
    problems: list[str] = []
    try:
        # The page's ids first, then their rows: a deep page's OFFSET walks the published-claims index alone, not
        # every skipped row with its joins. Counted exactly up to a thousand matches (IndexPaginator), then the
        # planner's estimate (a COUNT of 400,000 published fact-checks would cost more than the page;
        # page.paginator.estimated says so).
        ids = published_claim_ids(filters=filters)
        paginator: Paginator = IndexPaginator(ids, PAGE_SIZE, allow_empty_first_page=True)
        page = paginator.get_page(request.GET.get("page"))
        rows, appearances, _ = claim_page(page.object_list, evidence=False)
    except ValidationError as exc:
        problems = [f"{name.replace('_', ' ')}: {' '.join(m)}" for name, m in exc.message_dict.items()]
        paginator = Paginator(Claim.objects.none().values_list("id", flat=True), PAGE_SIZE)
        page = paginator.get_page(1)
        rows, appearances = [], {}
    kept = {name: value for name, value in asked.items() if value}
    return render_page(
        request,
        "public/index.html",
        {
            "cards": [_card(row, appearances[row["id"]]) for row in rows],
            "page": page,
            "asked": asked,
            "problems": problems,
            "verdicts": [(status, Status(status).label) for status in VERDICTS],
            "publisher_options": _publisher_options(asked["publisher"]),
            "query": urlencode(kept),
        },
    )


def json_ld(data: dict[str, Any]) -> SafeString:
    """JSON for a <script type="application/ld+json"> element: nothing in it can end the element."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return mark_safe(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))  # noqa: S308


def _quote_in_paragraph(appearance: Row, texts: dict[int, str]) -> SafeString:
    text = texts.get(appearance["source_id"], "")
    start, end = appearance["start_offset"], appearance["end_offset"]
    if not text or start is None or end is None:
        return format_html("<mark>{}</mark>", appearance["quote"])
    paragraph, a, b = paragraph_around(text, start, end)
    return format_html("{}<mark>{}</mark>{}", paragraph[:a], paragraph[a:b], paragraph[b:])


def _source_links(row: Row) -> dict[str, str]:
    """The public pages of a row's source and its publisher (SOURCE_BRIEF's columns)."""
    publisher = row["source__publisher__name"] or ""
    return {
        "source_page": source_path(row["source_id"], row["source__title"], row["source__url"]),
        "publisher": publisher,
        "publisher_page": publisher_path(row["source__publisher_id"], publisher) if publisher else "",
    }


def _evidence_row(claim: Row, evidence: Row) -> dict[str, Any]:
    source_figure = format_quantity(evidence["source_value"], claim["unit"]) if claim["unit"] else ""
    return {
        "source": evidence["source__title"] or evidence["source__url"],
        "url": evidence["source__url"],
        **_source_links(evidence),
        "relation": EvidenceRelation(evidence["relation"]).label,
        "relation_value": evidence["relation"],
        "excerpt": evidence["excerpt"],
        "locator": evidence["locator"],
        "source_figure": source_figure,
        "gap": format_gap(gap_percent(claim["value"], evidence["source_value"])),
    }


def claim_row(pk: int) -> Row | None:
    """The claim's row, published or not (with its tombstone's `unpublished_at` and `unpublished_note`)."""
    return Claim.objects.filter(pk=pk).values(*CLAIM_COLUMNS, "unpublished_at", "unpublished_note").first()


def not_public(request: HttpRequest, row: Row | None, gone_template: str) -> HttpResponse:
    """The answer for a claim that is not published: a verdict taken down answers 410 with its note (the
    tombstone, in `gone_template`); anything else is not found."""
    if row is not None and row["unpublished_at"] is not None:
        return render_page(request, gone_template, {"row": row}, status=410)
    raise Http404("No published fact-check with this number.")


@cached_page
def fact_check(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    """/fact-checks/<id>-<slug>/: one published fact-check with its ClaimReview; a wrong slug redirects to the
    right one; a verdict taken down answers 410 with its note; anything else unpublished is not found."""
    row = claim_row(pk)
    if row is None or not is_published(row):
        return not_public(request, row, "public/gone.html")
    appearances, evidence = related_rows([pk])
    first = first_appearance_row(appearances[pk])
    headline = claim_headline(row, first)
    path = fact_check_path(pk, headline)
    if request.path != path:
        return HttpResponsePermanentRedirect(path)
    source_ids = {a["source_id"] for a in appearances[pk]}
    texts = dict(Source.objects.filter(pk__in=source_ids).values_list("id", "text"))
    people = {
        user.pk: user.get_full_name() or user.get_username()
        for user in get_user_model().objects.filter(pk__in=[row["reviewer_id"], row["published_by_id"]])
    }
    corrections = [
        {
            "corrected_at": c.corrected_at,
            "note": c.note,
            "earlier": verdict_label(c.earlier_status, c.earlier_textual_rating),
            "earlier_note": c.earlier_verdict_note,
        }
        for c in VerdictCorrection.objects.filter(claim_id=pk).order_by("-corrected_at", "-id")
    ]
    site = request.build_absolute_uri("/")
    review = claim_review(row, appearances[pk], site=site)
    page_url = request.build_absolute_uri(path)
    context = {
        "row": row,
        "headline": headline,
        "page_url": page_url,
        "oembed_url": request.build_absolute_uri(oembed_query(page_url)),
        "embed_url": request.build_absolute_uri(embed_path(pk, headline)),
        "embed_snippet": embed_iframe(request.build_absolute_uri(embed_path(pk, headline)), headline),
        "figure": figure_text(row),
        "period": period_text(row),
        "verdict": verdict_label(row["status"], row["textual_rating"]),
        "appearances": [
            {
                "quote": _quote_in_paragraph(a, texts),
                "source": a["source__title"] or a["source__url"],
                "url": a["source__url"],
                **_source_links(a),
                "claimant": a["claimant"],
                "said_on": readable_date(a),
                "said_on_iso": appearance_row_date_text(a),
                "first": first is not None and a["id"] == first["id"],
            }
            for a in appearances[pk]
        ],
        "evidence": [_evidence_row(row, e) for e in evidence[pk]],
        "reviewer": people.get(row["reviewer_id"], ""),
        "publisher": people.get(row["published_by_id"], ""),
        "corrections": corrections,
        "json_ld": json_ld(review) if review else "",
        "organisation": organisation(),
    }
    return render_page(request, "public/fact_check.html", context)


def methods(request: HttpRequest) -> HttpResponse:
    """/fact-checks/methods/: how the desk checks, publishes and corrects."""
    return render_page(request, "public/methods.html", {})


def robots_txt(request: HttpRequest) -> HttpResponse:
    """robots.txt: the fact-checks are for crawlers; the desk's admin and API are not."""
    sitemap = request.build_absolute_uri(reverse("public:sitemap"))
    lines = ["User-agent: *", "Allow: /fact-checks/", "Disallow: /admin/", "Disallow: /api/", f"Sitemap: {sitemap}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
