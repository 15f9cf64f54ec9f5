"""Checked before? Each candidate of the finder matched against the desk's claims, in one query for the article.

    match_candidates(candidates) -> {candidate index: [Match(claim id, subject, status, verdict, figure, kind, …)]}

A match is a claim with the same figure (same unit, the value within GAP_CLOSE of the candidate's, after scale:
both are stored scaled), a period that agrees (overlapping, or not stated on one side) and similar wording: the
trigram word similarity (desk_word_similarity: migration 0017) of its subject, or the similarity of one of its
quotes, to the candidate's sentence.
A conflict is a claim with the same unit and the same period, naming one of the names of the candidate's
sentence (its search document; "Putin", "Xi"), whose subject or quote is very similar, but whose figure differs:
"over 42 here, 40 in claim #12".
"""

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import QuerySet

from ..choices import Unit, textual_rating_of
from ..models import Claim
from ..periods import InvalidPeriod, parse_period
from ..quantities import GAP_CLOSE, format_quantity
from .finder import Candidate, names

# Trigram similarity from which a claim's wording is "similar" (a match with the same figure), and from which it is
# the same statement (a conflict when the figure differs): desk_word_similarity, 0–1 (migration claims 0017).
SIMILAR_WORDING = 0.35
SAME_STATEMENT = 0.55
# How many claims each candidate shows, best first.
MATCHES_PER_CANDIDATE = 3
# A value is the same figure within this share of it (GAP_CLOSE is in percent); years only when equal.
TOLERANCE = GAP_CLOSE / 100


@dataclass(frozen=True)
class Match:
    claim_id: int
    key: str
    subject: str
    status: str
    verdict: str
    figure: str
    period: str
    similarity: float
    kind: str  # "match" or "conflict"
    message: str


def _window(candidate: Candidate) -> tuple[Decimal | None, Decimal | None]:
    value = candidate.value
    if value is None:
        return None, None
    if candidate.unit == Unit.YEAR:
        return value, value
    spread = abs(value) * TOLERANCE
    return value - spread, value + spread


def _period_bounds(candidate: Candidate) -> tuple[dt.date | None, dt.date | None]:
    try:
        period = parse_period(candidate.period)
    except InvalidPeriod:
        return None, None
    return period.start, period.end


# One row per candidate (VALUES), each joined to the claims of its unit that have its figure (the (unit, value)
# index) or its very period (the (period_start, period_end) index); then the wording's similarity, the best of the
# subject's and the quotes', decides. Periods: a match's may overlap the candidate's or be unstated on one side; a
# conflict's is the same period.
_QUERY = """
WITH candidate (idx, low, high, lower_bound, upper_bound, unit, period_start, period_end, sentence, names) AS (
    VALUES {rows}
)
SELECT candidate.idx, claim.id, claim.key, claim.subject, claim.status, claim.textual_rating, claim.value,
       claim.unit, claim.qualifier, claim.lower_bound, claim.upper_bound, claim.period, found.similarity,
       found.same_figure
FROM candidate
CROSS JOIN LATERAL (
    SELECT near.id, near.same_figure,
           GREATEST(
               desk_word_similarity(near.subject, candidate.sentence),
               COALESCE((SELECT max(desk_similarity(appearance.quote, candidate.sentence))
                         FROM claims_appearance appearance WHERE appearance.claim_id = near.id), 0)
           ) AS similarity
    FROM (
        SELECT claim.id, claim.subject, true AS same_figure
        FROM claims_claim claim
        WHERE claim.unit = candidate.unit AND {claims}
          AND (claim.value BETWEEN candidate.low AND candidate.high
               OR (candidate.low IS NULL AND claim.value IS NULL
                   AND claim.lower_bound = candidate.lower_bound AND claim.upper_bound = candidate.upper_bound))
          AND (candidate.period_start IS NULL OR claim.period_start IS NULL
               OR (claim.period_start <= COALESCE(candidate.period_end, 'infinity'::date)
                   AND candidate.period_start <= COALESCE(claim.period_end, 'infinity'::date)))
        UNION
        SELECT claim.id, claim.subject, false AS same_figure
        FROM claims_claim claim
        WHERE candidate.names IS NOT NULL
          AND claim.id IN (SELECT search.claim_id FROM claims_claimsearch search
                           WHERE search.document @@ to_tsquery('english', candidate.names))
          AND claim.period_start = candidate.period_start
          AND claim.period_end IS NOT DISTINCT FROM candidate.period_end
          AND claim.unit = candidate.unit AND {claims}
          AND NOT (claim.value IS NOT NULL AND claim.value BETWEEN candidate.low AND candidate.high)
          AND NOT (candidate.low IS NULL AND claim.value IS NULL
                   AND claim.lower_bound = candidate.lower_bound AND claim.upper_bound = candidate.upper_bound)
    ) near
) found
JOIN claims_claim claim ON claim.id = found.id
WHERE found.similarity >= CASE WHEN found.same_figure THEN %s ELSE %s END
ORDER BY candidate.idx, found.same_figure DESC, found.similarity DESC, claim.id
"""


