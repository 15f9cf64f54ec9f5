"""What the check reads from an HTML page: its visible text, its <title> and its standard metadata.

Uses the standard library's html.parser, which accepts any markup without raising on it. Metadata comes from
OpenGraph (og:title, og:site_name, article:published_time), <meta name=author> and JSON-LD Article objects
(headline, datePublished, author, publisher.name), the forms news sites and think tanks publish.
"""

import html
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

# Elements whose content is not page text.
# (Not <head>: pages leave it open, and it holds no text outside <title>, which is read on its own.)
HIDDEN = frozenset({"script", "style", "noscript", "template", "svg", "math"})
# Elements that break text into lines, so that words on either side of them are not glued together.
BLOCK = frozenset(
    {
        *("address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "div", "dl", "dt"),
        *("fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header"),
        *("hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot"),
        *("th", "thead", "tr", "ul"),
    }
)
ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "ReportageNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "BlogPosting",
        "ScholarlyArticle",
        "Report",
    }
)
MAX_AUTHORS = 20
_SPACE = re.compile(r"\s+")


@dataclass
class PageMetadata:
    """Bibliographic fields a page states about itself; "" or [] where it states nothing."""

    title: str = ""
    published: str = ""
    authors: list[str] = field(default_factory=list)
    publisher: str = ""


@dataclass
class HtmlPage:
    text: str
    title: str
    metadata: PageMetadata


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self.meta: dict[str, str] = {}
        self.json_ld: list[str] = []
        self._hidden: dict[str, int] = {}
        self._in_title = False
        self._in_json_ld = False
        self._json_ld_parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self._in_title = True
        elif tag == "meta":
            self._meta(dict(attrs))
        elif tag == "script" and (dict(attrs).get("type") or "").strip().lower() == "application/ld+json":
            self._in_json_ld, self._json_ld_parts = True, []
        if tag in HIDDEN:
            self._hidden[tag] = self._hidden.get(tag, 0) + 1
        if tag in BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag == "meta":
            self._meta(dict(attrs))
        elif tag in BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag == "script" and self._in_json_ld:
            self._in_json_ld = False
            self.json_ld.append("".join(self._json_ld_parts))
        if self._hidden.get(tag):
            self._hidden[tag] -= 1
        if tag in BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if self._in_json_ld:
            self._json_ld_parts.append(data)
        elif self._in_title:
            self.title_parts.append(data)
        elif not any(self._hidden.values()):
            self.parts.append(data)

    def _meta(self, attrs: dict):
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").strip().lower()
        content = attrs.get("content")
        if key and content and key not in self.meta:
            self.meta[key] = content


def parse_html(markup: str) -> HtmlPage:
    """The page's visible text (block elements on their own lines), its <title> and its metadata."""
    parser = _PageParser()
    parser.feed(markup)
    parser.close()
    title = clean(" ".join(parser.title_parts), 500)
    return HtmlPage(text="".join(parser.parts), title=title, metadata=_metadata(parser.meta, parser.json_ld))


def clean(value, limit: int) -> str:
    """A metadata value as one line of plain text, at most `limit` characters; "" for anything but text."""
    if not isinstance(value, str):
        return ""
    # NUL characters are dropped too: PostgreSQL refuses them in text.
    return _SPACE.sub(" ", html.unescape(value).replace("\x00", "")).strip()[:limit]


def _metadata(meta: dict[str, str], json_ld: list[str]) -> PageMetadata:
    article = _first_article(json_ld)
    publisher = article.get("publisher")
    return PageMetadata(
        title=clean(meta.get("og:title") or article.get("headline") or meta.get("twitter:title"), 500),
        published=clean(
            meta.get("article:published_time")
            or article.get("datePublished")
            or meta.get("citation_publication_date")
            or meta.get("date"),
            40,
        ),
        authors=_authors(article.get("author")) or _authors(meta.get("author")),
        publisher=clean(
            meta.get("og:site_name") or (publisher.get("name") if isinstance(publisher, dict) else publisher), 200
        ),
    )


def _authors(value) -> list[str]:
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items[:MAX_AUTHORS]:
        name = clean(item.get("name") if isinstance(item, dict) else item, 200)
        # article:author and some JSON-LD give a profile URL instead of a name.
        if name and not name.startswith(("http://", "https://")) and name not in names:
            names.append(name)
    return names


def _first_article(blocks: list[str]) -> dict:
    for block in blocks:
        try:
            data = json.loads(block, strict=False)
        except ValueError:
            continue
        found = _find_article(data, depth=0)
        if found is not None:
            return found
    return {}


def _find_article(data, *, depth: int) -> dict | None:
    if depth > 4:
        return None
    if isinstance(data, list):
        candidates = data
    elif isinstance(data, dict):
        kinds = data.get("@type")
        kinds = {kind for kind in (kinds if isinstance(kinds, list) else [kinds]) if isinstance(kind, str)}
        if kinds & ARTICLE_TYPES:
            return data
        graph = data.get("@graph")
        candidates = graph if isinstance(graph, list) else []
    else:
        return None
    for item in candidates:
        found = _find_article(item, depth=depth + 1)
        if found is not None:
            return found
    return None
