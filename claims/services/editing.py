"""Creating, changing and deleting claims, appearances and evidence: the one owner of these writes.

The admin (form, inlines, actions), the API, the commands and the source check write these models only through
this module (status moves go through workflow.claim_transition). The importer's bulk path writes its batches
itself (COPY, batched UPDATEs) under the same rules, called from here: verdict_lock_problem, child_lock_problem,
versions.claim_version_bump, and the workflow's import doors. Each change of a claim or of its children:
- runs in one transaction that holds the claim's row lock from the version check (versions.claim_lock, the one
  check of an editor's version) to the end, and raises the claim's version once, in the database
  (versions.claim_version_bump), with its updated_at;
- is refused with VerdictLocked while the claim has a final verdict and the change touches what the verdict rests
  on (verdicts: which changes stay open and why);
- is recorded in the audit trail with the actor and a reason naming the door ("edited through the admin: value");
- is refused with CircularEvidence when it leaves evidence that supports or contradicts the claim from a source
  the claim appears in (circular: judged on the change as a whole, once its rows are written).

claim_change() is the unit of one save: the admin saves a claim form and its inline formsets in one, so that an
edit of three pieces of evidence is one new version; the single-purpose functions below (claim_update,
appearance_save, …) are one change each.
"""

import datetime as dt
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from factcheck.errors import DeskError
from sources.models import Source

from ..audit import record_history
from ..choices import DECISIVE_RELATIONS, Status
from ..models import Appearance, Claim, Evidence
from ..periods import NO_PERIOD, PERIOD_FIELDS
from ..quotes import locate_quote
from .circular import CircularEvidence, circular_appearance_problem, circular_evidence, circular_evidence_problem
from .trail import API, Actor, audit_next_save
from .verdicts import Part, VerdictLocked, child_lock_problem, verdict_lock_problem
from .versions import claim_lock, claim_version_bump, lock_claims
from .workflow import can_delete_claim

# What an editor may set on a claim (the period as text or a parsed Period); status and verdict are the workflow's.
CLAIM_EDITABLE = ("key", "subject", "claim_type", "value", "unit", "qualifier", "lower_bound", "upper_bound",
                  "verdict_note", "assignee")  # fmt: skip
CLAIM_TRACKED = (*(name for name in CLAIM_EDITABLE if name != "assignee"), "assignee_id", *PERIOD_FIELDS)
APPEARANCE_EDITABLE = ("source", "quote", "claimant", "stated_on")
APPEARANCE_TRACKED = ("source_id", "quote", "claimant", "stated_on", "start_offset", "end_offset")
EVIDENCE_EDITABLE = ("source", "relation", "excerpt", "locator", "source_value")
EVIDENCE_TRACKED = ("source_id", "relation", "excerpt", "locator", "source_value")
Child = Appearance | Evidence


class ClaimDeleteRefused(DeskError):
    """A claim that has been reviewed is withdrawn, not deleted (desk admins excepted)."""

    status_code = 403
    code = "delete_refused"


class ChildMoveRefused(DeskError):
    """An appearance or piece of evidence stays with its claim: delete it and add it to the other."""

    status_code = 400
    code = "invalid"


def _names(changed: Collection[str]) -> list[str]:
    """The changed fields as the change reason names them: the period once, foreign keys without `_id`."""
    names = ("period" if name in PERIOD_FIELDS else name.removesuffix("_id") for name in changed)
    return list(dict.fromkeys(name for name in names if name not in ("start_offset", "end_offset")))


def _stored(model: type[Child], pk: int | None, tracked: tuple[str, ...]) -> dict[str, Any] | None:
    if pk is None:
        return None
    row: dict[str, Any] | None = model.objects.filter(pk=pk).values(*tracked, "claim_id").first()
    return row


