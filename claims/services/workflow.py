"""The verification workflow: status moves, the statuses of imported claims, assignment and withdrawal.

Every change of status goes through claim_transition(); the admin, the API, the importer and commands call it, and
`status` is read-only everywhere else. Services take keyword-only arguments and the acting user (`actor`), so that
the audit trail records the same thing whichever door a change came through. `actor=None` is the system itself
(a management command run by an operator on the server).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from factcheck.errors import DeskError
from sources.models import Source

from ..choices import (
    ALLOWED_TRANSITIONS,
    DECISIVE_RELATIONS,
    DEFAULT_RATINGS,
    NEEDS_EVIDENCE,
    RATING_BEST,
    RATING_WORST,
    VERDICTS,
    Status,
    textual_rating_of,
)
from ..models import Claim, Evidence
from ..roles import STATUS_PERMISSION, is_desk_admin
from .circular import circular_evidence, circular_verdict_problem, independent_evidence
from .trail import Actor, audit_next_save
from .versions import claim_lock, claim_save_next_version, claim_version_bump

# What a published page says once its verdict is reopened, until the new one is published.
REOPENED_NOTE = "This verdict is being reviewed again."


class TransitionError(DeskError):
    """A status move that the workflow refuses; the message says why, for the person who asked."""

    status_code = 409
    code = "transition_refused"


def status_label(status: str) -> str:
    """The status as people read it ("In review"); an unknown value as it is."""
    return Status(status).label if status in Status.values else status


def allowed_moves(claim: Claim) -> tuple[str, ...]:
    """The statuses the workflow allows from the claim's current one (rules on evidence aside)."""
    if claim.withdrawn_at is not None:
        return ()
    return ALLOWED_TRANSITIONS.get(claim.status, ())


def transition_problem(
    *,
    claim: Claim,
    to: str,
    actor: Actor,
    note: str = "",
    has_evidence: bool | None = None,
    path_ok: bool = False,
) -> str | None:
    """Why the move is refused, or None when it is allowed. The rules, in one place.

    `has_evidence` may be given when the caller has looked it up for many claims at once; `path_ok` lets the
    import reach a status in several allowed moves (unverified → in review → verdict) in one step.
    """
    if actor is not None and not actor.has_perm(STATUS_PERMISSION):
        return "You don't have the fact-checker role needed to change a claim's status."
    if to not in Status.values:
        return f"{to!r} is not a status; the statuses are: {', '.join(Status.values)}."
    if claim.withdrawn_at is not None:
        return "This claim is withdrawn; its status can no longer change."
    if to == claim.status:
        return f"The claim is already {status_label(to).lower()}."
    if not (path_ok and status_path(claim.status, to)) and to not in ALLOWED_TRANSITIONS.get(claim.status, ()):
        allowed = ", ".join(status_label(s).lower() for s in ALLOWED_TRANSITIONS.get(claim.status, ()))
        return (
            f"A claim can't go from {status_label(claim.status).lower()} to {status_label(to).lower()}; "
            f"from {status_label(claim.status).lower()} it can go to: {allowed}."
        )
    if has_evidence is None and to in NEEDS_EVIDENCE:
        has_evidence = _decisive_evidence().filter(claim_id=claim.pk).exists()
    if to in NEEDS_EVIDENCE and not has_evidence:
        circular = _circular_sources(claim) if claim.pk is not None else []
        if circular:
            return circular_verdict_problem(state=status_label(to).lower(), sources=circular)
        return (
            f"To mark a claim {status_label(to).lower()}, first add evidence that supports or contradicts it, "
            "with the excerpt from the source."
        )
    if to == Status.UNVERIFIABLE and not note.strip():
        return "Say in the note why the claim can't be verified."
    return None


def _decisive_evidence() -> "QuerySet[Evidence]":
    """Evidence that can carry a verdict: it supports or contradicts the claim, with an excerpt, from a source the
    claim doesn't appear in (circular.independent_evidence)."""
    return independent_evidence(Evidence.objects.filter(relation__in=DECISIVE_RELATIONS).exclude(excerpt=""))


def _circular_sources(claim: Claim) -> list[Source]:
    """The sources of the claim's decisive-looking evidence that doesn't count because the claim appears in them
    (linked before the circular rule); asked only when a verdict is refused."""
    links = circular_evidence(Evidence.objects.filter(claim_id=claim.pk).exclude(excerpt=""))
    ids = links.values("source_id")
    return list(Source.objects.filter(pk__in=ids).select_related("publisher").defer("text").order_by("pk"))


def status_path(start: str, goal: str) -> list[str]:
    """The shortest sequence of allowed moves from one status to another (empty when there is none)."""
    frontier: list[str] = [start]
    came_from: dict[str, str | None] = {start: None}
    while frontier:
        status = frontier.pop(0)
        if status == goal:
            path: list[str] = []
            step: str | None = status
            while step is not None and step != start:
                path.append(step)
                step = came_from[step]
            return path[::-1]
        for following in ALLOWED_TRANSITIONS.get(status, ()):
            if following not in came_from:
                came_from[following] = status
                frontier.append(following)
    return []


