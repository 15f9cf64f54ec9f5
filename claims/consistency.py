"""Consistency across the desk: figures that disagree with each other or with their evidence.

    consistency_report(limit=...) -> Report(values, shares, changes, evidence): each a list of Disagreement(kind,
                                     message, claims, evidence), at most `limit` of each kind

Four kinds, each found by one SQL statement over the claims that stand (not withdrawn):

- values: claims of the same subject and period, in the same unit, whose values differ by more than TOLERANCE
  percent of the larger. "The same subject" is the same words in the same order, ignoring case and punctuation
  (desk_subject_key: "Russia–China trade" = "russia china trade"): an equality the database groups by in one pass,
  where trigram similarity between every two claims of a million would be a pairwise join. The keys are SQL
  functions held by expression indexes (migration 0020), so a report reads them in order rather than computing a
  regular expression for every claim.
- shares: percentages of one whole that add up to more than 100 %. A share's subject names its whole after its
  last " of " ("China's share of Russian oil exports": the whole is "russian oil exports", the part "china s
  share"); the shares of one whole and period, one a part (the part's lowest value when it has several), are summed,
  each by what it says at least (an "under" share counts its lower bound, or nothing).
- changes: a change claim whose figure doesn't match the two values it relates. Claims hold no link to the values a
  change is computed from, so the change relates the claims of its subject (the same subject key, not changes
  themselves, in its unit or, for a change in percent, percentage points or a multiple, any unit) whose period holds
  its period's start and its period's end: "Russia–China trade rose 67 % in 2021/2024" relates the trade of 2021 and
  of 2024. The change computed is in the change's unit: percent (relative to the earlier value), percentage points
  (of two percentages), a multiple (the later over the earlier) or the values' own unit (the difference); it
  matches when within TOLERANCE percent of the computed one or within the rounding of the stated figure (67 for
  66.7). A change with several claims at one end is compared with the first of each (by id).
- evidence: evidence whose source value is further from its claim's value than TOLERANCE percent of it
  (claims.quantities.gap_percent, the claim page's gap: "notable" or "large", not "close") while the claim stands
  verified.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from .choices import ClaimType, Status, Unit
from .quantities import GAP_CLOSE, format_gap, format_quantity, gap_percent

# How far two figures of one statement may be apart, in percent (claims.quantities: under 1 % reads as rounding).
TOLERANCE = GAP_CLOSE
REPORT_LIMIT = 100  # disagreements of each kind in one report
KINDS = ("values", "shares", "changes", "evidence")
KIND_TITLES = {
    "values": "Same subject and period, different values",
    "shares": "Shares of one whole adding up to more than 100 %",
    "changes": "Changes that don't match the values they relate",
    "evidence": "Verified claims whose evidence gives another figure",
}

# The subject with case and punctuation left out: what "the same subject" compares. A share's whole: the subject's
# key after its last " of "; its part, the key before. SQL functions (migration 0020), each held by an expression
# index in the order a kind reads it: no regular expression is computed per claim when the report runs.
SUBJECT_KEY = "desk_subject_key({subject})"
WHOLE_KEY = "desk_whole_key({subject})"
PART_KEY = "desk_part_key({subject})"
STANDING = "withdrawn_at IS NULL"


@dataclass(frozen=True)
class ClaimRef:
    """A claim a disagreement involves, as the report shows it."""

    id: int
    subject: str
    figure: str
    period: str
    status: str

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)


@dataclass(frozen=True)
class EvidenceRef:
    id: int
    claim_id: int
    source_id: int
    source_title: str
    relation: str
    source_figure: str
    gap: str


@dataclass(frozen=True)
class Disagreement:
    kind: str
    message: str
    claims: tuple[ClaimRef, ...]
    evidence: tuple[EvidenceRef, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Report:
    values: list[Disagreement]
    shares: list[Disagreement]
    changes: list[Disagreement]
    evidence: list[Disagreement]
    limit: int

    def of(self, kind: str) -> list[Disagreement]:
        return list(getattr(self, kind))


def _rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The rows of one kind's query, without JIT and parallel workers: the keys' functions are costed high (so that the
    planner reads their index rather than compute them), which passes jit_above_cost, and compiling took longer than
    the query (0.4 s of 1.5 s at a million claims); workers merging a million index rows in order took twice as long
    as one reading them (1.0 s against 0.5 s on two cores). SET LOCAL, in the same round trip, lasts until this
    transaction's end (or the caller's)."""
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0; {sql}", params)
        return cursor.fetchall()


