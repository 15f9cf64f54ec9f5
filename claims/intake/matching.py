"""Checked before? Each candidate of the finder matched against the desk's claims, in one query for the article.

    match_candidates(candidates) -> {candidate index: [Match(claim id, subject, status, verdict, figure, kind, …)]}

A match is a claim with the same figure (same unit, the value within GAP_CLOSE of the candidate's, after scale:
both are stored scaled), a period that agrees (overlapping, or not stated on one side) and similar wording: the
trigram word similarity of its subject, or the trigram similarity of one of its quotes, to the candidate's sentence.
A conflict is a claim with the same unit and the same period, naming one of the names of the candidate's
sentence (its search document; "Putin", "Xi"), whose subject's names the sentence names all (names_cover: a claim of
"Russia–China trade" is no conflict for "US-Russia trade"), whose subject or quote is very similar, but whose figure
differs: "over 42 here, 40 in claim #12".

How it stays fast at a million claims: the query only narrows, by indexes, to a small pool per candidate — for a
match, the claims of its unit and value window (the (unit, value) index, in value order), at most MATCH_POOL; for a
conflict, the claims of its unit and very period nearest its value on either side of the window (the (unit,
period_start, value) index, migration 0018), at most CONFLICT_POOL a side, each naming a name — and returns them with
their quotes. The wording's similarity is then computed here on that pool only, with the trigrams the project's SQL
functions use (desk_trigrams, migration 0017; a test holds the two equal): computed in SQL it cost a function call
of a millisecond per claim, and a candidate's sentence had its trigrams made again for every claim.
The pools bound the work: among more claims than that with the same figure (or the same unit and period), the
first in value order (the window is GAP_CLOSE wide) or nearest in value (a conflict) are compared.
"""

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import QuerySet

from ..choices import Unit, textual_rating_of
from ..models import Claim
from ..periods import InvalidPeriod, parse_period
from ..quantities import GAP_CLOSE, format_quantity
from .finder import Candidate, names

# Trigram similarity from which a claim's wording is "similar" (a match with the same figure), and from which it is
# the same statement (a conflict when the figure differs): 0–1.
SIMILAR_WORDING = 0.35
SAME_STATEMENT = 0.55
# How many claims each candidate shows, best first.
MATCHES_PER_CANDIDATE = 3
# How many claims of the same figure, and of the same unit and period on each side of it (among the CONFLICT_SCAN
# nearest in value, those naming a name), a candidate's wording is compared with, and how many quotes of each.
MATCH_POOL = 20
CONFLICT_POOL = 10
CONFLICT_SCAN = 50  # the nearest claims of the unit and period looked at for CONFLICT_POOL naming a name
QUOTES_PER_CLAIM = 5
# Names are the same when their first NAME_STEM letters are ("Russia", "Russian"); shorter ones when equal ("US").
NAME_STEM = 4
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


def trigrams(text: str) -> frozenset[str]:
    """The trigrams of text as desk_trigrams (migration 0017) and pg_trgm make them: each word of letters and digits,
    lower-cased, padded with two spaces before and one after."""
    padded = ("  " + word + " " for word in re.split(r"[\W_]+", text.lower()) if word)
    return frozenset(word[i : i + 3] for word in padded for i in range(len(word) - 2))


def word_similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """How much of a's trigrams b holds (desk_word_similarity)."""
    return len(a & b) / len(a) if a and b else 0.0


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """The trigrams both hold among all of either's (desk_similarity)."""
    return len(a & b) / len(a | b) if a and b else 0.0


def _name_key(name: str) -> str:
    """A name as compared: lower-cased, its first NAME_STEM letters ("Russia" and "Russian", "China" and "Chinese")."""
    return name.lower()[:NAME_STEM] if len(name) >= NAME_STEM else name.lower()


