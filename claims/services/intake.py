"""The intake's writes: a source's candidate figures (claims.intake.finder) turned into claims, attached to claims
the desk already holds, or dismissed — the one owner of these decisions, for the admin's review screen, the API and
the command alike.

    pending_candidates(source) -> [ReviewCandidate]      what is left to decide, best first, with its matches
    accept_candidate(source=, start=, end=, actor=, overrides=)   -> Claim (with its appearance)
    attach_candidate(source=, start=, end=, claim=, actor=)       -> Appearance (of an existing claim)
    dismiss_candidate(source=, start=, end=, actor=, reason=)     -> IntakeDismissal (idempotent)
    accept_candidates(source=, spans=, actor=)                    -> [Claim] (all or nothing)

A candidate is named by its span in the source's text ("start-end", ReviewCandidate.key). Each action finds the
candidates of the text again and refuses (CandidateGone) when none is at that span any more, so a decision taken
on a stale screen never lands on other words. Claims and appearances are written by claim_create and the claim's
change (editing.py: the same validation, verdict lock, version and circular rules as every other door); the audit
trail's reason names the intake, its source and the candidate ("created through the intake of “…” (the admin):
accepted candidate “$245 billion” at 311–323").

The quote of an appearance is the candidate's sentence, cut to its line (paragraph) and stripped, as the seed
fixtures quote a clause: a span alone ("over 42 times") says neither who nor what, and the sentence is the
smallest verbatim passage that does; an `overrides["quote"]` narrows it to a clause (it must hold the figure).

A candidate is taken when an appearance of the source covers it: each appearance takes the one candidate it is
about, among those its quote overlaps the one with its claim's unit and nearest figure (a sentence holding "$245
billion" and "2024" gives a claim of the first and leaves the year to decide).

Who may act: whoever may create claims (claims.roles.may_create_claims); None is the system (a command run by an
operator), as everywhere in the services.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from factcheck.errors import DeskError
from sources.models import Source

from ..intake.finder import Candidate, find_candidates
from ..intake.matching import Match, match_candidates
from ..models import QUOTE_MAX_LENGTH, Appearance, Claim, IntakeDismissal
from ..periods import InvalidPeriod, parse_period
from ..roles import may_create_claims
from .editing import CLAIM_EDITABLE, appearance_save, claim_change, claim_create
from .trail import API, Actor

# What an acceptance may set besides the proposal: the claim's editable fields and period, and the appearance's
# quote (a passage holding the figure), claimant and date.
APPEARANCE_OVERRIDES = ("quote", "claimant", "stated_on")
OVERRIDABLE = (*CLAIM_EDITABLE, "period", *APPEARANCE_OVERRIDES)
NO_OVERRIDES: Mapping[str, Any] = MappingProxyType({})


class IntakeForbidden(DeskError):
    """The intake's actions are for those who may create claims."""

    status_code = 403
    code = "permission_denied"


class CandidateGone(DeskError):
    """No candidate at that span of the source's text (the text changed, or the span was mistyped)."""

    status_code = 409
    code = "stale"


class CandidateTaken(DeskError):
    """The candidate already has its claim: an appearance of the source covers it."""

    status_code = 409
    code = "duplicate"


class CandidateRefused(DeskError):
    """One candidate of a bulk acceptance was refused (nothing was written): its key, and the refusal's fields."""

    def __init__(self, *, key: str, text: str, error: DeskError | ValidationError) -> None:
        fields = _error_fields(error)
        said = "; ".join(
            " ".join(messages) if name == "__all__" else f"{name}: {' '.join(messages)}"
            for name, messages in fields.items()
        )
        message = error.message if isinstance(error, DeskError) and not said else said
        super().__init__(f"Candidate “{text}” at {key}: {message}", fields=fields)
        self.key = key
        if isinstance(error, DeskError):
            self.status_code, self.code = error.status_code, error.code


def _error_fields(error: DeskError | ValidationError) -> dict[str, list[str]]:
    if isinstance(error, DeskError):
        return error.fields
    if hasattr(error, "error_dict"):
        return {name: [str(m) for m in messages] for name, messages in error.message_dict.items()}
    return {"__all__": [str(m) for m in error.messages]}


@dataclass(frozen=True)
class ReviewCandidate:
    """A candidate left to decide: the finder's Candidate, the desk's claims it matches or conflicts with (best
    first), its rank among the source's pending candidates (1 = most worth checking) and the quote an acceptance
    proposes (with its offset in the source's text)."""

    candidate: Candidate
    matches: tuple[Match, ...]
    rank: int
    quote: str
    quote_start: int

    @property
    def key(self) -> str:
        return span_key(self.candidate.start, self.candidate.end)

    @property
    def kind(self) -> str:
        """ "conflict" when a claim states another figure for it, "match" when one states the same, else "new"."""
        kinds = {match.kind for match in self.matches}
        return "conflict" if "conflict" in kinds else "match" if "match" in kinds else "new"


