"""The Atom feed of the published fact-checks (django.contrib.syndication), newest publication first."""

from typing import Any

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from ..claimreview import claim_headline, fact_check_path, first_appearance_row
from ..selectors import Row, claim_rows, published_claims, related_rows
from .views import site_details, verdict_label

FEED_SIZE = 50


class FactCheckFeed(Feed):
    feed_type = Atom1Feed

    def title(self) -> str:
        return f"Fact-checks by {site_details()['name']}" if site_details()["name"] else "Fact-checks"

    def link(self) -> str:
        return "/fact-checks/"

    def subtitle(self) -> str:
        return "The desk's published verdicts on figures in the news, newest first."

    def items(self) -> list[Row]:
        rows = list(claim_rows(published_claims())[:FEED_SIZE])
        appearances, _ = related_rows([row["id"] for row in rows], evidence=False)
        for row in rows:
            row["headline"] = claim_headline(row, first_appearance_row(appearances[row["id"]]))
        return rows

    def item_title(self, item: Row) -> str:
        return str(item["headline"])

    def item_description(self, item: Row) -> str:
        verdict = verdict_label(item["status"], item["textual_rating"])["text"]
        return f"{verdict}. {item['verdict_note']}".strip()

    def item_link(self, item: Row) -> str:
        return fact_check_path(item["id"], item["headline"])

    def item_pubdate(self, item: Row) -> Any:
        return item["published_at"]

    def item_updateddate(self, item: Row) -> Any:
        return max(item["published_at"], item["updated_at"])

    def item_author_name(self, item: Row) -> str:
        return str(site_details()["name"])
