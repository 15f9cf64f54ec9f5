"""A claim as the API shows it, built from the plain rows of claims.selectors (no model instances, no per-row
queries): the list endpoint's serialization cost is a few dict literals per claim.

The shape is documented by the read serializers in claims/api/serializers.py (ClaimSerializer and its parts),
which the OpenAPI schema is generated from; tests/api check that the two agree.
"""

from decimal import Decimal

from claims.appearances import Claimant, claimant_of
from claims.choices import VERDICTS
from claims.claimreview import appearance_row_date, claim_headline, fact_check_slug, first_appearance_row, is_published
from claims.periods import Period, describe_period
from claims.quantities import format_quantity, gap_percent
from factcheck.numbers import decimal_text

CLAIM_FIELDS = (
    "id", "key", "subject", "claim_type", "quantity", "period", "status", "verdict", "assignee", "withdrawal",
    "publication", "appearances", "evidence", "version", "created_at", "updated_at", "links",
)  # fmt: skip
# The fields built from the claim's appearances too (the page's URL has the headline, from the first one's quote).
NEEDS_APPEARANCES = frozenset(("appearances", "publication"))


class Links:
    """Absolute URLs built by string formatting from one base (reverse() per row costs more than the row)."""

    def __init__(self, request):
        self.base = request.build_absolute_uri("/").rstrip("/") if request is not None else ""

    def claim(self, pk) -> str:
        return f"{self.base}/api/v1/claims/{pk}/"

    def page(self, pk, headline: str) -> str:
        """The fact-check's public page, /fact-checks/<id>-<slug>/ (claims.claimreview.fact_check_path)."""
        return f"{self.base}/fact-checks/{pk}-{fact_check_slug(headline)}/"

    def claims(self, row: dict) -> dict:
        pk = row["id"]
        return {
            "self": f"{self.base}/api/v1/claims/{pk}/",
            "admin": f"{self.base}/admin/claims/claim/{pk}/change/",
            "history": f"{self.base}/api/v1/claims/{pk}/history/",
            "claimreview": f"{self.base}/api/v1/claims/{pk}/claimreview/" if is_published(row) else None,
        }


def source_brief(row: dict) -> dict:
    publisher_id = row["source__publisher_id"]
    return {
        "id": row["source_id"],
        "title": row["source__title"],
        "url": row["source__url"],
        "publisher": None if publisher_id is None else {"id": publisher_id, "name": row["source__publisher__name"]},
    }


def appearance_brief(row: dict) -> dict:
    return {
        "id": row["id"],
        "source": source_brief(row),
        "quote": row["quote"],
        "claimant": row["claimant"],
        "date": appearance_row_date(row),
        "start_offset": row["start_offset"],
        "end_offset": row["end_offset"],
    }


def evidence_brief(row: dict, claimed_value: Decimal | None) -> dict:
    return {
        "id": row["id"],
        "source": source_brief(row),
        "relation": row["relation"],
        "excerpt": row["excerpt"],
        "locator": row["locator"],
        "source_value": decimal_text(row["source_value"]),
        "gap_percent": decimal_text(gap_percent(claimed_value, row["source_value"])),
        "excerpt_missing_since": row["excerpt_missing_since"],
    }


def _quantity(row: dict) -> dict:
    value, lower, upper = row["value"], row["lower_bound"], row["upper_bound"]
    return {
        "value": decimal_text(value),
        "unit": row["unit"],
        "qualifier": row["qualifier"],
        "lower_bound": decimal_text(lower),
        "upper_bound": decimal_text(upper),
        "display": format_quantity(value, row["unit"], row["qualifier"], lower, upper),
    }


def _period(row: dict) -> dict:
    start, end = row["period_start"], row["period_end"]
    label = row["period"]
    display = (
        describe_period(Period(start, end, row["period_precision"], row["period_as_of"], row["period_approximate"]))
        if label
        else ""
    )
    return {
        "label": label,
        "display": display,
        "start": start,
        "end": end,
        "precision": row["period_precision"],
        "as_of": row["period_as_of"],
        "approximate": row["period_approximate"],
    }


