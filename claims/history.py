"""Reading the audit trail: a history row (django-simple-history) as an entry — who, when, what changed from what to
what, and why. The claim page in the admin and the API's `/claims/{id}/history/` both show these entries; they differ
only in how they lay them out. (claims.services.trail writes the rows.)
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.contrib.auth.models import AbstractBaseUser

CHANGE_TYPES = {"+": "created", "~": "changed", "-": "deleted"}
# Fields not shown as changes: bookkeeping every save touches.
HIDDEN_FIELDS = frozenset({"id", "version", "created_at", "updated_at"})


class FieldChange(NamedTuple):
    """One field's change: a relation is named without its "_id" and holds the related row's id."""

    field: str
    old: Any
    new: Any


@dataclass
class HistoryEntry:
    """One history row: its id and time, the user (None: the system), the kind of object ("claim", "appearance",
    "evidence"), "created" / "changed" / "deleted", the reason given ("" if none) and the changed fields."""

    id: int
    date: dt.datetime
    user: AbstractBaseUser | None
    kind: str
    type: str
    reason: str
    changes: list[FieldChange]


def history_entry(record: Any, previous: Any | None) -> HistoryEntry:
    """The entry of a history row. `previous` is the same object's row before it (None for its first): a change is
    told against it; a creation lists the fields it set."""
    changes: list[FieldChange] = []
    if record.history_type == "~" and previous is not None:
        delta = record.diff_against(previous)
        changes = [FieldChange(c.field, c.old, c.new) for c in delta.changes if c.field not in HIDDEN_FIELDS]
    elif record.history_type == "+":
        changes = [
            FieldChange(field.name if field.is_relation else field.attname, None, getattr(record, field.attname))
            for field in record.instance_type._meta.concrete_fields
            if field.attname not in HIDDEN_FIELDS and _is_set(getattr(record, field.attname, None))
        ]
    return HistoryEntry(
        id=record.history_id,
        date=record.history_date,
        user=record.history_user,
        kind=str(record.instance_type._meta.verbose_name),
        type=CHANGE_TYPES.get(record.history_type, record.history_type),
        reason=record.history_change_reason or "",
        changes=changes,
    )


def _is_set(value: object) -> bool:
    """A value a creation set: not empty, not None, not False (a 0 is a value)."""
    return value is not None and value != "" and value is not False
