"""The public addresses of sources, publishers and a fact-check's embeddable card, and the iframe other sites paste.

The fact-check page's own path is claims.claimreview.fact_check_path (the ClaimReview's `url`); these follow its
shape: /fact-checks/sources/<id>-<slug>/, /fact-checks/publishers/<id>-<slug>/, /fact-checks/<id>-<slug>/embed/.
"""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import capfirst, slugify

from ..claimreview import SLUG_LENGTH, fact_check_slug

# The card's size in an iframe when the embedding site asks no maximum (oEmbed maxwidth / maxheight lower them).
EMBED_WIDTH, EMBED_HEIGHT = 560, 300


def _slug(text: str, fallback: str) -> str:
    return slugify(text)[:SLUG_LENGTH].strip("-") or fallback


def source_path(pk: int, title: str, url: str = "") -> str:
    """The source's public page: what was stated in it and what it is evidence for (a source without a title is
    named by its address: news-example-org-story-1)."""
    words = title or url.split("://", 1)[-1].replace("/", " ").replace(".", " ")
    return reverse("public:source", kwargs={"pk": pk, "slug": _slug(words, "source")})


def publisher_path(pk: int, name: str) -> str:
    """The publisher's public page: what was stated in its sources and what they are evidence for."""
    return reverse("public:publisher", kwargs={"pk": pk, "slug": _slug(name, "publisher")})


def embed_path(pk: int, headline: str) -> str:
    """The fact-check's card for other sites' pages (framed in an iframe)."""
    return reverse("public:embed", kwargs={"pk": pk, "slug": fact_check_slug(headline)})


def oembed_query(page_url: str) -> str:
    """The oEmbed endpoint's address for a fact-check page (its <link rel="alternate"> and discovery)."""
    return f"{reverse('public:oembed')}?{urlencode({'url': page_url, 'format': 'json'})}"


def embed_iframe(embed_url: str, headline: str, *, width: int = EMBED_WIDTH, height: int = EMBED_HEIGHT) -> SafeString:
    """The snippet another site pastes (the oEmbed answer's `html`, the page's "Embed this fact-check" box)."""
    return format_html(
        '<iframe src="{}" width="{}" height="{}" title="Fact-check: {}" loading="lazy" '
        'style="border: 1px solid #d1d5db; border-radius: 8px; max-width: 100%;"></iframe>',
        embed_url,
        width,
        height,
        capfirst(headline),
    )