def match_candidates(
    candidates: Sequence[Candidate], claims: "QuerySet[Claim] | None" = None
) -> dict[int, list[Match]]:
    """The desk's claims each candidate (by its index in candidates) matches or conflicts with, best first.

    claims narrows the claims looked at (the reader's visible claims); by default every claim. One query.
    """
    figures = [(index, c) for index, c in enumerate(candidates) if c.has_figure and c.unit]
    if not figures:
        return {}
    rows, params = [], []
    for index, candidate in figures:
        low, high = _window(candidate)
        start, end = _period_bounds(candidate)
        rows.append(
            "(%s::int, %s::numeric, %s::numeric, %s::numeric, %s::numeric, %s::text, %s::date, %s::date, %s, %s::text)"
        )
        words = (re.sub(r"\W", "", name) for name in names(candidate.sentence))
        named = " | ".join(word for word in words if word) or None  # a tsquery of the names, or no conflicts
        params += [index, low, high, candidate.lower, candidate.upper, candidate.unit, start, end, candidate.sentence]
        params.append(named)
    claims_sql, claims_params = "true", ()  # every claim: no semi-join to plan
    if claims is not None:
        sql, claims_params = claims.order_by().values("id").query.sql_with_params()
        claims_sql = f"claim.id IN ({sql})"
    sql = _QUERY.format(rows=", ".join(rows), claims=claims_sql)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *claims_params, *claims_params, SIMILAR_WORDING, SAME_STATEMENT])
        found = cursor.fetchall()
    matches: dict[int, list[Match]] = {}
    for index, claim_id, key, subject, status, rating, value, unit, qualifier, lower, upper, period, sim, same in found:
        listed = matches.setdefault(index, [])
        if len(listed) >= MATCHES_PER_CANDIDATE:
            continue
        candidate = candidates[index]
        figure = format_quantity(value, unit, qualifier, lower, upper)
        here = format_quantity(candidate.value, candidate.unit, candidate.qualifier, candidate.lower, candidate.upper)
        if same:
            kind, message = "match", f"checked before: claim #{claim_id} ({subject}), {status}"
        else:
            kind, message = "conflict", f"{here} here, {figure} in claim #{claim_id} ({subject})"
        listed.append(
            Match(
                claim_id=claim_id,
                key=key,
                subject=subject,
                status=status,
                verdict=textual_rating_of(status, rating or ""),
                figure=figure,
                period=period,
                similarity=round(float(sim), 2),
                kind=kind,
                message=message,
            )
        )
    return _without_sibling_conflicts(candidates, matches)


def _without_sibling_conflicts(
    candidates: Sequence[Candidate], matches: dict[int, list[Match]]
) -> dict[int, list[Match]]:
    """A claim one figure of a sentence matches is no conflict for the sentence's other figures ("the 77th
    anniversary … World War Two": the claim is of 77, not of 2)."""
    matched = {
        (candidates[index].sentence_start, m.claim_id)
        for index, found in matches.items()
        for m in found
        if m.kind == "match"
    }
    kept = {
        index: [m for m in found if m.kind == "match" or (candidates[index].sentence_start, m.claim_id) not in matched]
        for index, found in matches.items()
    }
    return {index: found for index, found in kept.items() if found}
