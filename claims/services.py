"""The claims' business rules: the verification workflow, assignments, withdrawals and the version check.

Every change of status goes through claim_transition(); the admin, the API, the importer and commands call it.
Services take keyword-only arguments and the acting user (`actor`), so that the audit trail records the same
thing whichever door a change came through. `actor=None` is the system itself (a management command run by an
operator on the server).
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .choices import (
    ALLOWED_TRANSITIONS,
    DEFAULT_RATINGS,
    NEEDS_EVIDENCE,
    RATING_BEST,
    RATING_WORST,
    VERDICTS,
    EvidenceRelation,
    Status,
)
from .models import Claim
from .roles import STATUS_PERMISSION, is_desk_admin


class TransitionError(Exception):
    """A status move that the workflow refuses; the message says why, for the person who asked."""

    def __init__(self, message: str, *, code: str = "refused"):
        super().__init__(message)
        self.message = message
        self.code = code


class StaleVersion(Exception):
    """The claim changed since the editor loaded it; their save is refused rather than overwrite that change."""

    def __init__(self, claim: Claim, expected: int):
        current = Claim.objects.filter(pk=claim.pk).values_list("version", flat=True).first()
        super().__init__(
            f"This claim was changed by someone else since you opened it (your version {expected}, now {current}). "
            "Nothing was saved: reload the claim to see the change, then apply yours again."
        )
        self.expected = expected
        self.current = current


def status_label(status: str) -> str:
    return Status(status).label if status in Status.values else status


def allowed_moves(claim: Claim) -> tuple[str, ...]:
    """The statuses the workflow allows from the claim's current one (rules on evidence aside)."""
    if claim.withdrawn_at is not None:
        return ()
    return ALLOWED_TRANSITIONS.get(claim.status, ())


def transition_problem(*, claim: Claim, to: str, actor, note: str = "") -> str | None:
    """Why the move is refused, or None when it is allowed. The rules, in one place."""
    if actor is not None and not actor.has_perm(STATUS_PERMISSION):
        return "You don't have the fact-checker role needed to change a claim's status."
    if to not in Status.values:
        return f"{to!r} is not a status; the statuses are: {', '.join(Status.values)}."
    if claim.withdrawn_at is not None:
        return "This claim is withdrawn; its status can no longer change."
    if to == claim.status:
        return f"The claim is already {status_label(to).lower()}."
    if to not in ALLOWED_TRANSITIONS.get(claim.status, ()):
        allowed = ", ".join(status_label(s).lower() for s in ALLOWED_TRANSITIONS.get(claim.status, ()))
        return (
            f"A claim can't go from {status_label(claim.status).lower()} to {status_label(to).lower()}; "
            f"from {status_label(claim.status).lower()} it can go to: {allowed}."
        )
    if (
        to in NEEDS_EVIDENCE
        and not claim.evidence.filter(relation__in=(EvidenceRelation.SUPPORTS, EvidenceRelation.CONTRADICTS))
        .exclude(excerpt="")
        .exists()
    ):
        return (
            f"To mark a claim {status_label(to).lower()}, first add evidence that supports or contradicts it, "
            "with the excerpt from the source."
        )
    if to == Status.UNVERIFIABLE and not note.strip():
        return "Say in the note why the claim can't be verified."
    return None


def claim_transition(
    *,
    claim: Claim,
    to: str,
    actor,
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
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if expected_version is not None and locked.version != expected_version:
            raise StaleVersion(locked, expected_version)
        problem = transition_problem(claim=locked, to=to, actor=actor, note=note)
        if problem:
            raise TransitionError(problem)
        if rating_value is not None and not RATING_WORST <= rating_value <= RATING_BEST:
            raise TransitionError(f"The numeric rating must be between {RATING_WORST} and {RATING_BEST}.")
        before = locked.status
        locked.status = to
        if to in VERDICTS:
            default_text, default_value = DEFAULT_RATINGS[to]
            locked.reviewer = actor
            locked.reviewed_at = timezone.now()
            locked.textual_rating = textual_rating.strip() or default_text
            locked.rating_value = rating_value if rating_value is not None else default_value
            locked.verdict_note = note.strip()
        elif before in VERDICTS:
            locked.textual_rating, locked.rating_value = "", None
            locked.reviewer, locked.reviewed_at = None, None
        locked.version = F("version") + 1
        _record(locked, actor, f"{status_label(before)} → {status_label(to)}" + (f": {note.strip()}" if note else ""))
        locked.save()
        locked.refresh_from_db()
    return locked


def claim_assign(*, claims, assignee, actor) -> int:
    """Assign claims to a fact-checker (or unassign with None); each change is in the audit trail."""
    count = 0
    with transaction.atomic():
        for claim in Claim.objects.select_for_update().filter(pk__in=[c.pk for c in claims]):
            if claim.assignee_id == (assignee.pk if assignee else None):
                continue
            claim.assignee = assignee
            claim.version = F("version") + 1
            _record(claim, actor, f"assigned to {assignee.get_username()}" if assignee else "unassigned")
            claim.save()
            count += 1
    return count


def claim_withdraw(*, claim: Claim, actor, reason: str, superseded_by: Claim | None = None) -> Claim:
    """Withdraw a claim instead of deleting it: it stays, with the reason and what replaces it."""
    if not reason.strip():
        raise TransitionError("Say why the claim is withdrawn.")
    if superseded_by is not None and superseded_by.pk == claim.pk:
        raise TransitionError("A claim can't be superseded by itself.")
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.withdrawn_at is not None:
            raise TransitionError("The claim is already withdrawn.")
        locked.withdrawn_at = timezone.now()
        locked.withdrawal_reason = reason.strip()
        locked.superseded_by = superseded_by
        locked.version = F("version") + 1
        _record(locked, actor, f"withdrawn: {reason.strip()}")
        locked.save()
        locked.refresh_from_db()
    return locked


def claim_is_reviewed(claim: Claim) -> bool:
    """A claim with a verdict (now or once) or with evidence: it may be withdrawn, not deleted, but by an admin."""
    return (
        claim.status != Status.UNVERIFIED
        or claim.reviewer_id is not None
        or claim.evidence.exists()
        or claim.history.filter(status__in=VERDICTS).exists()
    )


def can_delete_claim(*, claim: Claim | None, user) -> bool:
    if not user.has_perm("claims.delete_claim"):
        return False
    return claim is None or not claim_is_reviewed(claim) or is_desk_admin(user)


def claim_take_version(*, claim: Claim, expected_version: int) -> None:
    """Claim the next version for a save, or raise StaleVersion if someone saved since `expected_version`.

    Call inside the save's transaction; the row update takes the row lock, so two saves can't both pass.
    """
    updated = Claim.objects.filter(pk=claim.pk, version=expected_version).update(version=F("version") + 1)
    if not updated:
        raise StaleVersion(claim, expected_version)
    claim.version = expected_version + 1


def _record(claim: Claim, actor, reason: str) -> None:
    """What the audit trail says about the next save: who (when not the request's user) and why."""
    if actor is not None:
        claim._history_user = actor
    claim._change_reason = reason