class ClaimChange:
    """One save of a claim and its children, under the claim's row lock and one version; see claim_change()."""

    def __init__(self, *, claim: Claim, actor: Actor, via: str) -> None:
        self.claim = claim  # the locked row, as stored
        self.actor = actor
        self.via = via
        # What the circular rule judges at the end of the change: evidence written while it supports or
        # contradicts, and the sources of appearances added or moved.
        self.judging_evidence: set[int] = set()
        self.appearance_sources: set[int] = set()

    def _refuse_if_locked(self, problem: str | None) -> None:
        if problem:
            raise VerdictLocked(problem)

    # --- the claim itself -------------------------------------------------------------------------------------
    def update_claim(self, data: Mapping[str, Any]) -> list[str]:
        """Set the given editable fields (CLAIM_EDITABLE, and `period`); returns the names of those that changed."""
        claim = self.claim
        before = {name: getattr(claim, name) for name in CLAIM_TRACKED}
        fill_claim(claim, data)
        changed = [name for name in CLAIM_TRACKED if getattr(claim, name) != before[name]]
        if not changed:
            return []  # nothing for the audit trail; the save still takes its version (claim_change)
        names = _names(changed)  # the period once, as people name it
        self._refuse_if_locked(verdict_lock_problem(status=claim.status, changed=names))
        claim.full_clean()
        audit_next_save(claim, actor=self.actor, reason=f"edited through {self.via}: {', '.join(names)}")
        claim.save(update_fields=[*changed, "updated_at"])
        return names

    # --- appearances --------------------------------------------------------------------------------------------
    def save_appearance(self, appearance: Appearance, data: Mapping[str, Any] | None = None) -> Appearance:
        """Add or change an appearance of this claim; `data` holds APPEARANCE_EDITABLE fields and `start` (None:
        the instance already carries its new values, as an admin form leaves it). The quote is placed in the
        source's text (claims.quotes.locate_quote) when it or its source changes, or QuoteNotFound says why not."""
        stored = _stored(Appearance, appearance.pk, APPEARANCE_TRACKED)
        self.keep_claim(appearance, stored)
        for name in APPEARANCE_EDITABLE:
            if data is not None and name in data:
                setattr(appearance, name, data[name])
        start = data.get("start") if data is not None else None
        moved_quote = stored is None or (appearance.quote, appearance.source_id) != (
            stored["quote"],
            stored["source_id"],
        )
        if moved_quote or start is not None:
            text = Source.objects.filter(pk=appearance.source_id).values_list("text", flat=True).first() or ""
            appearance.start_offset, appearance.end_offset = locate_quote(text, appearance.quote, start)
        changed = _changed(appearance, stored, APPEARANCE_TRACKED)
        self._refuse_if_locked(
            child_lock_problem(what="appearance", status=self.claim.status, before=stored, changed=changed)
        )
        appearance.full_clean()
        self._save(appearance, stored, changed)
        if stored is None or appearance.source_id != stored["source_id"]:
            self.appearance_sources.add(appearance.source_id)
        return appearance

    # --- evidence -------------------------------------------------------------------------------------------------
    def save_evidence(self, evidence: Evidence, data: Mapping[str, Any] | None = None) -> Evidence:
        """Add or change a piece of evidence of this claim (`data`: EVIDENCE_EDITABLE fields, or None as above)."""
        stored = _stored(Evidence, evidence.pk, EVIDENCE_TRACKED)
        self.keep_claim(evidence, stored)
        for name in EVIDENCE_EDITABLE:
            if data is not None and name in data:
                setattr(evidence, name, data[name])
        changed = _changed(evidence, stored, EVIDENCE_TRACKED)
        self._refuse_if_locked(
            child_lock_problem(what="evidence", status=self.claim.status, before=stored, changed=changed)
        )
        evidence.full_clean()
        self._save(evidence, stored, changed)
        if (stored is None or changed) and evidence.relation in DECISIVE_RELATIONS:
            self.judging_evidence.add(evidence.pk)
        return evidence

    # --- both -----------------------------------------------------------------------------------------------------
    def save_child(self, obj: Child, data: Mapping[str, Any] | None = None) -> Child:
        if isinstance(obj, Appearance):
            return self.save_appearance(obj, data)
        return self.save_evidence(obj, data)

    def delete_child(self, obj: Child) -> None:
        """Delete an appearance or piece of evidence of this claim."""
        what: Part = "appearance" if isinstance(obj, Appearance) else "evidence"
        tracked = APPEARANCE_TRACKED if isinstance(obj, Appearance) else EVIDENCE_TRACKED
        stored = _stored(type(obj), obj.pk, tracked)
        if stored is None:
            return  # already gone
        self.keep_claim(obj, stored)
        self._refuse_if_locked(
            child_lock_problem(what=what, status=self.claim.status, before=stored, changed=(), deleting=True)
        )
        audit_next_save(obj, actor=self.actor, reason=f"deleted through {self.via}")
        obj.delete()

    def keep_claim(self, obj: Child, stored: dict[str, Any] | None) -> None:
        """A new child joins this claim; an existing one stays with the claim it belongs to."""
        if stored is None:
            if obj.claim_id is not None and obj.claim_id != self.claim.pk:
                raise ValueError("a child is added through the change of its own claim")
            obj.claim = self.claim
            return
        if stored["claim_id"] != self.claim.pk or obj.claim_id != self.claim.pk:
            raise ChildMoveRefused(
                "An appearance or piece of evidence can't move to another claim; delete it and add it there.",
                fields={"claim": ["can't move to another claim; delete and add instead"]},
            )

    def refuse_circular_evidence(self) -> None:
        """The circular rule on what this change wrote, as it leaves the claim (so that the order of one save's
        rows doesn't matter): CircularEvidence, on the evidence's relation or the appearance's source."""
        if not self.judging_evidence and not self.appearance_sources:
            return
        links = list(
            circular_evidence(Evidence.objects.filter(claim_id=self.claim.pk))
            .filter(Q(pk__in=self.judging_evidence) | Q(source_id__in=self.appearance_sources))
            .select_related("source__publisher")
            .defer("source__text")
            .order_by("pk")
        )
        for link in links:
            if link.pk in self.judging_evidence:
                problem = circular_evidence_problem(relation=link.relation, source=link.source, appears_in_source=True)
                if problem:
                    raise CircularEvidence(problem, fields={"relation": [problem]})
        for link in links:
            relations = [other.relation for other in links if other.source_id == link.source_id]
            problem = circular_appearance_problem(source=link.source, relations=relations)
            if problem:
                raise CircularEvidence(problem, fields={"source": [problem]})

    def _save(self, obj: Child, stored: dict[str, Any] | None, changed: list[str]) -> None:
        if stored is not None and not changed:
            return  # the same values again: no write, no history row
        reason = f"added through {self.via}" if stored is None else f"edited through {self.via}: "
        if stored is not None:
            reason += ", ".join(_names(changed)) or "the quote's position"
        audit_next_save(obj, actor=self.actor, reason=reason)
        obj.save()