def span_key(start: int, end: int) -> str:
    return f"{start}-{end}"


def parse_span_key(key: str, *, field: str = "key") -> tuple[int, int]:
    """(start, end) from a candidate's key "start-end"; a DeskError naming `field` otherwise."""
    start, dash, end = str(key).strip().partition("-")
    if not (dash and start.isdigit() and end.isdigit()) or int(end) <= int(start):
        raise DeskError(f"“{key}” is not a candidate's span (start-end).", fields={field: ["is not start-end"]})
    return int(start), int(end)


# --- reading ----------------------------------------------------------------------------------------------------
def pending_candidates(
    source: Source, *, claims: "QuerySet[Claim] | None" = None, matched: bool = True
) -> list[ReviewCandidate]:
    """The source's candidates left to decide, best first: the finder's over its text, without those dismissed and
    those an appearance of the source already takes, each with its matches (claims.intake.matching; `claims`
    narrows the claims looked at, as match_candidates does; `matched=False`: no matching, for a count). Three
    queries at most: dismissals, appearances and the matching."""
    text = source.text or ""
    candidates = find_candidates(text) if text else []
    if not candidates:
        return []
    dismissed = set(IntakeDismissal.objects.filter(source=source).values_list("start", "end"))
    taken = _taken_spans(source, candidates)
    pending = [c for c in candidates if (c.start, c.end) not in dismissed and (c.start, c.end) not in taken]
    matches = match_candidates(pending, claims=claims) if pending and matched else {}
    reviewed = []
    for index, candidate in enumerate(pending):
        quote, quote_start = proposed_quote(text, candidate)
        reviewed.append(
            ReviewCandidate(
                candidate=candidate,
                matches=tuple(matches.get(index, ())),
                rank=index + 1,
                quote=quote,
                quote_start=quote_start,
            )
        )
    return reviewed


def proposed_quote(text: str, candidate: Candidate) -> tuple[str, int]:
    """The quote an acceptance proposes and its offset: the candidate's sentence within its line, stripped; the span
    itself when that is longer than a quote may be."""
    sentence_at = text.find(candidate.sentence, candidate.sentence_start) if candidate.sentence else -1
    if sentence_at < 0 or sentence_at > candidate.start:
        return candidate.text, candidate.start
    first = max(sentence_at, text.rfind("\n", 0, candidate.start) + 1)
    line_end = text.find("\n", candidate.end)
    last = min(sentence_at + len(candidate.sentence), len(text) if line_end < 0 else line_end)
    passage = text[first:last]
    stripped = passage.strip()
    start = first + (len(passage) - len(passage.lstrip()))
    holds_span = start <= candidate.start and candidate.end <= start + len(stripped)
    if not stripped or len(stripped) > QUOTE_MAX_LENGTH or not holds_span:
        return candidate.text, candidate.start
    return stripped, start


def _figure_distance(candidate: Candidate, value: Decimal | None, lower: Decimal | None) -> float:
    for mine, theirs in ((candidate.value, value), (candidate.lower, lower)):
        if mine is not None and theirs is not None:
            return float(abs(mine - theirs) / max(abs(theirs), Decimal(1)))
    return math.inf


def _taken_spans(source: Source, candidates: Sequence[Candidate]) -> set[tuple[int, int]]:
    """The spans of the candidates the source's appearances take: each appearance the one candidate it is about
    (among those its quote overlaps: its claim's unit first, then the nearest figure, then the nearest place)."""
    rows = Appearance.objects.filter(source=source, start_offset__isnull=False, end_offset__isnull=False).values_list(
        "start_offset", "end_offset", "claim__unit", "claim__value", "claim__lower_bound"
    )
    taken = set()
    for start_offset, end_offset, unit, value, lower in rows:
        start, end = int(start_offset or 0), int(end_offset or 0)
        covered = [c for c in candidates if c.start < end and c.end > start]
        if covered:
            best = min(
                covered,
                key=lambda c: (c.unit != unit, _figure_distance(c, value, lower), abs(c.start - start), c.start),
            )
            taken.add((best.start, best.end))
    return taken


# --- deciding -----------------------------------------------------------------------------------------------------
def _refuse_unless_allowed(actor: Actor) -> None:
    if actor is not None and not may_create_claims(actor):
        raise IntakeForbidden("Only those who may create claims (fact-checkers and desk admins) take intake actions.")


