"""sitemap.xml (django.contrib.sitemaps): every published fact-check page, the pages of the sources and publishers
that published fact-checks refer to, the index and the methods page."""

from typing import Any

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Page, Paginator
from django.urls import reverse

from ..claimreview import claim_headline, fact_check_path, first_appearance_row
from ..selectors import Row, claim_rows, published_claims, publisher_list, related_rows, source_list
from .links import publisher_path, source_path


class _PathPaginator(Paginator):
    """Pages of claim rows, each row given its page's path (the headline needs the first appearance: one query of
    appearances per sitemap page, not one per claim)."""

    def page(self, number: Any) -> Page:
        page = super().page(number)
        rows = list(page.object_list)
        appearances, _ = related_rows([row["id"] for row in rows], evidence=False)
        for row in rows:
            row["path"] = fact_check_path(row["id"], claim_headline(row, first_appearance_row(appearances[row["id"]])))
        page.object_list = rows
        return page


class FactCheckSitemap(Sitemap):
    changefreq = "weekly"
    limit = 5000  # addresses per sitemap page (the protocol allows 50,000; smaller pages answer sooner)

    def items(self) -> Any:
        return claim_rows(published_claims())

    @property
    def paginator(self) -> Paginator:
        return _PathPaginator(self.items(), self.limit)

    def location(self, item: Row) -> str:
        return str(item["path"])

    def lastmod(self, item: Row) -> Any:
        return max(item["published_at"], item["updated_at"])


class SourceSitemap(Sitemap):
    """The sources' pages: those that a published fact-check quotes or cites (source_list for nobody)."""

    changefreq = "weekly"
    limit = 5000

    def items(self) -> Any:
        return source_list(user=None).order_by("id").values("id", "title", "url", "updated_at")

    def location(self, item: Row) -> str:
        return source_path(item["id"], item["title"], item["url"])

    def lastmod(self, item: Row) -> Any:
        return item["updated_at"]


class PublisherSitemap(Sitemap):
    """The publishers' pages: those of the sources above (publisher_list for nobody)."""

    changefreq = "weekly"
    limit = 5000

    def items(self) -> Any:
        return publisher_list(user=None).order_by("id").values("id", "name", "updated_at")

    def location(self, item: Row) -> str:
        return publisher_path(item["id"], item["name"])

    def lastmod(self, item: Row) -> Any:
        return item["updated_at"]


class PagesSitemap(Sitemap):
    changefreq = "daily"

    def items(self) -> list[str]:
        return ["public:index", "public:methods"]

    def location(self, item: str) -> str:
        return reverse(item)
