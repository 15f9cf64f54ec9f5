"""The fact-check's card for other sites (/fact-checks/<id>-<slug>/embed/) and its oEmbed endpoint
(/fact-checks/oembed/, https://oembed.com).

The card is the one page any site may frame: its view alone sends `frame-ancestors *` and no X-Frame-Options;
every other page keeps `frame-ancestors 'none'` (settings CONTENT_SECURITY_POLICY) and the clickjacking middleware's
header. Its visibility is the page's: 404 unless published, 410 (a small tombstone card) once taken down.
"""

from typing import Any
from urllib.parse import urlsplit

from csp.decorators import csp_replace
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.text import Truncator, capfirst
from django.views.decorators.clickjacking import xframe_options_exempt

from factcheck.page_cache import cached_page

from ..claimreview import claim_headline, fact_check_path, first_appearance_row, is_published
from ..selectors import Row, related_rows
from .links import EMBED_HEIGHT, EMBED_WIDTH, embed_iframe, embed_path
from .views import claim_row, figure_text, not_public, period_text, render_page, site_details, verdict_label

EXPLANATION_WORDS = 45  # the card's short explanation; the page has it whole
OEMBED_CACHE_SECONDS = 3600
# The pages an oEmbed `url` may name: the fact-check page (either address) and the card itself.
OEMBED_PAGES = {"fact-check", "fact-check-short", "embed"}


def _headline(pk: int, row: Row) -> str:
    appearances, _ = related_rows([pk], evidence=False)
    return claim_headline(row, first_appearance_row(appearances[pk]))


@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
@cached_page
def fact_check_embed(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """/fact-checks/<id>-<slug>/embed/: the claim's headline, figure, verdict label, a short explanation, the
    organisation and a link to the full page, on a card of its own style sheet, framable by any site."""
    row = claim_row(pk)
    if row is None or not is_published(row):
        return not_public(request, row, "public/embed_gone.html")
    headline = _headline(pk, row)
    path = embed_path(pk, headline)
    if request.path != path:
        return HttpResponsePermanentRedirect(path)
    context = {
        "row": row,
        "headline": headline,
        "figure": figure_text(row),
        "period": period_text(row),
        "verdict": verdict_label(row["status"], row["textual_rating"]),
        "explanation": Truncator(row["verdict_note"]).words(EXPLANATION_WORDS),
        "page_url": request.build_absolute_uri(fact_check_path(pk, headline)),
    }
    return render_page(request, "public/embed.html", context)


class OEmbedProblem(Exception):
    """A request the oEmbed endpoint refuses: its status and the sentence said to the caller."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def _pixels(request: HttpRequest, name: str) -> int | None:
    text = request.GET.get(name, "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        raise OEmbedProblem(400, f"{name}: a whole number of pixels above zero, not {text[:40]!r}.")
    return int(text)


def _page_claim(request: HttpRequest, url: str) -> int:
    """The number of the fact-check a page address on this site names."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise OEmbedProblem(400, "url: the full address of a fact-check page (http:// or https://) is required.")
    if parts.netloc.lower() != request.get_host().lower():
        raise OEmbedProblem(400, f"url: {parts.netloc[:100]} is not this site ({request.get_host()}).")
    try:
        match = resolve(parts.path)
    except Resolver404:
        match = None
    if match is None or match.namespace != "public" or match.url_name not in OEMBED_PAGES:
        raise OEmbedProblem(404, "url: no fact-check page at this address.")
    return int(match.kwargs["pk"])


def oembed_answer(request: HttpRequest) -> dict[str, Any]:
    """The oEmbed "rich" answer for the fact-check page named by ?url= (format json; maxwidth, maxheight)."""
    wanted = request.GET.get("format", "json").strip() or "json"
    if wanted != "json":
        raise OEmbedProblem(501, f"format: only json is offered, not {wanted[:20]!r}.")
    url = request.GET.get("url", "").strip()
    if not url:
        raise OEmbedProblem(400, "url: the address of the fact-check page to embed is required.")
    max_width, max_height = _pixels(request, "maxwidth"), _pixels(request, "maxheight")
    pk = _page_claim(request, url)
    row = claim_row(pk)
    if row is None or not is_published(row):
        raise OEmbedProblem(404, "url: no published fact-check at this address.")
    headline = _headline(pk, row)
    width = min(EMBED_WIDTH, max_width or EMBED_WIDTH)
    height = min(EMBED_HEIGHT, max_height or EMBED_HEIGHT)
    embed_url = request.build_absolute_uri(embed_path(pk, headline))
    answer: dict[str, Any] = {
        "version": "1.0",
        "type": "rich",
        "title": capfirst(headline),
        "html": str(embed_iframe(embed_url, headline, width=width, height=height)),
        "width": width,
        "height": height,
        "cache_age": OEMBED_CACHE_SECONDS,
    }
    site = site_details()
    for prefix in ("provider", "author"):
        if site["name"]:
            answer[f"{prefix}_name"] = site["name"]
        if site["url"]:
            answer[f"{prefix}_url"] = site["url"]
    return answer


def oembed(request: HttpRequest) -> JsonResponse:
    """/fact-checks/oembed/?url=<page>&format=json: the card as an oEmbed "rich" answer; 400 for a bad or foreign
    url or size, 404 for no published fact-check there, 501 for any format but json; errors as {"error": …}."""
    try:
        return JsonResponse(oembed_answer(request))
    except OEmbedProblem as problem:
        return JsonResponse({"error": problem.message}, status=problem.status)