def _changed(obj: Child, stored: dict[str, Any] | None, tracked: tuple[str, ...]) -> list[str]:
    if stored is None:
        return list(tracked)
    return [name for name in tracked if getattr(obj, name) != stored[name]]


@contextmanager
def claim_change(
    *, claim: Claim | int, expected_version: int | None, actor: Actor, via: str = API, created: bool = False
) -> Iterator[ClaimChange]:
    """One change of a claim and its children: lock the claim's row and check the version the editor read
    (StaleVersion), let the caller write through the ClaimChange, then raise the version once, all in one
    transaction; any refusal inside rolls the whole change back. `created`: the claim was inserted in this
    transaction, so its first version already covers what is written with it."""
    claim_id = claim if isinstance(claim, int) else claim.pk
    with transaction.atomic():
        locked = claim_lock(claim_id=claim_id, expected_version=expected_version)
        change = ClaimChange(claim=locked, actor=actor, via=via)
        yield change
        change.refuse_circular_evidence()
        if not created:
            change.claim.version = claim_version_bump(claim_ids=[claim_id])[claim_id]


# --- claims ---------------------------------------------------------------------------------------------------------
def fill_claim(claim: Claim, data: Mapping[str, Any]) -> None:
    """Set a claim's editable fields from `data`; anything else (status, verdict, version) is refused."""
    unknown = sorted(set(data) - {*CLAIM_EDITABLE, "period"})
    if unknown:
        raise DeskError(
            f"{', '.join(unknown)} can't be set here: the status and verdict change through the workflow.",
            fields={name: ["is read-only here"] for name in unknown},
        )
    for name in CLAIM_EDITABLE:
        if name in data:
            setattr(claim, name, data[name])
    if "unit" in data:
        claim.unit = data["unit"] or ""
    if "period" in data:
        claim.set_period(data["period"] or NO_PERIOD)


def claim_create(*, data: Mapping[str, Any], actor: Actor, via: str = API, instance: Claim | None = None) -> Claim:
    """A new, unverified claim from CLAIM_EDITABLE fields and `period`; its key is derived when not given.
    `instance`: an unsaved claim to fill and save (the admin's form object)."""
    claim = instance if instance is not None else Claim()
    fill_claim(claim, data)
    claim.status = Status.UNVERIFIED
    if not claim.key:
        # Imported here: the importer's package imports these services (its writers write through them).
        from ..importers.keys import derived_claim_key

        claim.key = derived_claim_key(claim.subject, claim.value, claim.period)
    claim.full_clean()
    audit_next_save(claim, actor=actor, reason=f"created through {via}")
    with transaction.atomic():
        claim.save()
    return claim


def claim_update(
    *, claim: Claim, data: Mapping[str, Any], actor: Actor, expected_version: int | None, via: str = API
) -> Claim:
    """Change the given fields of a claim; StaleVersion (nothing saved) if it changed since `expected_version`
    (None: no check), VerdictLocked if the change touches what a standing verdict rests on."""
    with claim_change(claim=claim, expected_version=expected_version, actor=actor, via=via) as change:
        change.update_claim(data)
    return change.claim


