"""Editing claims, appearances and evidence through the API, under the claim's version check.

These are services in all but location (they take keyword arguments and the acting user, and never touch DRF);
they live here because claims/services.py belongs to the workflow. Every change to a claim or to one of its
appearances or evidence raises the claim's version (claims.services.claim_take_version when the editor sent the
version they read, a plain increment for additions) and its updated_at, so that the claim's ETag and the sync
cursor cover everything the claim's representation shows.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from claims.importers.keys import derived_claim_key
from claims.models import Appearance, Claim, Evidence
from claims.periods import NO_PERIOD, Period
from claims.quotes import locate_quote
from claims.services import claim_take_version
from sources.models import Source

CLAIM_EDITABLE = ("key", "subject", "claim_type", "value", "unit", "qualifier", "lower_bound", "upper_bound",
                  "verdict_note")  # fmt: skip


def _set_period(claim: Claim, period: Period) -> None:
    claim.period = period.label
    claim.period_start, claim.period_end = period.start, period.end
    claim.period_precision, claim.period_as_of = period.precision, period.as_of


def _audit(obj, actor, reason: str) -> None:
    if actor is not None:
        obj._history_user = actor
    obj._change_reason = reason


def _touch(claim_id: int, expected_version: int | None) -> None:
    """Raise the claim's version (checking the one the editor read, when given) and its updated_at."""
    claim = Claim.objects.select_for_update().only("id", "version").get(pk=claim_id)
    if expected_version is not None:
        claim_take_version(claim=claim, expected_version=expected_version)
        Claim.objects.filter(pk=claim_id).update(updated_at=timezone.now())
    else:
        Claim.objects.filter(pk=claim_id).update(version=F("version") + 1, updated_at=timezone.now())


def claim_create(*, data: dict, actor) -> Claim:
    """A new, unverified claim. `data` holds CLAIM_EDITABLE fields and `period` (a parsed Period)."""
    claim = Claim(**{name: data[name] for name in CLAIM_EDITABLE if name in data})
    claim.unit = data.get("unit") or ""
    _set_period(claim, data.get("period") or NO_PERIOD)
    if not claim.key:
        claim.key = derived_claim_key(claim.subject, claim.value, claim.period)
    claim.full_clean()
    _audit(claim, actor, "created through the API")
    with transaction.atomic():
        claim.save()
    return claim


def claim_update(*, claim: Claim, data: dict, actor, expected_version: int) -> Claim:
    """Change the given fields, or raise StaleVersion (nothing saved) if the claim changed since that version."""
    changed = [name for name in CLAIM_EDITABLE if name in data and getattr(claim, name) != data[name]]
    for name in changed:
        setattr(claim, name, data[name])
    if "unit" in data:
        claim.unit = data["unit"] or ""
    if "period" in data:
        _set_period(claim, data["period"] or NO_PERIOD)
        changed.append("period")
    claim.full_clean()
    with transaction.atomic():
        claim_take_version(claim=claim, expected_version=expected_version)
        _audit(claim, actor, "edited through the API: " + (", ".join(changed) or "no change"))
        claim.save()
    claim.refresh_from_db()
    return claim


def _place(appearance: Appearance, start: int | None) -> None:
    text = Source.objects.filter(pk=appearance.source_id).values_list("text", flat=True).first() or ""
    appearance.start_offset, appearance.end_offset = locate_quote(text, appearance.quote, start)


def appearance_save(*, appearance: Appearance, data: dict, actor, expected_version: int | None) -> Appearance:
    """Create or change an appearance; the quote is placed in the source's text as the importer does
    (claims.quotes.locate_quote), or QuoteNotFound says which field to fix."""
    new = appearance.pk is None
    for name in ("claim", "source", "quote", "claimant", "stated_on"):
        if name in data:
            setattr(appearance, name, data[name])
    _place(appearance, data.get("start"))
    appearance.full_clean()
    with transaction.atomic():
        _touch(appearance.claim_id, expected_version)
        _audit(appearance, actor, "added through the API" if new else "edited through the API")
        appearance.save()
    return appearance


def evidence_save(*, evidence: Evidence, data: dict, actor, expected_version: int | None) -> Evidence:
    """Create or change a piece of evidence."""
    new = evidence.pk is None
    for name in ("claim", "source", "relation", "excerpt", "locator", "source_value"):
        if name in data:
            setattr(evidence, name, data[name])
    evidence.full_clean()
    with transaction.atomic():
        _touch(evidence.claim_id, expected_version)
        _audit(evidence, actor, "added through the API" if new else "edited through the API")
        evidence.save()
    return evidence


def child_delete(*, obj: Appearance | Evidence, actor, expected_version: int) -> None:
    """Delete an appearance or piece of evidence (admins only: the roles give fact-checkers no delete)."""
    with transaction.atomic():
        _touch(obj.claim_id, expected_version)
        _audit(obj, actor, "deleted through the API")
        obj.delete()
