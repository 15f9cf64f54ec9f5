"""The verdict lock: while a claim has a final verdict, what the verdict rests on can't change. Reopen first.

A verdict (verified, false, misleading, unverifiable) judged particular content: the claim's figure, unit, bounds,
qualifier, period and subject, its verdict text and rating (choices.VERDICT_BASIS_FIELDS), the quotes of its
appearances (APPEARANCE_BASIS_FIELDS) and the evidence it rests on (EVIDENCE_BASIS_FIELDS). Changing any of them
would leave a published rating over content it never judged, under the original reviewer; so every door (the
admin's form, inlines and actions, the API, the importer) refuses such a change with VerdictLocked and the same
sentence, until the claim is moved back to in review.

What stays open while a verdict stands, because it adds to the record without changing what was judged:
- new appearances (the claim repeated elsewhere) and an appearance's claimant and date;
- new evidence of any relation (context, or a later source that contradicts: the desk then reopens), and the
  locator of any evidence (where in the source, not what it says);
- evidence that is not decisive (cited, context, or without an excerpt), which the verdict does not rest on;
- the source check's excerpt flag (an observation about the page, not an edit), assignment and withdrawal.
Refused: changing or deleting an appearance's quote or source, and changing the source, relation, excerpt or
figure of decisive evidence (supports or contradicts, with an excerpt) or deleting it or moving it to another claim.
"""

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from django.db.models import Field, Model

from factcheck.errors import DeskError

from ..choices import APPEARANCE_BASIS_FIELDS, EVIDENCE_BASIS_FIELDS, VERDICT_BASIS_FIELDS, VERDICTS
from ..models import Appearance, Claim, Evidence
from .workflow import decisive_evidence_record, status_label

Part = Literal["claim", "appearance", "evidence"]
BASIS: dict[str, tuple[str, ...]] = {
    "claim": VERDICT_BASIS_FIELDS,
    "appearance": APPEARANCE_BASIS_FIELDS,
    "evidence": EVIDENCE_BASIS_FIELDS,
}
RESTS_ON = {"appearance": "its quotes", "evidence": "its decisive evidence"}
REOPEN = "Reopen the claim (move it back to in review) first."


MODELS: dict[str, type[Model]] = {"claim": Claim, "appearance": Appearance, "evidence": Evidence}


def _field_words(what: str, name: str) -> str:
    """A field as the desk names it: its verbose name ("rating value", "lower bound")."""
    field = MODELS[what]._meta.get_field(name)
    return str(field.verbose_name) if isinstance(field, Field) else name


class VerdictLocked(DeskError):
    """A change to what a standing verdict rests on; the claim must be reopened first."""

    status_code = 409
    code = "verdict_locked"


def verdict_lock_problem(
    *, status: str, changed: Iterable[str], what: str = "claim", deleting: bool = False
) -> str | None:
    """Why changing the `changed` fields of the claim (or of its appearance or evidence: `what`) is refused while
    the claim has `status`, or None when it is allowed. `deleting`: the appearance or evidence is to be deleted
    (or moved to another claim)."""
    if status not in VERDICTS:
        return None
    state = status_label(status).lower()
    if deleting and what != "claim":
        return (
            f"This claim is {state}: its verdict rests on {RESTS_ON[what]}, and this {what} can't be deleted or "
            f"moved while the verdict stands. {REOPEN}"
        )
    locked = [name for name in changed if name in BASIS[what]]
    if not locked:
        return None
    names = ", ".join(dict.fromkeys(_field_words(what, name.removesuffix("_id")) for name in locked))
    if what == "claim":
        return (
            f"This claim is {state}: its verdict rests on {names}, which can't change while the verdict stands. "
            + REOPEN
        )
    return (
        f"This claim is {state}: its verdict rests on {RESTS_ON[what]} (its {what}'s {names}), which can't change "
        f"while the verdict stands. {REOPEN}"
    )


def child_lock_problem(
    *, what: Part, status: str, before: Mapping[str, Any] | None, changed: Iterable[str], deleting: bool = False
) -> str | None:
    """The verdict lock for an appearance or a piece of evidence of a claim in `status`.

    `before`: the child as stored (its relation and excerpt, for evidence), None for a new one (always allowed);
    `changed`: the names of the fields the write changes. Evidence that is not decisive as stored is not locked.
    """
    if before is None or status not in VERDICTS:
        return None
    if what == "evidence" and not decisive_evidence_record(
        relation=str(before.get("relation", "")), excerpt=str(before.get("excerpt", ""))
    ):
        return None
    return verdict_lock_problem(status=status, changed=changed, what=what, deleting=deleting)
