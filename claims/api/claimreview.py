"""ClaimReview (schema.org JSON-LD) for a claim with a verdict, with the properties Google's fact-check markup
documentation requires (claimReviewed, reviewRating.alternateName, url, author) and recommends (datePublished,
reviewRating ratingValue / bestRating / worstRating, itemReviewed as a Claim with author, datePublished,
appearance and firstAppearance).
"""

from typing import Any

from django.conf import settings
from django.utils.text import Truncator

from claims.choices import RATING_BEST, RATING_WORST, VERDICTS, textual_rating_of
from claims.quantities import format_quantity

from .representation import Links, appearance_row_claimant, appearance_row_date, first_appearance_row

CLAIM_REVIEWED_LENGTH = 75  # Google: "try to keep this less than 75 characters"


def organisation() -> dict:
    author = settings.CLAIMREVIEW_AUTHOR
    return {"@type": "Organization", "name": author["name"], "url": author["url"]}


def _claim_author(appearance: dict | None) -> dict | None:
    claimant = None if appearance is None else appearance_row_claimant(appearance)
    return None if claimant is None else {"@type": claimant.kind, "name": claimant.name}


def _creative_work(appearance: dict) -> dict:
    work: dict[str, Any] = {"@type": "CreativeWork"}
    if appearance["source__url"]:
        work["url"] = appearance["source__url"]
    if appearance["source__title"]:
        work["headline"] = appearance["source__title"]
    date = appearance_row_date(appearance)
    if date:
        work["datePublished"] = date.isoformat()
    author = _claim_author(appearance)
    if author:
        work["author"] = author
    if appearance["source__publisher_id"] is not None:
        work["publisher"] = {"@type": "Organization", "name": appearance["source__publisher__name"]}
    return work


def claim_reviewed(row: dict, first: dict | None) -> str:
    """A short statement of the claim: its quote when short, else subject and figure."""
    if first is not None and len(first["quote"]) <= CLAIM_REVIEWED_LENGTH:
        return first["quote"]
    figure = format_quantity(row["value"], row["unit"], row["qualifier"], row["lower_bound"], row["upper_bound"])
    text = f"{row['subject']}: {figure}" if figure else row["subject"]
    if row["period"]:
        text += f" ({row['period']})"
    return Truncator(text).chars(CLAIM_REVIEWED_LENGTH)


def claim_review(row: dict, appearances: list[dict], *, links: Links) -> dict | None:
    """The ClaimReview of a claim, or None when it has no verdict."""
    if row["status"] not in VERDICTS:
        return None
    first = first_appearance_row(appearances)
    rating: dict[str, Any] = {
        "@type": "Rating",
        "alternateName": textual_rating_of(row["status"], row["textual_rating"]),
    }
    if row["rating_value"] is not None:
        rating |= {"ratingValue": row["rating_value"], "bestRating": RATING_BEST, "worstRating": RATING_WORST}
    if row["verdict_note"]:
        rating["ratingExplanation"] = row["verdict_note"]
    item: dict[str, Any] = {"@type": "Claim"}
    author = _claim_author(first)
    if author:
        item["author"] = author
    if first is not None:
        date = appearance_row_date(first)
        if date:
            item["datePublished"] = date.isoformat()
        item["appearance"] = [_creative_work(a) for a in appearances]
        item["firstAppearance"] = _creative_work(first)
    published = row["reviewed_at"] or row["updated_at"]
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"{links.claim(row['id'])}claimreview/",
        "claimReviewed": claim_reviewed(row, first),
        "datePublished": published.date().isoformat(),
        "author": organisation(),
        "reviewRating": rating,
        "itemReviewed": item,
    }
