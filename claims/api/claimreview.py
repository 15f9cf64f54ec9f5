"""The API's ClaimReview: the one builder (claims.claimreview) with the site the request came to, so that its url is
the fact-check's public page (/fact-checks/<id>-<slug>/), as Google requires."""

from claims.claimreview import claim_headline, organisation
from claims.claimreview import claim_review as build_claim_review

from .representation import Links

__all__ = ["claim_headline", "claim_review", "organisation"]


def claim_review(row: dict, appearances: list[dict], *, links: Links) -> dict | None:
    """The ClaimReview of a published verdict, or None."""
    return build_claim_review(row, appearances, site=links.base)
