"""ClaimReview (schema.org JSON-LD) of a published verdict, and the fact-check's headline: one builder for the public
fact-check page (claims/public), the API's ClaimReview endpoints and feed, and claims:search.

Google's fact-check markup requires claimReviewed, reviewRating.alternateName, url (the fact-check's own page) and
author (the publishing organisation, settings.CLAIMREVIEW_AUTHOR), and recommends datePublished (the publication),
reviewRating ratingValue / bestRating / worstRating (choices.RATING_SCALE) and itemReviewed as a Claim with author,
datePublished, appearance and firstAppearance. Dates are written at the precision known: a source published in
2025 says "2025", not 2025-01-01.

Rows are claims.selectors' plain rows (CLAIM_COLUMNS, APPEARANCE_COLUMNS).
"""

import re
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.text import Truncator, slugify

from sources.partial_dates import format_partial_date

from .appearances import appearance_date, claimant_of, first_appearance
from .choices import RATING_BEST, RATING_SCALE, RATING_WORST, VERDICTS, textual_rating_of
from .quantities import format_quantity

Row = dict[str, Any]

HEADLINE_LENGTH = 75  # Google: "try to keep this less than 75 characters"
SLUG_LENGTH = 60
# Footnote markers a quote keeps from its source ("…met over 42 times [1]", "[a]", "[citation needed]").
_FOOTNOTE = re.compile(r"\s*\[(?:\d{1,3}|[a-z]|citation needed|note \d+)\]", re.IGNORECASE)


def without_footnotes(text: str) -> str:
    return " ".join(_FOOTNOTE.sub("", text).split())


def claim_headline(row: Row, first: Row | None) -> str:
    """The claim in a short headline (claimReviewed, the page's title): the first appearance's quote when it is
    short, without footnote markers; else the subject, the figure and the period; at most HEADLINE_LENGTH
    characters."""
    if first is not None:
        quote = without_footnotes(first["quote"])
        if quote and len(quote) <= HEADLINE_LENGTH:
            return quote
    figure = format_quantity(row["value"], row["unit"], row["qualifier"], row["lower_bound"], row["upper_bound"])
    text = f"{row['subject']}: {figure}" if figure else row["subject"]
    if row["period"]:
        text += f" ({row['period']})"
    return Truncator(without_footnotes(text)).chars(HEADLINE_LENGTH)


def fact_check_slug(headline: str) -> str:
    return slugify(headline)[:SLUG_LENGTH].strip("-") or "fact-check"


def fact_check_path(pk: int, headline: str) -> str:
    """The public fact-check page's path (/fact-checks/<id>-<slug>/)."""
    return reverse("public:fact-check", kwargs={"pk": pk, "slug": fact_check_slug(headline)})


def organisation() -> Row:
    """The publishing organisation (settings.CLAIMREVIEW_AUTHOR) as schema.org; what is not configured is left out."""
    author = settings.CLAIMREVIEW_AUTHOR
    org: Row = {"@type": "Organization", "name": author["name"]}
    for key, prop in (("url", "url"), ("logo", "logo")):
        if author.get(key):
            org[prop] = author[key]
    return org


def is_published(row: Row) -> bool:
    return row["status"] in VERDICTS and row.get("published_at") is not None


def appearance_row_date(row: Row) -> Any:
    """An appearance row's date (claims.appearances.appearance_date)."""
    return appearance_date(row["stated_on"], row["source__published_on"])


def appearance_row_date_text(row: Row) -> str:
    """The appearance's date at the precision known: the day it was stated, else the source's publication date at
    its precision ("2025", "2025-03", "2025-03-14"); "" when unknown."""
    if row["stated_on"]:
        return str(row["stated_on"].isoformat())
    if row["source__published_on"]:
        return format_partial_date(row["source__published_on"], row.get("source__published_precision") or "day")
    return ""


def first_appearance_row(appearances: list[Row]) -> Row | None:
    """The earliest appearance row, by the same rule as the admin (claims.appearances.first_appearance)."""
    return first_appearance(appearances, date_of=appearance_row_date, id_of=lambda row: row["id"])


def _claim_author(appearance: Row | None) -> Row | None:
    if appearance is None:
        return None
    claimant = claimant_of(
        claimant=appearance["claimant"],
        authors=appearance.get("source__authors"),
        publisher=appearance["source__publisher__name"],
    )
    return None if claimant is None else {"@type": claimant.kind, "name": claimant.name}


def _creative_work(appearance: Row) -> Row:
    work: Row = {"@type": "CreativeWork"}
    if appearance["source__url"]:
        work["url"] = appearance["source__url"]
    if appearance["source__title"]:
        work["headline"] = appearance["source__title"]
    date = appearance_row_date_text(appearance)
    if date:
        work["datePublished"] = date
    author = _claim_author(appearance)
    if author:
        work["author"] = author
    if appearance["source__publisher_id"] is not None:
        work["publisher"] = {"@type": "Organization", "name": appearance["source__publisher__name"]}
    return work


def claim_review(row: Row, appearances: list[Row], *, site: str) -> Row | None:
    """The ClaimReview of a published verdict (None otherwise); `site` is the scheme and host the fact-check page is
    served from ("https://desk.example.org"): the review's url is that page."""
    if not is_published(row):
        return None
    first = first_appearance_row(appearances)
    rating: Row = {"@type": "Rating", "alternateName": textual_rating_of(row["status"], row["textual_rating"])}
    if row["rating_value"] is not None:
        rating |= {"ratingValue": row["rating_value"], "bestRating": RATING_BEST, "worstRating": RATING_WORST}
        rating["name"] = RATING_SCALE.get(row["rating_value"], rating["alternateName"])
    if row["verdict_note"]:
        rating["ratingExplanation"] = row["verdict_note"]
    item: Row = {"@type": "Claim"}
    author = _claim_author(first)
    if author:
        item["author"] = author
    if first is not None:
        date = appearance_row_date_text(first)
        if date:
            item["datePublished"] = date
        item["appearance"] = [_creative_work(a) for a in appearances]
        item["firstAppearance"] = _creative_work(first)
    headline = claim_headline(row, first)
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": site.rstrip("/") + fact_check_path(row["id"], headline),
        "claimReviewed": headline,
        "datePublished": row["published_at"].date().isoformat(),
        **({"author": organisation()} if settings.CLAIMREVIEW_AUTHOR["name"] else {}),  # never a made-up name
        "reviewRating": rating,
        "itemReviewed": item,
    }