def _verdict(row: dict, show_staff: bool) -> dict | None:
    if row["status"] not in VERDICTS:
        return None
    return {
        "textual_rating": row["textual_rating"],
        "explanation": row["verdict_note"],
        "rating_value": row["rating_value"],
        "reviewer": _user(row, "reviewer") if show_staff else None,
        "reviewed_at": row["reviewed_at"],
    }


def _withdrawal(row: dict) -> dict | None:
    if row["withdrawn_at"] is None:
        return None
    return {
        "withdrawn_at": row["withdrawn_at"],
        "reason": row["withdrawal_reason"],
        "superseded_by": row["superseded_by_id"],
    }


# Each top-level field of a claim and how it is built: (row, appearances, evidence, links, show_staff) -> value.
_BUILD = {
    "id": lambda row, a, e, links, staff: row["id"],
    "key": lambda row, a, e, links, staff: row["key"],
    "subject": lambda row, a, e, links, staff: row["subject"],
    "claim_type": lambda row, a, e, links, staff: row["claim_type"],
    "quantity": lambda row, a, e, links, staff: _quantity(row),
    "period": lambda row, a, e, links, staff: _period(row),
    "status": lambda row, a, e, links, staff: row["status"],
    "verdict": lambda row, a, e, links, staff: _verdict(row, staff),
    "assignee": lambda row, a, e, links, staff: _user(row, "assignee") if staff else None,
    "withdrawal": lambda row, a, e, links, staff: _withdrawal(row),
    "publication": lambda row, a, e, links, staff: publication(row, a, links),
    "appearances": lambda row, a, e, links, staff: [appearance_brief(item) for item in a],
    "evidence": lambda row, a, e, links, staff: [evidence_brief(item, row["value"]) for item in e],
    "version": lambda row, a, e, links, staff: row["version"],
    "created_at": lambda row, a, e, links, staff: row["created_at"],
    "updated_at": lambda row, a, e, links, staff: row["updated_at"],
    "links": lambda row, a, e, links, staff: links.claims(row),
}
assert tuple(_BUILD) == CLAIM_FIELDS


def claim_representation(
    row: dict, appearances: list[dict], evidence: list[dict], *, links: Links, show_staff: bool, fields=None
) -> dict:
    """The claim's JSON object; `fields` (top-level names, in the order wanted) keeps only those, in that order.

    One pass over the wanted fields, each built by its own function (_BUILD): a field left out costs nothing.
    """
    return {name: _BUILD[name](row, appearances, evidence, links, show_staff) for name in (fields or CLAIM_FIELDS)}


def publication(row: dict, appearances: list[dict], links: Links) -> dict | None:
    """When and by whom the verdict was published, and its public page; None unless it is published."""
    if not is_published(row):
        return None
    return {
        "published_at": row["published_at"],
        "published_by": display_name(row, "published_by"),
        "url": links.page(row["id"], claim_headline(row, first_appearance_row(appearances))),
    }


def display_name(row: dict, name: str) -> str | None:
    """A user's name as people read it (Django's get_full_name(), else the username), from the row's
    `<name>__first_name`, `__last_name` and `__username`; None without a user."""
    if row[f"{name}_id"] is None:
        return None
    full = f"{row[f'{name}__first_name']} {row[f'{name}__last_name']}".strip()
    return full or row[f"{name}__username"]


def _user(row: dict, name: str) -> dict | None:
    pk = row[f"{name}_id"]
    return None if pk is None else {"id": pk, "username": row[f"{name}__username"]}


def appearance_row_claimant(row: dict) -> Claimant | None:
    """Who made the claim in an appearance row (claims.appearances.claimant_of)."""
    return claimant_of(
        claimant=row["claimant"], authors=row.get("source__authors"), publisher=row["source__publisher__name"]
    )