def claim_delete(*, claim: Claim, actor: Actor, via: str = API) -> None:
    """Delete a claim with its appearances and evidence; a reviewed one only by a desk admin (else: withdraw it)."""
    with transaction.atomic():
        locked = claim_lock(claim_id=claim.pk)  # decided on the locked row: no verdict can arrive in between
        if not can_delete_claim(claim=locked, user=actor):
            raise ClaimDeleteRefused(
                f"Claim {claim.pk} has been reviewed: withdraw it instead (only a desk admin may delete it)."
            )
        audit_next_save(locked, actor=actor, reason=f"deleted through {via}")
        locked.delete()


# --- appearances and evidence, one change each ----------------------------------------------------------------
def _claim_of(obj: Child, data: Mapping[str, Any] | None) -> int:
    """The claim a child save changes: its own, or for a new one the claim it is added to."""
    given = (data or {}).get("claim")
    if obj.pk is None:
        if given is None and obj.claim_id is None:
            raise DeskError("Say which claim this belongs to.", fields={"claim": ["This field is required."]})
        return int(given.pk if given is not None else obj.claim_id)
    return int(obj.claim_id)


def _refuse_move(obj: Child, data: Mapping[str, Any] | None, change: ClaimChange) -> None:
    """An existing child that `data` would give another claim: refused (ChildMoveRefused)."""
    given = (data or {}).get("claim")
    if obj.pk is not None and given is not None and given.pk != change.claim.pk:
        change.keep_claim(obj, {"claim_id": given.pk})


def appearance_save(
    *,
    appearance: Appearance,
    data: Mapping[str, Any] | None,
    actor: Actor,
    expected_version: int | None,
    via: str = API,
) -> Appearance:
    """Add (to data["claim"]) or change an appearance, as one change of its claim. `data`: see
    ClaimChange.save_appearance."""
    claim_id = _claim_of(appearance, data)
    with claim_change(claim=claim_id, expected_version=expected_version, actor=actor, via=via) as change:
        _refuse_move(appearance, data, change)
        return change.save_appearance(appearance, data)


def evidence_save(
    *, evidence: Evidence, data: Mapping[str, Any] | None, actor: Actor, expected_version: int | None, via: str = API
) -> Evidence:
    """Add (to data["claim"]) or change a piece of evidence, as one change of its claim."""
    claim_id = _claim_of(evidence, data)
    with claim_change(claim=claim_id, expected_version=expected_version, actor=actor, via=via) as change:
        _refuse_move(evidence, data, change)
        return change.save_evidence(evidence, data)


def child_delete(*, obj: Child, actor: Actor, expected_version: int | None, via: str = API) -> None:
    """Delete an appearance or piece of evidence, as one change of its claim."""
    with claim_change(claim=obj.claim_id, expected_version=expected_version, actor=actor, via=via) as change:
        change.delete_child(obj)


# --- the source check's findings ------------------------------------------------------------------------------
MISSING_REASON = "source check: the excerpt is no longer in the page's text"
FOUND_REASON = "source check: the excerpt is in the page's text again"


def evidence_excerpt_flags(
    *, flag: Collection[int], clear: Collection[int], checked_at: dt.datetime
) -> tuple[int, int]:
    """Record the excerpt check: flag the evidence whose excerpt left its page (keeping the first date), clear the
    flag of those found again. One UPDATE per kind, their history rows, and one statement that raises the version
    of every claim whose evidence changed (the flag is part of the claim's representation). Not a verdict's
    basis: allowed while a verdict stands. Returns (flagged, cleared), counting only rows that changed."""
    if not flag and not clear:
        return 0, 0
    table = connection.ops.quote_name(Evidence._meta.db_table)
    now = timezone.now()
    changed: dict[str, list[tuple[int, int]]] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        claim_ids = set(Evidence.objects.filter(pk__in=[*flag, *clear]).values_list("claim_id", flat=True))
        lock_claims(claim_ids)
        for kind, ids, value, condition in (
            (MISSING_REASON, flag, checked_at, "excerpt_missing_since IS NULL"),
            (FOUND_REASON, clear, None, "excerpt_missing_since IS NOT NULL"),
        ):
            if not ids:
                continue
            cursor.execute(
                f"UPDATE {table} SET excerpt_missing_since = %s, updated_at = %s "
                f"WHERE id = ANY(%s) AND {condition} RETURNING id, claim_id",
                [value, now, sorted(ids)],
            )
            changed[kind] = cursor.fetchall()
            record_history(
                Evidence, [pk for pk, _ in changed[kind]], history_type="~", user_id=None, reason=kind, date=now
            )
        claim_version_bump(claim_ids={claim_id for rows in changed.values() for _, claim_id in rows})
    return len(changed.get(MISSING_REASON, [])), len(changed.get(FOUND_REASON, []))