def _lock_source(source: Source) -> None:
    """Decisions on one source's candidates one at a time (its row locked to the end of the transaction), so that
    two people accepting the same figure at once make one claim: the second finds it taken."""
    Source.objects.select_for_update().filter(pk=source.pk).values_list("pk", flat=True).first()


def _candidate_at(candidates: Sequence[Candidate], source: Source, start: int, end: int) -> Candidate:
    for candidate in candidates:
        if (candidate.start, candidate.end) == (start, end):
            return candidate
    raise CandidateGone(
        f"No candidate figure at {span_key(start, end)} of “{source}”: its text changed or the span is wrong. "
        "Reload the review to see its candidates.",
        fields={"key": ["no candidate at this span"]},
    )


def _refuse_if_taken(source: Source, candidate: Candidate, taken: set[tuple[int, int]]) -> None:
    if (candidate.start, candidate.end) in taken:
        holder = (
            Appearance.objects.filter(source=source, start_offset__lt=candidate.end, end_offset__gt=candidate.start)
            .values_list("claim_id", flat=True)
            .first()
        )
        raise CandidateTaken(
            f"“{candidate.text}” at {span_key(candidate.start, candidate.end)} already has its claim (#{holder}).",
            fields={"key": [f"already taken by claim #{holder}"]},
        )


def _intake_door(via: str, source: Source, what: str, candidate: Candidate) -> str:
    """The door the audit trail names: "the intake of “<source>” (the admin): accepted candidate “…” at a–b"."""
    where = f"{candidate.start}–{candidate.end}"
    return f"the intake of “{source}” ({via}): {what} candidate “{candidate.text}” at {where}"


def _quote_override(text: str, candidate: Candidate, quote: Any) -> tuple[str, int]:
    """A quote given by the fact-checker: a passage of the text that holds the candidate's span."""
    quote = str(quote or "").strip()
    if quote:
        at = text.find(quote, max(0, candidate.end - len(quote)))
        while 0 <= at <= candidate.start:
            if at + len(quote) >= candidate.end:
                return quote, at
            at = text.find(quote, at + 1)
    message = f"must be a passage of the source's text that holds “{candidate.text}”"
    raise DeskError(f"The quote {message}.", fields={"quote": [message]})