def verdict_fields(
    *,
    before: str,
    to: str,
    actor: Actor,
    note: str,
    textual_rating: str = "",
    rating_value: int | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The verdict columns a move from `before` to `to` sets: a verdict's reviewer, time, ratings and explanation;
    reopening clears the published verdict; other moves set none."""
    if to in VERDICTS:
        _, default_value = DEFAULT_RATINGS[to]
        return {
            "reviewer": actor,
            "reviewed_at": now or timezone.now(),
            "textual_rating": textual_rating_of(to, textual_rating),  # what ClaimReview and claims:search show
            "rating_value": rating_value if rating_value is not None else default_value,
            "verdict_note": note.strip(),
        }
    if before in VERDICTS:
        # Off a verdict nothing is published: a new verdict is published again by a second person
        # (services/publication.py).
        return {
            "textual_rating": "",
            "rating_value": None,
            "reviewer": None,
            "reviewed_at": None,
            "published_at": None,
            "published_by": None,
        }
    return {}


def _apply_status(
    claim: Claim, to: str, actor: Actor, note: str, textual_rating: str = "", rating_value: int | None = None
) -> str:
    """Set the status and the verdict fields that go with it; return the status it had."""
    before = claim.status
    if claim.published_at is not None and to not in VERDICTS:
        # The published page leaves a tombstone (410) until the new verdict is published.
        claim.unpublished_at = timezone.now()
        claim.unpublished_note = REOPENED_NOTE
    claim.status = to
    fields = verdict_fields(
        before=before, to=to, actor=actor, note=note, textual_rating=textual_rating, rating_value=rating_value
    )
    for name, value in fields.items():
        setattr(claim, name, value)
    return before


def decisive_evidence_record(*, relation: str, excerpt: str) -> bool:
    """Whether an evidence link with this relation and excerpt can carry a verdict (as _decisive_evidence; whether
    its source is one the claim appears in is circular's question, asked where the claim's appearances are known)."""
    return relation in DECISIVE_RELATIONS and excerpt != ""


@dataclass(frozen=True)
class ImportedStatus:
    """The workflow's answer for one claim an import creates with a status.

    Exactly one of three: `fields` (the status and verdict columns to insert it with), `refused` (why the status
    is refused), or neither (`deferred`): the status needs evidence the claim's own records don't hold, so it is
    inserted unverified and moved by claims_move_for_import once the import's other evidence is written.
    """

    fields: dict[str, Any] = field(default_factory=dict)
    refused: str | None = None

    @property
    def deferred(self) -> bool:
        return not self.fields and self.refused is None


def statuses_of_imported_claims(*, claims: list[tuple[str, str, bool]], actor: Actor) -> list[ImportedStatus]:
    """The workflow's door for claims that an import creates with a status other than unverified.

    `claims`: (status, note, has_evidence) per new claim; `has_evidence` says whether the claim's own records
    include decisive evidence (see decisive_evidence_record). A new claim is unverified and is given its final
    status as it is inserted, by the same rules as the moves claims_move_for_import makes (several allowed moves
    in one, the rules of the status it ends in). One answer per claim, in order.
    """
    decided: dict[tuple[str, bool], str | None] = {}  # the rules' answer depends on these alone, not on the claim
    unverified = Claim(status=Status.UNVERIFIED)  # what every new claim is before its status is set
    now = timezone.now()
    results: list[ImportedStatus] = []
    for to, note, has_evidence in claims:
        rule = (to, bool(note.strip()))
        if rule not in decided:
            # The rules on everything but the evidence: evidence given elsewhere in the import (top-level
            # records) is known only once it is written.
            decided[rule] = transition_problem(
                claim=unverified, to=to, actor=actor, note=note, has_evidence=True, path_ok=True
            )
        problem = decided[rule]
        if problem:
            results.append(ImportedStatus(refused=problem))
            continue
        if to in NEEDS_EVIDENCE and not has_evidence:
            results.append(ImportedStatus())
            continue
        verdict = verdict_fields(before=Status.UNVERIFIED, to=to, actor=actor, note=note, now=now)
        reviewer = verdict.get("reviewer")
        fields = {
            "status": to,
            "reviewer_id": reviewer.pk if reviewer is not None else None,
            "reviewed_at": verdict.get("reviewed_at"),
            "textual_rating": verdict.get("textual_rating", ""),
            "rating_value": verdict.get("rating_value"),
            "verdict_note": verdict.get("verdict_note", note),
        }
        results.append(ImportedStatus(fields=fields))
    return results


def imported_status_reason(reason: str, status: str) -> str:
    """The audit trail's change reason for a claim an import created with a status."""
    return f"{reason}: created {status_label(status).lower()} by import"


def claims_move_for_import(*, moves: list[tuple[int, str, str]], actor: Actor, reason: str) -> dict[int, str]:
    """The import's door to the workflow: move many claims (id, status, note) at once, by the same rules.

    A claim may pass through several allowed moves (unverified → in review → verified); the rules of the
    status it ends in apply. Returns {claim id: why refused}; the others are moved, with one history row each.
    """
    from ..audit import record_history, update_rows

    wanted = {claim_id: (to, note) for claim_id, to, note in moves}
    claims = list(Claim.objects.select_for_update().filter(pk__in=wanted).order_by("pk"))  # id order: no deadlock
    decided = set(_decisive_evidence().filter(claim_id__in=wanted).values_list("claim_id", flat=True).distinct())
    refused: dict[int, str] = {}
    moved: list[Claim] = []
    for claim in claims:
        to, note = wanted[claim.pk]
        problem = transition_problem(
            claim=claim, to=to, actor=actor, note=note, has_evidence=claim.pk in decided, path_ok=True
        )
        if problem:
            refused[claim.pk] = problem
            continue
        _apply_status(claim, to, actor, note)
        moved.append(claim)
    fields = [
        "status", "reviewer", "reviewed_at", "textual_rating", "rating_value", "verdict_note", "published_at",
        "published_by", "unpublished_at", "unpublished_note", "updated_at",
    ]  # fmt: skip
    now = timezone.now()
    for claim in moved:
        claim.updated_at = now
    update_rows(Claim, moved, fields)
    versions = claim_version_bump(claim_ids=[claim.pk for claim in moved])  # in the database, one statement
    for claim in moved:
        claim.version = versions[claim.pk]
    record_history(
        Claim,
        [c.pk for c in moved],
        history_type="~",
        user_id=actor.pk if actor else None,
        reason=f"{reason}: status set by import",
        date=now,
    )
    return refused


def claim_transition(
    *,
    claim: Claim,
    to: str,
    actor: Actor,
    note: str = "",
    textual_rating: str = "",
    rating_value: int | None = None,
    expected_version: int | None = None,
) -> Claim:
    """Move a claim to another status, or raise TransitionError (or StaleVersion) and change nothing.

    A verdict records its reviewer and time, its textual and numeric rating (defaults from DEFAULT_RATINGS)
    and the note as its explanation. Reopening (a verdict back to review) clears the published verdict; the
    audit trail keeps it. The note is the history entry's change reason.
    """
    with transaction.atomic():
        locked = claim_lock(claim_id=claim.pk, expected_version=expected_version)
        problem = transition_problem(claim=locked, to=to, actor=actor, note=note)
        if problem:
            raise TransitionError(problem)
        if rating_value is not None and not RATING_WORST <= rating_value <= RATING_BEST:
            raise TransitionError(f"The numeric rating must be between {RATING_WORST} and {RATING_BEST}.")
        before = _apply_status(locked, to, actor, note, textual_rating, rating_value)
        reason = f"{status_label(before)} → {status_label(to)}" + (f": {note.strip()}" if note else "")
        audit_next_save(locked, actor=actor, reason=reason)
        claim_save_next_version(locked)
    return locked


def claim_assign(*, claims: Iterable[Claim], assignee: User | None, actor: Actor) -> int:
    """Assign claims to a fact-checker (or unassign with None); each change is in the audit trail."""
    count = 0
    with transaction.atomic():
        for claim in Claim.objects.select_for_update().filter(pk__in=[c.pk for c in claims]).order_by("pk"):
            if claim.assignee_id == (assignee.pk if assignee else None):
                continue
            claim.assignee = assignee
            reason = f"assigned to {assignee.get_username()}" if assignee else "unassigned"
            audit_next_save(claim, actor=actor, reason=reason)
            claim_save_next_version(claim, refresh=False)
            count += 1
    return count


def claim_withdraw(*, claim: Claim, actor: Actor, reason: str, superseded_by: Claim | None = None) -> Claim:
    """Withdraw a claim instead of deleting it: it stays, with the reason and what replaces it."""
    if not reason.strip():
        raise TransitionError("Say why the claim is withdrawn.")
    if superseded_by is not None and superseded_by.pk == claim.pk:
        raise TransitionError("A claim can't be superseded by itself.")
    with transaction.atomic():
        locked = claim_lock(claim_id=claim.pk)
        if locked.withdrawn_at is not None:
            raise TransitionError("The claim is already withdrawn.")
        locked.withdrawn_at = timezone.now()
        locked.withdrawal_reason = reason.strip()
        locked.superseded_by = superseded_by
        audit_next_save(locked, actor=actor, reason=f"withdrawn: {reason.strip()}")
        claim_save_next_version(locked)
    return locked


def claim_is_reviewed(claim: Claim) -> bool:
    """A claim with a verdict (now or once) or with evidence: it may be withdrawn, not deleted, but by an admin."""
    return (
        claim.status != Status.UNVERIFIED
        or claim.reviewer_id is not None
        or claim.evidence.exists()
        or claim.history.filter(status__in=VERDICTS).exists()
    )


def can_delete_claim(*, claim: Claim | None, user: Actor) -> bool:
    """Whether the user may delete the claim (None: some claim): admins any, others only claims never reviewed."""
    if user is None:
        return True  # the system itself
    if not user.has_perm("claims.delete_claim"):
        return False
    return claim is None or not claim_is_reviewed(claim) or is_desk_admin(user)
