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


def claim_representation(
    row: dict, appearances: list[dict], evidence: list[dict], *, links: Links, show_staff: bool, fields=None
) -> dict:
    """The claim's JSON object; `fields` (top-level names, in the order wanted) keeps only those, in that order."""
    want = (lambda name: True) if fields is None else frozenset(fields).__contains__
    value = row["value"]
    out = {}
    if want("id"):
        out["id"] = row["id"]
    if want("key"):
        out["key"] = row["key"]
    if want("subject"):
        out["subject"] = row["subject"]
    if want("claim_type"):
        out["claim_type"] = row["claim_type"]
    if want("quantity"):
        lower, upper = row["lower_bound"], row["upper_bound"]
        out["quantity"] = {
            "value": decimal_text(value),
            "unit": row["unit"],
            "qualifier": row["qualifier"],
            "lower_bound": decimal_text(lower),
            "upper_bound": decimal_text(upper),
            "display": format_quantity(value, row["unit"], row["qualifier"], lower, upper),
        }
    if want("period"):
        start, end = row["period_start"], row["period_end"]
        out["period"] = {
            "label": row["period"],
            "display": describe_period(
                Period(start, end, row["period_precision"], row["period_as_of"], row["period_approximate"])
            )
            if row["period"]
            else "",
            "start": start,
            "end": end,
            "precision": row["period_precision"],
            "as_of": row["period_as_of"],
            "approximate": row["period_approximate"],
        }
    if want("status"):
        out["status"] = row["status"]
    if want("verdict"):
        out["verdict"] = (
            {
                "textual_rating": row["textual_rating"],
                "explanation": row["verdict_note"],
                "rating_value": row["rating_value"],
                "reviewer": _user(row, "reviewer") if show_staff else None,
                "reviewed_at": row["reviewed_at"],
            }
            if row["status"] in VERDICTS
            else None
        )
    if want("assignee"):
        out["assignee"] = _user(row, "assignee") if show_staff else None
    if want("withdrawal"):
        out["withdrawal"] = (
            None
            if row["withdrawn_at"] is None
            else {
                "withdrawn_at": row["withdrawn_at"],
                "reason": row["withdrawal_reason"],
                "superseded_by": row["superseded_by_id"],
            }
        )
    if want("publication"):
        out["publication"] = publication(row, appearances, links)
    if want("appearances"):
        out["appearances"] = [appearance_brief(a) for a in appearances]
    if want("evidence"):
        out["evidence"] = [evidence_brief(e, value) for e in evidence]
    if want("version"):
        out["version"] = row["version"]
    if want("created_at"):
        out["created_at"] = row["created_at"]
    if want("updated_at"):
        out["updated_at"] = row["updated_at"]
    if want("links"):
        out["links"] = links.claims(row)
    if fields is not None:
        out = {name: out[name] for name in fields}
    return out


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