def _proposal(text: str, candidate: Candidate, overrides: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The claim's fields and the appearance's, from the candidate with the overrides applied."""
    unknown = sorted(set(overrides) - set(OVERRIDABLE))
    if unknown:
        raise DeskError(
            f"{', '.join(unknown)} can't be set on an accepted candidate.",
            fields={name: ["can't be set here"] for name in unknown},
        )
    claim: dict[str, Any] = {
        "subject": candidate.subject[:200],
        "claim_type": candidate.claim_type,
        "value": candidate.value,
        "unit": candidate.unit,
        "qualifier": candidate.qualifier,
        "lower_bound": candidate.lower,
        "upper_bound": candidate.upper,
        "period": candidate.period,
    }
    claim.update({name: value for name, value in overrides.items() if name not in APPEARANCE_OVERRIDES})
    if claim.get("period"):
        try:
            parse_period(str(claim["period"]))
        except InvalidPeriod as exc:
            raise DeskError(f"The period: {exc}", fields={"period": [str(exc)]}) from exc
    if "quote" in overrides:
        quote, start = _quote_override(text, candidate, overrides["quote"])
    else:
        quote, start = proposed_quote(text, candidate)
    appearance: dict[str, Any] = {"quote": quote, "start": start}
    appearance.update({name: overrides[name] for name in ("claimant", "stated_on") if name in overrides})
    return claim, appearance


def _accept(*, source: Source, candidate: Candidate, actor: Actor, overrides: Mapping[str, Any], via: str) -> Claim:
    claim_data, appearance_data = _proposal(source.text, candidate, overrides)
    door = _intake_door(via, source, "accepted", candidate)
    with transaction.atomic():
        claim = claim_create(data=claim_data, actor=actor, via=door)
        # The claim was created in this transaction: its first version covers its first appearance.
        with claim_change(claim=claim.pk, expected_version=None, actor=actor, via=door, created=True) as change:
            change.save_appearance(Appearance(), {"source": source, **appearance_data})
    return claim


def accept_candidate(
    *,
    source: Source,
    start: int,
    end: int,
    actor: Actor,
    overrides: Mapping[str, Any] = NO_OVERRIDES,
    via: str = API,
) -> Claim:
    """Turn the candidate at start-end of the source's text into a new claim (the finder's proposal: subject,
    figure, period, claim type; `overrides` win, OVERRIDABLE fields) with its appearance (the proposed quote at its
    exact offsets), in one transaction. Refused: CandidateGone, CandidateTaken, IntakeForbidden; the claim's own
    rules (ValidationError / DeskError naming the field)."""
    _refuse_unless_allowed(actor)
    candidates = find_candidates(source.text or "")
    candidate = _candidate_at(candidates, source, start, end)
    with transaction.atomic():
        _lock_source(source)
        _refuse_if_taken(source, candidate, _taken_spans(source, candidates))
        return _accept(source=source, candidate=candidate, actor=actor, overrides=overrides, via=via)


def accept_candidates(
    *,
    source: Source,
    spans: Iterable[tuple[int, int]],
    actor: Actor,
    overrides: Mapping[str, Mapping[str, Any]] = NO_OVERRIDES,
    via: str = API,
) -> list[Claim]:
    """Accept several candidates at once (`overrides` by candidate key), all or nothing: the first refusal
    (CandidateRefused, naming the candidate and the field) rolls every one back."""
    _refuse_unless_allowed(actor)
    wanted = list(dict.fromkeys((int(start), int(end)) for start, end in spans))
    if not wanted:
        raise DeskError("Select at least one candidate to accept.", fields={"spans": ["select at least one"]})
    candidates = find_candidates(source.text or "")
    claims = []
    with transaction.atomic():
        _lock_source(source)
        taken = _taken_spans(source, candidates)
        for start, end in wanted:
            key = span_key(start, end)
            try:
                candidate = _candidate_at(candidates, source, start, end)
                _refuse_if_taken(source, candidate, taken)
                claims.append(
                    _accept(
                        source=source,
                        candidate=candidate,
                        actor=actor,
                        overrides=overrides.get(key, NO_OVERRIDES),
                        via=via,
                    )
                )
            except (DeskError, ValidationError) as exc:
                raise CandidateRefused(key=key, text=source.text[start:end], error=exc) from exc
    return claims


def attach_candidate(
    *,
    source: Source,
    start: int,
    end: int,
    claim: Claim | int,
    actor: Actor,
    expected_version: int | None = None,
    quote: str | None = None,
    via: str = API,
) -> Appearance:
    """The candidate at start-end as another appearance of an existing claim (its proposed quote, or `quote`: a
    passage holding the figure), through the claim's change: the version check (`expected_version`, StaleVersion),
    the verdict lock, the circular rule and one appearance per claim and source apply as at every door."""
    _refuse_unless_allowed(actor)
    candidates = find_candidates(source.text or "")
    candidate = _candidate_at(candidates, source, start, end)
    if quote is None:
        quoted, quote_start = proposed_quote(source.text, candidate)
    else:
        quoted, quote_start = _quote_override(source.text, candidate, quote)
    claim_id = claim if isinstance(claim, int) else claim.pk
    target = Claim.objects.filter(pk=claim_id).only("pk").first()
    if target is None:
        raise DeskError(f"There is no claim #{claim_id}.", fields={"claim": ["no such claim"]})
    door = _intake_door(via, source, "attached", candidate) + f" to claim #{claim_id}"
    with transaction.atomic():
        _lock_source(source)
        _refuse_if_taken(source, candidate, _taken_spans(source, candidates))
        return appearance_save(
            appearance=Appearance(),
            data={"claim": target, "source": source, "quote": quoted, "start": quote_start},
            actor=actor,
            expected_version=expected_version,
            via=door,
        )


def dismiss_candidate(*, source: Source, start: int, end: int, actor: Actor, reason: str = "") -> IntakeDismissal:
    """Remember that the candidate at start-end is not worth checking, so the review no longer proposes it. Again:
    the same dismissal, unchanged."""
    _refuse_unless_allowed(actor)
    existing = IntakeDismissal.objects.filter(source=source, start=start, end=end).first()
    if existing is not None:
        return existing
    candidate = _candidate_at(find_candidates(source.text or ""), source, start, end)
    dismissal = IntakeDismissal(
        source=source,
        start=start,
        end=end,
        text=candidate.text[:500],
        dismissed_by_id=actor.pk if actor is not None else None,
        reason=(reason or "").strip(),
    )
    dismissal.full_clean(validate_constraints=False)
    with transaction.atomic():
        found, _created = IntakeDismissal.objects.get_or_create(
            source=source,
            start=start,
            end=end,
            defaults={"text": dismissal.text, "dismissed_by_id": dismissal.dismissed_by_id, "reason": dismissal.reason},
        )
    return found
