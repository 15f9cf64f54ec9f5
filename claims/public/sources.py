"""The public pages of a source (/fact-checks/sources/<id>-<slug>/) and of a publisher
(/fact-checks/publishers/<id>-<slug>/): what was stated there, and what it is evidence for.

Only published fact-checks are shown (claims.selectors.published_appearances, published_evidence); a source or
publisher that nothing public refers to is not found (claims.selectors.source_list, publisher_list for nobody), so
the pages tell nothing of unpublished work. Each list is paged on its own (?stated=, ?evidence=).
"""

from collections.abc import Callable
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect

from factcheck.page_cache import cached_page
from sources.partial_dates import readable_partial_date

from ..choices import EvidenceRelation
from ..claimreview import claim_headline, fact_check_path, first_appearance_row
from ..selectors import Row, published_appearances, published_evidence, publisher_list, related_rows, source_list
from .links import publisher_path, source_path
from .views import figure_text, readable_date, render_page, verdict_label

PAGE_SIZE = 20
SOURCE_COLUMNS = ("id", "title", "url", "kind", "authors", "published_on", "published_precision", "publisher_id",
                  "publisher__name", "publisher__website")  # fmt: skip


def _claim_of(row: Row) -> Row:
    """The claim's columns of a published_appearances / published_evidence row, by the claim's own names."""
    claim = {name.removeprefix("claim__"): value for name, value in row.items() if name.startswith("claim__")}
    return {**claim, "id": row["claim_id"]}


def _paged(request: HttpRequest, rows: Any, name: str) -> Page:
    page = Paginator(rows, PAGE_SIZE, allow_empty_first_page=True).get_page(request.GET.get(name))
    page.links = {  # type: ignore[attr-defined]
        "previous": _page_query(request, name, page.previous_page_number()) if page.has_previous() else "",
        "next": _page_query(request, name, page.next_page_number()) if page.has_next() else "",
    }
    return page


def _page_query(request: HttpRequest, name: str, number: int) -> str:
    """?… for another page of one list, keeping the other list's page."""
    query = request.GET.copy()
    query[name] = str(number)
    return f"?{query.urlencode()}"


def _entries(page: Page, headlines: dict[int, str], shape: Callable[[Row], Row]) -> list[Row]:
    entries = []
    for row in page.object_list:
        claim = _claim_of(row)
        headline = headlines[row["claim_id"]]
        entries.append({
            "headline": headline,
            "path": fact_check_path(row["claim_id"], headline),
            "verdict": verdict_label(claim["status"], claim["textual_rating"]),
            "figure": figure_text(claim),
            "source": row["source__title"] or row["source__url"],
            "source_page": source_path(row["source_id"], row["source__title"], row["source__url"]),
            **shape(row),
        })  # fmt: skip
    return entries


def _stated(row: Row) -> Row:
    return {"quote": row["quote"], "claimant": row["claimant"], "said_on": readable_date(row)}


def _cited(row: Row) -> Row:
    return {
        "relation": EvidenceRelation(row["relation"]).label,
        "relation_value": row["relation"],
        "excerpt": row["excerpt"],
        "locator": row["locator"],
    }


def _listing(request: HttpRequest, **where: int) -> dict[str, Any]:
    """The two paged lists of a source's or publisher's page, each fact-check by its headline: one query for the
    count and one for the page of each list, and one for the appearances the headlines are made from."""
    stated = _paged(request, published_appearances(**where), "stated")
    cited = _paged(request, published_evidence(**where), "evidence")
    claim_ids = {row["claim_id"] for row in [*stated.object_list, *cited.object_list]}
    appearances, _ = related_rows(sorted(claim_ids), evidence=False)
    claims = {row["claim_id"]: _claim_of(row) for row in [*stated.object_list, *cited.object_list]}
    headlines = {pk: claim_headline(claims[pk], first_appearance_row(appearances[pk])) for pk in claim_ids}
    return {
        "stated": stated,
        "stated_entries": _entries(stated, headlines, _stated),
        "cited": cited,
        "cited_entries": _entries(cited, headlines, _cited),
    }


def _summary(kind: str, listing: dict[str, Any]) -> str:
    """How many fact-checked statements were made there, how often it is cited as evidence (the page's summary and,
    after its name, its description for search engines and link previews)."""
    stated, cited = listing["stated"].paginator.count, listing["cited"].paginator.count
    where = "in it" if kind == "source" else "in its sources"
    parts = []
    if stated:
        parts.append(f"{stated} fact-checked statement{'s' if stated != 1 else ''} made {where}")
    if cited:
        parts.append(f"cited as evidence {cited} time{'s' if cited != 1 else ''}")
    return f"{'; '.join(parts)}."


@cached_page
def source_page(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """/fact-checks/sources/<id>-<slug>/: the claims stated in the source and the fact-checks it is evidence for."""
    source = source_list(user=None).filter(pk=pk).values(*SOURCE_COLUMNS).first()
    if source is None:
        raise Http404("No published fact-check refers to this source.")
    path = source_path(pk, source["title"], source["url"])
    if request.path != path:
        return HttpResponsePermanentRedirect(path)
    listing = _listing(request, source=pk)
    name = source["title"] or source["url"]
    context = {
        "kind": "source",
        "name": name,
        "source": source,
        "published": readable_partial_date(source["published_on"], source["published_precision"] or ""),
        "authors": ", ".join(str(author) for author in source["authors"] or [] if author),
        "publisher_page": (
            publisher_path(source["publisher_id"], source["publisher__name"]) if source["publisher_id"] else ""
        ),
        "page_url": request.build_absolute_uri(path),
        "summary": _summary("source", listing),
        **listing,
    }
    return render_page(request, "public/source.html", context)


@cached_page
def publisher_page(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """/fact-checks/publishers/<id>-<slug>/: the claims stated in the publisher's sources and the fact-checks they
    are evidence for."""
    publisher = publisher_list(user=None).filter(pk=pk).values("id", "name", "website").first()
    if publisher is None:
        raise Http404("No published fact-check refers to this publisher.")
    path = publisher_path(pk, publisher["name"])
    if request.path != path:
        return HttpResponsePermanentRedirect(path)
    listing = _listing(request, publisher=pk)
    context = {
        "kind": "publisher",
        "name": publisher["name"],
        "publisher": publisher,
        "page_url": request.build_absolute_uri(path),
        "summary": _summary("publisher", listing),
        **listing,
    }
    return render_page(request, "public/publisher.html", context)