def names_cover(sentence_names: Sequence[str], subject: str) -> bool:
    """Whether a sentence's names cover every name of a claim's subject: "Russia–China trade" needs both Russia and
    China ("US-Russia trade … $3.5 billion" names only one of them, and is no conflict with it)."""
    held = {_name_key(name) for name in sentence_names}
    return all(_name_key(name) in held for name in _subject_names(subject))


# A subject's first word is capitalised as the subject's start ("Bilateral trade"), unless it reads as a name: joined
# to another name ("Russia–China", "Putin and Xi"), possessive ("Russia's"), or in capitals ("US", "CSIS").
_FIRST_NAME = re.compile(r"^(?:[A-Z]{2,}\b|[A-Z][a-z]+(?=[–/-][A-Z]|[’']s\b|\s+and\s+[A-Z]))")


def _subject_names(subject: str) -> list[str]:
    found = names(subject)
    first = re.match(r"\w+", subject.strip())
    if found and first and found[0] == first.group(0) and not _FIRST_NAME.match(subject.strip()):
        return found[1:]
    return found


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


# One row per candidate (VALUES), each joined (LATERAL) to its pool: the claims of its figure — the (unit, value)
# index, in value order — and of its unit and very period, below and above its value window — the (unit,
# period_start, value) index, read from the window outwards — naming one of its sentence's names; a figure given by
# bounds alone compares its bounds. Periods: a match's may overlap the candidate's or be unstated on one side; a
# conflict's is the same period.
_SAME_PERIOD = """claim.unit = candidate.unit AND claim.period_start = candidate.period_start
          AND claim.period_end IS NOT DISTINCT FROM candidate.period_end AND candidate.names IS NOT NULL"""
_NAMED = """EXISTS (SELECT FROM claims_claimsearch search WHERE search.claim_id = near.id
                      AND search.document @@ to_tsquery('english', candidate.names))"""
