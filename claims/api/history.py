"""A claim's audit trail (django-simple-history) as API entries: who, when, what changed field by field, why.

The entries are claims.history's, as the admin's claim page shows them; this module pages them and writes them as
JSON. Readers without a desk role (claims.selectors.can_read_all_claims) read the history of the claims they may
see without the people: no user, and no change of the assignee or reviewer (as the claim's own answer hides them)."""

from decimal import Decimal
from typing import Any

from claims.history import HistoryEntry, field_label, history_entry
from claims.models import Claim

from .representation import decimal_text

STAFF_FIELDS = frozenset({"assignee", "reviewer"})  # who works on a claim: shown to the desk only


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Decimal):
        return decimal_text(value)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


class ClaimHistory:
    """A lazily sliced sequence of the claim's history entries, newest first (what the paginator pages over).

    Each slice reads its records plus the one before the oldest, so each entry is diffed against its predecessor
    (HistoricalRecord.diff_against) in a constant number of queries per page.
    """

    def __init__(self, claim: Claim, *, show_staff: bool = True):
        self.records = claim.history.select_related("history_user").order_by("-history_date", "-history_id")
        self.show_staff = show_staff

    def count(self) -> int:
        return self.records.count()

    def order_by(self, *args):
        return self

    def __getitem__(self, item: slice):
        records = list(self.records[item.start : (item.stop or 0) + 1])
        wanted = (item.stop or 0) - (item.start or 0)
        entries = []
        for index, record in enumerate(records[:wanted]):
            previous = records[index + 1] if index + 1 < len(records) else None
            entries.append(entry_json(history_entry(record, previous), show_staff=self.show_staff))
        return entries


def entry_json(entry: HistoryEntry, *, show_staff: bool = True) -> dict[str, Any]:
    """An entry as the API writes it (HistoryEntrySerializer): values as JSON text, no reason as null; each change
    with its field's label as people read it (claims.history.field_label)."""
    user = entry.user if show_staff else None
    model = entry.record.instance_type
    return {
        "id": entry.id,
        "date": entry.date,
        "user": None if user is None else {"id": user.pk, "username": user.get_username()},
        "type": entry.type,
        "reason": entry.reason or None,
        "changes": [
            {"field": c.field, "label": field_label(model, c.field), "old": _plain(c.old), "new": _plain(c.new)}
            for c in entry.changes
            if show_staff or c.field not in STAFF_FIELDS
        ],
    }


def claim_history(claim: Claim, *, show_staff: bool = True) -> ClaimHistory:
    return ClaimHistory(claim, show_staff=show_staff)
