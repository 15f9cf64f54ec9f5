"""Publication: a final verdict becomes public only when a second person publishes it.

    claim_publish(claim=claim, actor=user, note="")      # public from now (pages, feeds, ClaimReview, claims:search)
    claim_unpublish(claim=claim, actor=user, note="…")   # taken down: its page answers 410 with the note
    claim_correct(claim=claim, actor=user, note="…", …)  # a published verdict changed; the earlier one stays shown

The second-person rule: the verdict's reviewer may not publish or correct it; another fact-checker or an admin
does. `settings.PUBLISH_OWN_VERDICTS` relaxes this for a desk of one (off by default). Each move is a recorded
change of the claim with its note (the audit trail's reason, services/trail.py), shown in the claim's history;
corrections are also kept as rows (models.VerdictCorrection) for the public page's correction log. Who may see
what follows from `published_at` (claims.selectors.PUBLISHED).
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..choices import RATING_BEST, RATING_WORST, VERDICTS, Status
from ..models import PUBLICATION_NOTE_MAX_LENGTH, Claim, VerdictCorrection
from ..roles import STATUS_PERMISSION
from .trail import Actor, audit_next_save
from .versions import claim_lock, claim_save_next_version
from .workflow import TransitionError, status_label, transition_problem

PUBLISH, UNPUBLISH, CORRECT = "publish", "unpublish", "correct"


def own_verdicts_publishable() -> bool:
    """Whether a reviewer may publish their own verdict (a one-person desk): settings.PUBLISH_OWN_VERDICTS."""
    return bool(getattr(settings, "PUBLISH_OWN_VERDICTS", False))


def publication_problem(*, claim: Claim, move: str, actor: Actor, note: str = "") -> str | None:
    """Why the publication move is refused, or None when it is allowed. The rules, in one place."""
    if actor is not None and not actor.has_perm(STATUS_PERMISSION):
        return "You don't have the fact-checker role needed to publish verdicts."
    if claim.withdrawn_at is not None:
        return "This claim is withdrawn; its verdict can't be published or changed."
    if claim.status not in VERDICTS:
        return (
            f"Only a final verdict can be published; this claim is {status_label(claim.status).lower()}."
            if move == PUBLISH
            else "This claim has no verdict to unpublish or correct."
        )
    if len(note.strip()) > PUBLICATION_NOTE_MAX_LENGTH:
        return f"The note is too long: at most {PUBLICATION_NOTE_MAX_LENGTH} characters."
    if move == PUBLISH:
        if claim.published_at is not None:
            return "This verdict is already published."
    elif claim.published_at is None:
        return "This verdict isn't published."
    if move in (UNPUBLISH, CORRECT) and not note.strip():
        return f"Say in the note why the verdict is {'taken down' if move == UNPUBLISH else 'corrected'}."
    if (
        move in (PUBLISH, CORRECT)
        and actor is not None
        and claim.reviewer_id == actor.pk
        and not own_verdicts_publishable()
    ):
        return (
            "You gave this verdict, so another fact-checker or an admin must "
            f"{'publish' if move == PUBLISH else 'correct'} it: a verdict is checked by a second person."
        )
    return None


def allowed_publication_moves(claim: Claim, actor: Actor) -> tuple[str, ...]:
    """The publication moves the actor may make on the claim now (a correction's and an unpublishing's note
    aside): what the admin's claim page offers."""
    return tuple(
        move for move in (PUBLISH, UNPUBLISH, CORRECT) if not publication_problem(
            claim=claim, move=move, actor=actor, note="a note"
        )
    )  # fmt: skip


def _refuse_unless_allowed(claim: Claim, move: str, actor: Actor, note: str) -> None:
    problem = publication_problem(claim=claim, move=move, actor=actor, note=note)
    if problem:
        raise TransitionError(problem)


def _save(claim: Claim, actor: Actor, reason: str) -> Claim:
    audit_next_save(claim, actor=actor, reason=reason)
    return claim_save_next_version(claim)


def _reason(what: str, note: str) -> str:
    return what + (f": {note.strip()}" if note.strip() else "")


def claim_publish(*, claim: Claim, actor: Actor, note: str = "", expected_version: int | None = None) -> Claim:
    """Publish the claim's verdict, or raise TransitionError (or StaleVersion) and change nothing."""
    with transaction.atomic():
        locked = claim_lock(claim_id=claim.pk, expected_version=expected_version)
        _refuse_unless_allowed(locked, PUBLISH, actor, note)
        locked.published_at = timezone.now()
        locked.published_by_id = actor.pk if actor is not None else None
        locked.unpublished_at = None
        locked.unpublished_note = ""
        return _save(locked, actor, _reason("published", note))


def claim_unpublish(*, claim: Claim, actor: Actor, note: str, expected_version: int | None = None) -> Claim:
    """Take a published verdict down: it leaves the public's sight, its page answers 410 Gone with the note."""
    with transaction.atomic():
        locked = claim_lock(claim_id=claim.pk, expected_version=expected_version)
        _refuse_unless_allowed(locked, UNPUBLISH, actor, note)
        locked.published_at = None
        locked.published_by = None
        locked.unpublished_at = timezone.now()
        locked.unpublished_note = note.strip()
        return _save(locked, actor, _reason("unpublished", note))


def claim_correct(
    *,
    claim: Claim,
    actor: Actor,
    note: str,
    to: str | None = None,
    textual_rating: str | None = None,
    rating_value: int | None = None,
    verdict_note: str | None = None,
    expected_version: int | None = None,
) -> Claim:
    """Correct a published verdict in place: the new verdict (status, ratings, explanation; what is not given stays)
    is public at once, and the earlier one is kept in the correction log with the date and the note.

    The new verdict obeys the verdict's rules (evidence for verified / false / misleading, a note for
    unverifiable: workflow.transition_problem), and the second-person rule (not the verdict's reviewer).
    """
    from ..choices import DEFAULT_RATINGS, textual_rating_of

    with transaction.atomic():
        locked = claim_lock(claim_id=claim.pk, expected_version=expected_version)
        _refuse_unless_allowed(locked, CORRECT, actor, note)
        status = to or locked.status
        if status not in VERDICTS:
            raise TransitionError(f"A correction gives a verdict; {status!r} is not one.")
        new_note = locked.verdict_note if verdict_note is None else verdict_note.strip()
        if status != locked.status:
            # The rules of the new verdict as if it were given now, from review.
            probe = Claim(pk=locked.pk, status=Status.IN_REVIEW)
            problem = transition_problem(claim=probe, to=status, actor=actor, note=new_note)
            if problem:
                raise TransitionError(problem)
        if rating_value is not None and not RATING_WORST <= rating_value <= RATING_BEST:
            raise TransitionError(f"The numeric rating must be between {RATING_WORST} and {RATING_BEST}.")
        if textual_rating is None and status == locked.status:
            textual_rating = locked.textual_rating
        if rating_value is None:
            rating_value = locked.rating_value if status == locked.status else DEFAULT_RATINGS[status][1]
        VerdictCorrection.objects.create(
            claim=locked,
            corrected_at=timezone.now(),
            corrected_by_id=actor.pk if actor is not None else None,
            note=note.strip(),
            earlier_status=locked.status,
            earlier_textual_rating=locked.textual_rating,
            earlier_rating_value=locked.rating_value,
            earlier_verdict_note=locked.verdict_note,
        )
        locked.status = status
        locked.textual_rating = textual_rating_of(status, textual_rating or "")
        locked.rating_value = rating_value
        locked.verdict_note = new_note
        return _save(locked, actor, _reason("verdict corrected", note))