def _claim(row: dict[str, Any]) -> ClaimRef:
    value, lower, upper = (_amount(row[name]) for name in ("value", "lower_bound", "upper_bound"))
    figure = format_quantity(value, row["unit"], row["qualifier"], lower, upper)
    return ClaimRef(row["id"], row["subject"], figure, row["period"], row["status"])


def _amount(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _named(claims: Sequence[ClaimRef]) -> str:
    return ", ".join(f"{c.figure} in claim #{c.id}" for c in claims)


# A claim as a JSON object, for the claims of one disagreement in one row (json_agg).
_CLAIM_JSON = (
    "json_build_object('id', {c}.id, 'subject', {c}.subject, 'value', {c}.value::text, 'unit', {c}.unit, "
    "'qualifier', {c}.qualifier, 'lower_bound', {c}.lower_bound::text, 'upper_bound', {c}.upper_bound::text, "
    "'period', {c}.period, 'status', {c}.status)"
)

# The groups are read in the key index's order (migration 0020) with only cheap aggregates; the claims of the groups
# flagged are then read by the same index (an array of every group's ids cost more than the scan).
_VALUES = f"""
WITH flagged AS (
    SELECT {SUBJECT_KEY.format(subject="claim.subject")} AS subject_key, claim.unit, claim.period_start,
           claim.period_end, min(claim.id) AS first
    FROM claims_claim claim
    WHERE claim.{STANDING} AND claim.value IS NOT NULL AND claim.claim_type <> %s AND claim.period <> ''
    GROUP BY {SUBJECT_KEY.format(subject="claim.subject")}, claim.unit, claim.period_start, claim.period_end
    HAVING count(*) > 1 AND max(claim.value) - min(claim.value)
                            > greatest(abs(max(claim.value)), abs(min(claim.value))) * %s / 100
    ORDER BY min(claim.id)
    LIMIT %s
)
SELECT (SELECT json_agg({_CLAIM_JSON.format(c="claim")} ORDER BY claim.value, claim.id)
        FROM claims_claim claim
        WHERE {SUBJECT_KEY.format(subject="claim.subject")} = flagged.subject_key AND claim.unit = flagged.unit
              AND claim.period_start IS NOT DISTINCT FROM flagged.period_start
              AND claim.period_end IS NOT DISTINCT FROM flagged.period_end
              AND claim.{STANDING} AND claim.value IS NOT NULL AND claim.claim_type <> %s AND claim.period <> '')
FROM flagged
ORDER BY flagged.first
"""


def value_disagreements(*, limit: int = REPORT_LIMIT) -> list[Disagreement]:
    """Claims of the same subject and period and unit whose values differ beyond TOLERANCE: one per group."""
    found = []
    for (claims,) in _rows(_VALUES, [ClaimType.CHANGE, TOLERANCE, limit, ClaimType.CHANGE]):
        refs = tuple(_claim(c) for c in claims)
        first = min(refs, key=lambda c: c.id)  # the subject as the desk first wrote it
        message = f"{first.subject} ({first.period}): {_named(refs)}"
        found.append(Disagreement("values", message, refs))
    return found


_SHARES = f"""
WITH share AS (
    SELECT claim.id, claim.period_start, claim.period_end,
           {WHOLE_KEY.format(subject="claim.subject")} AS whole, {PART_KEY.format(subject="claim.subject")} AS part,
           CASE WHEN claim.qualifier = 'under' THEN COALESCE(claim.lower_bound, 0)
                ELSE COALESCE(claim.value, claim.lower_bound, 0) END AS at_least
    FROM claims_claim claim
    WHERE claim.{STANDING} AND claim.unit = %s AND claim.claim_type <> %s AND claim.period <> ''
          AND {WHOLE_KEY.format(subject="claim.subject")} IS NOT NULL
), part AS (  -- each part once: its lowest share
    SELECT DISTINCT ON (share.whole, share.period_start, share.period_end, share.part) share.*
    FROM share WHERE share.part <> ''
    ORDER BY share.whole, share.period_start, share.period_end, share.part, share.at_least, share.id
), flagged AS (
    SELECT array_agg(part.id ORDER BY part.at_least DESC, part.id) AS ids, sum(part.at_least) AS total,
           min(part.id) AS first
    FROM part
    GROUP BY part.whole, part.period_start, part.period_end
    HAVING count(*) > 1 AND sum(part.at_least) > 100
    ORDER BY min(part.id)
    LIMIT %s
)
SELECT (SELECT json_agg({_CLAIM_JSON.format(c="claim")} ORDER BY array_position(flagged.ids, claim.id))
        FROM claims_claim claim WHERE claim.id = ANY(flagged.ids)), flagged.total
FROM flagged
ORDER BY flagged.first
"""


def share_overruns(*, limit: int = REPORT_LIMIT) -> list[Disagreement]:
    """Percentages of one whole and period (WHOLE_KEY) that add up to more than 100 %."""
    found = []
    for claims, total in _rows(_SHARES, [Unit.PERCENT, ClaimType.CHANGE, limit]):
        refs = tuple(_claim(c) for c in claims)
        whole = refs[0].subject.rsplit(" of ", 1)[-1]
        message = (
            f"shares of {whole} ({refs[0].period}) add up to {format_quantity(total, Unit.PERCENT)}: {_named(refs)}"
        )
        found.append(Disagreement("shares", message, refs))
    return found


# The change claims (few: their own index), each joined to the claims of its subject key (the key's index), in one
# join: the planner misjudges how many claims share a key, and a second join back to the claims by id was a hash of
# every claim.
_FIGURED = "{c}.withdrawn_at IS NULL AND {c}.value IS NOT NULL AND {c}.period_start IS NOT NULL"
_CHANGE_KEY = SUBJECT_KEY.format(subject="change.subject")
_CHANGES = f"""
SELECT {_CLAIM_JSON.format(c="change")}, {_CLAIM_JSON.format(c="earlier")}, {_CLAIM_JSON.format(c="later")}
FROM claims_claim change
JOIN claims_claim earlier ON {SUBJECT_KEY.format(subject="earlier.subject")} = {_CHANGE_KEY}
     AND {_FIGURED.format(c="earlier")} AND earlier.claim_type <> %s
     AND earlier.period_start <= change.period_start AND change.period_start <= earlier.period_end
     AND (earlier.unit = change.unit OR change.unit IN (%s, %s, %s))
JOIN claims_claim later ON {SUBJECT_KEY.format(subject="later.subject")} = {_CHANGE_KEY}
     AND {_FIGURED.format(c="later")} AND later.claim_type <> %s AND later.unit = earlier.unit
     AND later.period_start <= change.period_end AND change.period_end <= later.period_end
     AND later.id <> earlier.id
WHERE change.claim_type = %s AND {_FIGURED.format(c="change")}
      AND change.period_end IS NOT NULL AND change.period_end > change.period_start
      AND (change.unit <> %s OR earlier.unit = %s)
ORDER BY change.id, earlier.id, later.id
"""


def _computed_change(unit: str, earlier: Decimal, later: Decimal) -> Decimal | None:
    if unit == Unit.MULTIPLE:
        return later / earlier if earlier else None
    if unit == Unit.PERCENT:
        return (later - earlier) / abs(earlier) * 100 if earlier else None
    return later - earlier  # percentage points, or the values' own unit


def _rounding(stated: Decimal) -> Decimal:
    """Half the last written digit of the stated figure: 67 stands for 66.5–67.5."""
    exponent = stated.normalize().as_tuple().exponent
    return Decimal(5).scaleb(min(int(exponent), 0) - 1)


def change_mismatches(*, limit: int = REPORT_LIMIT) -> list[Disagreement]:
    """Change claims whose figure is not the change between the two claims of their subject at their period's ends."""
    params = [ClaimType.CHANGE, Unit.PERCENT, Unit.PERCENTAGE_POINTS, Unit.MULTIPLE, ClaimType.CHANGE, ClaimType.CHANGE]
    params += [Unit.PERCENTAGE_POINTS, Unit.PERCENT]
    found: list[Disagreement] = []
    seen: set[int] = set()
    for change, earlier, later in _rows(_CHANGES, params):
        if change["id"] in seen or len(found) >= limit:
            continue
        stated, before, after = (Decimal(row["value"]) for row in (change, earlier, later))
        computed = _computed_change(change["unit"], before, after)
        if computed is None:
            continue
        seen.add(change["id"])
        if abs(stated - computed) <= max(abs(computed) * TOLERANCE / 100, _rounding(stated)):
            continue
        refs = (_claim(change), _claim(earlier), _claim(later))
        shown = format_quantity(computed.quantize(Decimal("0.1")), change["unit"])
        message = (
            f"claim #{change['id']} states a change of {refs[0].figure}; from {refs[1].figure} "
            f"(claim #{earlier['id']}) to {refs[2].figure} (claim #{later['id']}) it is {shown}"
        )
        found.append(Disagreement("changes", message, refs))
    return found


_EVIDENCE = f"""
SELECT {_CLAIM_JSON.format(c="claim")}, evidence.id, evidence.source_id, source.title, evidence.relation,
       evidence.source_value
FROM claims_evidence evidence
JOIN claims_claim claim ON claim.id = evidence.claim_id
JOIN sources_source source ON source.id = evidence.source_id
WHERE claim.status = %s AND claim.{STANDING} AND claim.value IS NOT NULL AND evidence.source_value IS NOT NULL
      AND evidence.source_value <> 0
      AND abs(claim.value - evidence.source_value) >= abs(evidence.source_value) * %s / 100
ORDER BY claim.id, evidence.id
LIMIT %s
"""


def evidence_gaps(*, limit: int = REPORT_LIMIT) -> list[Disagreement]:
    """Evidence of a verified claim whose source value is TOLERANCE or more from the claim's (its gap)."""
    found = []
    for claim, evidence_id, source_id, title, relation, source_value in _rows(
        _EVIDENCE, [Status.VERIFIED, TOLERANCE, limit]
    ):
        ref = _claim(claim)
        value = Decimal(claim["value"])
        gap = format_gap(gap_percent(value, source_value))
        source_figure = format_quantity(source_value, claim["unit"])
        evidence = EvidenceRef(evidence_id, ref.id, source_id, title, relation, source_figure, gap)
        message = (
            f"claim #{ref.id} ({ref.subject}) is verified at {ref.figure}; evidence #{evidence_id} ({title}) "
            f"gives {source_figure}, a gap of {gap}"
        )
        found.append(Disagreement("evidence", message, (ref,), (evidence,)))
    return found


def consistency_report(*, limit: int = REPORT_LIMIT, kinds: Sequence[str] = KINDS) -> Report:
    """Every kind of disagreement asked for (KINDS), at most `limit` of each: one query a kind."""
    readers = {
        "values": value_disagreements,
        "shares": share_overruns,
        "changes": change_mismatches,
        "evidence": evidence_gaps,
    }
    found = {kind: readers[kind](limit=limit) if kind in kinds else [] for kind in KINDS}
    return Report(limit=limit, **found)
