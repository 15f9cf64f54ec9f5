"""Reads with rules: which claims a user may see, in which order, and the related rows a page of them needs.

    claim_list(user=request.user, filters=request.GET)   # visible, filtered, ordered claims (a QuerySet)

The API, the CSV / NDJSON exports, the ClaimReview feed and the claims:search endpoint all read through here, so a
claim that a user may not see is missing (404) everywhere alike. Page data is fetched as plain rows (`values()`),
in a constant number of queries per page whatever its size: the claims, then their appearances, then their
evidence, each with its source and publisher joined.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping

from django.db.models import Count, Exists, OuterRef, QuerySet

from sources.models import Publisher, Source

from .choices import VERDICTS
from .models import Appearance, Claim, Evidence

CLAIM_COLUMNS = (
    "id", "key", "subject", "claim_type", "value", "unit", "qualifier", "lower_bound", "upper_bound", "period",
    "period_start", "period_end", "period_precision", "period_as_of", "status", "verdict_note", "textual_rating",
    "rating_value", "reviewer_id", "reviewer__username", "reviewed_at", "assignee_id", "assignee__username",
    "withdrawn_at", "withdrawal_reason", "superseded_by_id", "version", "created_at", "updated_at",
)  # fmt: skip
SOURCE_BRIEF = ("source_id", "source__title", "source__url", "source__publisher_id", "source__publisher__name")
APPEARANCE_COLUMNS = ("id", "claim_id", "quote", "start_offset", "end_offset", "claimant", "stated_on",
                      "source__published_on", "source__authors", *SOURCE_BRIEF)  # fmt: skip
EVIDENCE_COLUMNS = ("id", "claim_id", "relation", "excerpt", "locator", "source_value", "excerpt_missing_since",
                    *SOURCE_BRIEF)  # fmt: skip
FACETS = ("status", "unit", "claim_type", "publisher")
FACET_LIMIT = 30


def can_read_all_claims(user) -> bool:
    """Journalists, fact-checkers and admins read every claim; anyone else only the published verdicts."""
    return bool(user and user.is_authenticated and user.is_active and user.has_perm("claims.view_claim"))


def claim_list(*, user, filters: Mapping | None = None) -> QuerySet[Claim]:
    """The claims `user` may see, narrowed by `filters` (the ClaimFilter's parameters), newest change first.

    Raises django.core.exceptions.ValidationError for invalid filters.
    """
    claims = Claim.objects.all()
    if not can_read_all_claims(user):
        claims = claims.filter(status__in=VERDICTS)
    if filters:
        from .filters import ClaimFilter

        claims = ClaimFilter.apply(filters, claims)
    return claims


def claim_rows(claims: QuerySet[Claim]) -> QuerySet:
    """The claims as plain rows with the reviewer's and assignee's usernames joined in."""
    return claims.values(*CLAIM_COLUMNS)


def related_rows(claim_ids: Iterable[int], *, appearances: bool = True, evidence: bool = True):
    """({claim id: [appearance rows]}, {claim id: [evidence rows]}) for a page of claims: one query each."""
    ids = list(claim_ids)
    by_claim_appearances: dict[int, list[dict]] = defaultdict(list)
    by_claim_evidence: dict[int, list[dict]] = defaultdict(list)
    if ids and appearances:
        for row in Appearance.objects.filter(claim_id__in=ids).order_by("claim_id", "id").values(*APPEARANCE_COLUMNS):
            by_claim_appearances[row["claim_id"]].append(row)
    if ids and evidence:
        for row in Evidence.objects.filter(claim_id__in=ids).order_by("claim_id", "id").values(*EVIDENCE_COLUMNS):
            by_claim_evidence[row["claim_id"]].append(row)
    return by_claim_appearances, by_claim_evidence


def claim_facets(claims: QuerySet[Claim], names: Iterable[str]) -> dict[str, list[dict]]:
    """Counts of the matching claims per value of each facet (at most FACET_LIMIT values, most frequent first)."""
    claims = claims.order_by()
    facets = {}
    for name in names:
        if name == "publisher":
            rows = (
                Appearance.objects.filter(claim_id__in=claims.values("id"), source__publisher__isnull=False)
                .values("source__publisher_id", "source__publisher__name")
                .annotate(count=Count("claim_id", distinct=True))
                .order_by("-count", "source__publisher__name")[:FACET_LIMIT]
            )
            facets[name] = [
                {"value": r["source__publisher_id"], "label": r["source__publisher__name"], "count": r["count"]}
                for r in rows
            ]
            continue
        field = Claim._meta.get_field(name)
        labels = dict(field.choices or ())
        rows = claims.values(name).annotate(count=Count("id")).order_by("-count", name)[:FACET_LIMIT]
        facets[name] = [
            {"value": r[name], "label": str(labels.get(r[name], r[name])), "count": r["count"]} for r in rows
        ]
    return facets


def visible_claims_exist(user, **link) -> Exists | None:
    """None when the user sees every claim; otherwise an Exists() over the visible claims matching `link`."""
    if can_read_all_claims(user):
        return None
    return Exists(Claim.objects.filter(status__in=VERDICTS, **link))


def source_list(*, user) -> QuerySet[Source]:
    """Sources; anonymous clients see those that a published claim appears in or cites."""
    sources = Source.objects.select_related("publisher").defer("text")
    cited = visible_claims_exist(user, appearances__source=OuterRef("pk"))
    if cited is not None:
        evidence = Exists(Claim.objects.filter(status__in=VERDICTS, evidence__source=OuterRef("pk")))
        sources = sources.filter(cited | evidence)
    return sources


def publisher_list(*, user) -> QuerySet[Publisher]:
    """Publishers; anonymous clients see those of the sources they see."""
    publishers = Publisher.objects.all()
    if not can_read_all_claims(user):
        publishers = publishers.filter(Exists(source_list(user=user).filter(publisher=OuterRef("pk"))))
    return publishers


def evidence_list(*, user) -> QuerySet[Evidence]:
    """Evidence of the claims the user may see, with its source and publisher."""
    evidence = Evidence.objects.select_related("source__publisher", "claim").defer("source__text")
    if not can_read_all_claims(user):
        evidence = evidence.filter(claim__status__in=VERDICTS)
    return evidence


def appearance_list(*, user) -> QuerySet[Appearance]:
    """Appearances of the claims the user may see, with their source and publisher."""
    appearances = Appearance.objects.select_related("source__publisher").defer("source__text")
    if not can_read_all_claims(user):
        appearances = appearances.filter(claim__status__in=VERDICTS)
    return appearances
