"""A claim's version: the one check of the version an editor read, and the one way it rises.

The version (the API's ETag W/"<version>", the admin's hidden `expected_version`) rises by one with every change
to the claim or to one of its appearances or evidence, whichever door the change came through, so that an ETag
and the `updated_after` sync cursor cover everything the claim's representation shows. It rises in the database
(`version = version + 1`), under the row's lock, never as a number read earlier: two writers can't hand out the
same version, and a later If-Match can't be accepted over content its client never saw.

claim_lock is the only comparison of an editor's version with the stored one: it takes the row lock first and
compares inside the write's transaction, so nothing can change between the check and the write.
"""

import datetime as dt
from collections.abc import Collection

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from factcheck.errors import DeskError

from ..models import Appearance, Claim, Evidence


class StaleVersion(DeskError):
    """The claim changed since the editor loaded it; their save is refused rather than overwrite that change."""

    status_code = 412
    code = "stale_version"

    def __init__(self, claim: Claim, expected: int, current: int | None = None) -> None:
        if current is None:
            current = Claim.objects.filter(pk=claim.pk).values_list("version", flat=True).first()
        who, when = last_change(claim.pk)
        last = f"; last change by {who or 'the system'}" + (f" at {when:%Y-%m-%d %H:%M} UTC" if when else "")
        super().__init__(
            f"This claim was changed by someone else since you opened it (your version {expected}, now "
            f"{current}{last}), so your changes were NOT saved. Reload the claim to see that change, then apply "
            "yours again."
        )
        self.expected = expected
        self.current = current


def last_change(claim_id: int) -> tuple[str, dt.datetime | None]:
    """Who made the latest change to the claim or to one of its appearances or evidence, and when."""
    latest = [
        Claim.history.filter(id=claim_id),
        Appearance.history.filter(claim_id=claim_id),
        Evidence.history.filter(claim_id=claim_id),
    ]
    records = [
        record
        for history in latest
        if (record := history.select_related("history_user").order_by("-history_date").first()) is not None
    ]
    if not records:
        return "", None
    record = max(records, key=lambda r: r.history_date)
    user = record.history_user
    return (user.get_username() if user is not None else ""), record.history_date


def claim_lock(*, claim_id: int, expected_version: int | None = None) -> Claim:
    """The claim's row, locked until the transaction ends; StaleVersion when it is no longer at `expected_version`.

    The version check of every door (the API's If-Match, the admin's hidden field, the transition buttons); None
    checks nothing (an addition, the system). Call inside transaction.atomic().
    """
    claim = Claim.objects.select_for_update().get(pk=claim_id)
    if expected_version is not None and claim.version != expected_version:
        raise StaleVersion(claim, expected_version, claim.version)
    return claim


def claim_save_next_version(claim: Claim, *, refresh: bool = True) -> Claim:
    """Save the claim with its version raised by one: `version = version + 1` in the UPDATE, under the row lock the
    caller holds (claim_lock), never a number read earlier. The save of every service that changes the claim's own
    row; `refresh` reads the saved row back (the new version, the database's updated_at). Returns the claim."""
    claim.version = F("version") + 1
    claim.save()
    if refresh:
        claim.refresh_from_db()
    return claim


def claim_version_bump(*, claim_ids: Collection[int]) -> dict[int, int]:
    """Raise the version of these claims by one and set their updated_at, in the database, in one statement: for
    claims whose row isn't saved otherwise (a change to an appearance or evidence); claim_save_next_version when it is.

    Returns {claim id: its new version}, as the database wrote it. The UPDATE takes the rows' locks (callers that
    touch several claims lock them in id order first, see lock_claims).
    """
    if not claim_ids:
        return {}
    table = connection.ops.quote_name(Claim._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET version = version + 1, updated_at = %s WHERE id = ANY(%s) RETURNING id, version",
            [timezone.now(), sorted(claim_ids)],
        )
        return dict(cursor.fetchall())


def lock_claims(claim_ids: Collection[int]) -> list[int]:
    """Lock several claims' rows in id order (two writers locking the same claims can't deadlock); their ids."""
    return list(Claim.objects.select_for_update().filter(pk__in=claim_ids).order_by("pk").values_list("pk", flat=True))


def claim_take_version(*, claim: Claim, expected_version: int | None) -> int:
    """Check the version the editor read and raise it by one, in the claim's row, in the caller's transaction.

    Raises StaleVersion (and changes nothing) when someone saved since `expected_version`. Returns the new version
    and sets it on `claim`.
    """
    with transaction.atomic():
        claim_lock(claim_id=claim.pk, expected_version=expected_version)
        claim.version = claim_version_bump(claim_ids=[claim.pk])[claim.pk]
    return claim.version