_QUERY = f"""
WITH candidate (idx, value, low, high, lower_bound, upper_bound, unit, period_start, period_end, names) AS (
    VALUES {{rows}}
)
SELECT candidate.idx, pool.same_figure, claim.id, claim.key, claim.subject, claim.status, claim.textual_rating,
       claim.value, claim.unit, claim.qualifier, claim.lower_bound, claim.upper_bound, claim.period,
       ARRAY(SELECT appearance.quote FROM claims_appearance appearance WHERE appearance.claim_id = claim.id
             ORDER BY appearance.id LIMIT {QUOTES_PER_CLAIM})
FROM candidate
CROSS JOIN LATERAL (
    (SELECT claim.id, true AS same_figure
     FROM claims_claim claim
     WHERE claim.unit = candidate.unit AND claim.value BETWEEN candidate.low AND candidate.high AND {{claims}}
       AND (candidate.period_start IS NULL OR claim.period_start IS NULL
            OR (claim.period_start <= COALESCE(candidate.period_end, 'infinity'::date)
                AND candidate.period_start <= COALESCE(claim.period_end, 'infinity'::date)))
     ORDER BY claim.value LIMIT {MATCH_POOL})
    UNION ALL
    (SELECT claim.id, true
     FROM claims_claim claim
     WHERE candidate.low IS NULL AND claim.unit = candidate.unit AND claim.value IS NULL
       AND claim.lower_bound = candidate.lower_bound AND claim.upper_bound = candidate.upper_bound AND {{claims}}
       AND (candidate.period_start IS NULL OR claim.period_start IS NULL
            OR (claim.period_start <= COALESCE(candidate.period_end, 'infinity'::date)
                AND candidate.period_start <= COALESCE(claim.period_end, 'infinity'::date)))
     ORDER BY claim.id LIMIT {MATCH_POOL})
    UNION ALL
    (SELECT near.id, false
     FROM (SELECT claim.id FROM claims_claim claim WHERE {_SAME_PERIOD} AND claim.value < candidate.low AND {{claims}}
           ORDER BY claim.value DESC LIMIT {CONFLICT_SCAN}) near
     WHERE {_NAMED} LIMIT {CONFLICT_POOL})
    UNION ALL
    (SELECT near.id, false
     FROM (SELECT claim.id FROM claims_claim claim WHERE {_SAME_PERIOD} AND claim.value > candidate.high AND {{claims}}
           ORDER BY claim.value LIMIT {CONFLICT_SCAN}) near
     WHERE {_NAMED} LIMIT {CONFLICT_POOL})
    UNION ALL
    (SELECT near.id, false
     FROM (SELECT claim.id FROM claims_claim claim WHERE {_SAME_PERIOD} AND claim.value IS NULL AND {{claims}}
             AND (candidate.low IS NOT NULL OR claim.lower_bound IS DISTINCT FROM candidate.lower_bound
                  OR claim.upper_bound IS DISTINCT FROM candidate.upper_bound)
           ORDER BY claim.id LIMIT {CONFLICT_SCAN}) near
     WHERE {_NAMED} LIMIT {CONFLICT_POOL})
) pool
JOIN claims_claim claim ON claim.id = pool.id
"""
_BRANCHES = 5


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
            "(%s::int, %s::numeric, %s::numeric, %s::numeric, %s::numeric, %s::numeric, %s::text, %s::date, %s::date,"
            " %s::text)"
        )
        words = (re.sub(r"\W", "", name) for name in names(candidate.sentence))
        named = " | ".join(word for word in words if word) or None  # a tsquery of the names, or no conflicts
        params += [index, candidate.value, low, high, candidate.lower, candidate.upper, candidate.unit, start, end]
        params.append(named)
    claims_sql, claims_params = "true", ()  # every claim: no semi-join to plan
    if claims is not None:
        sql, claims_params = claims.order_by().values("id").query.sql_with_params()
        claims_sql = f"claim.id IN ({sql})"
    sql = _QUERY.format(rows=", ".join(rows), claims=claims_sql)
    # Without JIT: the planner's estimate of the pools' cost (many LATERAL branches) passes jit_above_cost, and
    # compiling the plan took longer than running it (0.1–1.5 s of a 30 ms query at a million claims). SET LOCAL, in
    # the same round trip, lasts until the transaction's end: this one, or the caller's when it holds one.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL jit = off; {sql}", [*params, *(claims_params * _BRANCHES)])
        pooled = cursor.fetchall()
    sentences = {index: trigrams(candidate.sentence) for index, candidate in figures}
    sentence_names = {index: names(candidate.sentence) for index, candidate in figures}
    scored = []
    for index, same, claim_id, *claim, quotes in pooled:
        subject = claim[1]
        if not same and not names_cover(sentence_names[index], subject):
            continue
        wording = max(
            [
                word_similarity(trigrams(subject), sentences[index]),
                *(similarity(trigrams(q), sentences[index]) for q in quotes),
            ]
        )
        if wording >= (SIMILAR_WORDING if same else SAME_STATEMENT):
            scored.append((index, not same, -wording, claim_id, claim))
    scored.sort(key=lambda row: row[:4])
    matches: dict[int, list[Match]] = {}
    for index, conflict, minus_wording, claim_id, claim in scored:
        key, subject, status, rating, value, unit, qualifier, lower, upper, period = claim
        listed = matches.setdefault(index, [])
        if len(listed) >= MATCHES_PER_CANDIDATE or any(m.claim_id == claim_id for m in listed):
            continue
        candidate = candidates[index]
        figure = format_quantity(value, unit, qualifier, lower, upper)
        here = format_quantity(candidate.value, candidate.unit, candidate.qualifier, candidate.lower, candidate.upper)
        if conflict:
            kind, message = "conflict", f"{here} here, {figure} in claim #{claim_id} ({subject})"
        else:
            kind, message = "match", f"checked before: claim #{claim_id} ({subject}), {status}"
        listed.append(
            Match(
                claim_id=claim_id,
                key=key,
                subject=subject,
                status=status,
                verdict=textual_rating_of(status, rating or ""),
                figure=figure,
                period=period,
                similarity=round(-minus_wording, 2),
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
