"""Reading the audit trail: a history row (django-simple-history) as an entry — who, when, what changed from what to
what, and why. The claim page in the admin and the API's `/claims/{id}/history/` both show these entries; they differ
only in how they lay them out. (claims.services.trail writes the rows.)

history_entry() is the machine reading (field names, stored values: what the API writes); readable_entries() turns
entries into the words people read on the claim page and the admin's full history: the fields' labels, choices by
their labels, figures as claims.quantities writes them, users, sources and claims by name, dates readable, and each
change said once.
"""

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst

from sources.models import Source

from .choices import RATING_SCALE
from .models import Claim, Evidence
from .quantities import format_quantity

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
    "evidence"), "created" / "changed" / "deleted", the reason given ("" if none) and the changed fields.

    `record` and `previous` are the rows it was read from (for readable_entries; not part of the entry's value)."""

    id: int
    date: dt.datetime
    user: AbstractBaseUser | None
    kind: str
    type: str
    reason: str
    changes: list[FieldChange]
    record: Any = field(default=None, repr=False, compare=False)
    previous: Any = field(default=None, repr=False, compare=False)


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
        record=record,
        previous=previous,
    )


def _is_set(value: object) -> bool:
    """A value a creation set: not empty, not None, not False (a 0 is a value)."""
    return value is not None and value != "" and value is not False


# --- in people's words ------------------------------------------------------------------------------------------


class ShownChange(NamedTuple):
    """One change as people read it: the field's label and its values in words ("" for none)."""

    label: str
    old: str
    new: str


@dataclass
class ShownEntry:
    """An entry as the claim page and the admin's full history show it: `what` ("Claim changed"), `who` (a user
    name, "system"), the changes in words and the note (the reason, less what the changes already say)."""

    id: int
    date: dt.datetime
    who: str
    what: str
    type: str
    changes: list[ShownChange]
    note: str


WHATS = {"created": "created", "changed": "changed", "deleted": "deleted"}
# The amounts of each kind of row, and where their unit is: a claim's own, a piece of evidence's claim's.
AMOUNT_FIELDS: dict[type[models.Model], frozenset[str]] = {
    Claim: frozenset({"value", "lower_bound", "upper_bound"}),
    Evidence: frozenset({"source_value"}),
}
DATETIME_FORMAT = "j M Y, H:i"
DATE_FORMAT = "j M Y"


def readable_entries(entries: Sequence[HistoryEntry]) -> list[ShownEntry]:
    """The entries in people's words; the users, sources and claims they name are read in one query per kind."""
    names = _related_names(entries)
    claim_units = names.pop("claim units", {})
    return [_shown(entry, names, claim_units) for entry in entries]


def _model(entry: HistoryEntry) -> type[models.Model]:
    model: type[models.Model] = entry.record.instance_type
    return model


def _related_names(entries: Sequence[HistoryEntry]) -> dict[Any, dict[Any, str]]:
    """{related model: {pk: name}} for every row the entries' changes point at, and {"claim units": {claim id: unit}}
    for the claims of evidence (whose source value is in the claim's unit)."""
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for entry in entries:
        model = _model(entry)
        for change in entry.changes:
            related = _related_model(model, change.field)
            if related is not None:
                wanted[related].update(value for value in (change.old, change.new) if value is not None)
        if model is Evidence:
            wanted[Claim].add(entry.record.claim_id)
    names: dict[Any, dict[Any, str]] = {}
    user_model = get_user_model()
    for related, ids in wanted.items():
        ids.discard(None)
        if not ids:
            continue
        if related is user_model:
            field_name = user_model.USERNAME_FIELD
            names[related] = {
                pk: str(name)
                for pk, name in user_model._default_manager.filter(pk__in=ids).values_list("pk", field_name)
            }
        elif related is Claim:
            rows = Claim.objects.filter(pk__in=ids).values_list("pk", "subject", "unit")
            names[Claim], names["claim units"] = {}, {}
            for pk, subject, unit in rows:
                names[Claim][pk], names["claim units"][pk] = subject, unit
        elif related is Source:
            sources = Source.objects.filter(pk__in=ids).select_related("publisher").defer("text")
            names[related] = {source.pk: str(source) for source in sources}
        else:
            names[related] = {row.pk: str(row) for row in related._default_manager.filter(pk__in=ids)}
    return names


def _related_model(model: type[models.Model], name: str) -> Any:
    model_field = _field(model, name)
    return model_field.related_model if model_field is not None and model_field.many_to_one else None


def _shown(entry: HistoryEntry, names: dict[Any, dict[Any, str]], claim_units: dict[Any, str]) -> ShownEntry:
    model = _model(entry)
    record, previous = entry.record, entry.previous
    if model is Claim:
        units = (getattr(previous, "unit", "") if previous is not None else record.unit, record.unit)
    else:
        unit = claim_units.get(getattr(record, "claim_id", None), "")
        units = (unit, unit)
    changes = [
        (
            change.field,
            ShownChange(
                field_label(model, change.field),
                _text(model, change.field, change.old, units[0], names),
                _text(model, change.field, change.new, units[1], names),
            ),
        )
        for change in entry.changes
    ]
    note, shown = _note(entry.reason, model, changes)
    user = entry.user
    return ShownEntry(
        id=entry.id,
        date=entry.date,
        who=user.get_username() if user is not None else "system",
        what=f"{capfirst(entry.kind)} {WHATS.get(entry.type, entry.type)}",
        type=entry.type,
        changes=shown,
        note=note,
    )


def _field(model: type[models.Model], name: str) -> "models.Field[Any, Any] | None":
    """The model's field of that name; None for one since removed (its rows keep the stored value)."""
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return model_field if isinstance(model_field, models.Field) else None


def field_label(model: type[models.Model], name: str) -> str:
    """The field's name as people read it, as the admin writes it: its verbose name, capitalised ("Rating value")."""
    model_field = _field(model, name)
    return str(capfirst(model_field.verbose_name if model_field is not None else name.replace("_", " ")))


def _text(model: type[models.Model], name: str, value: Any, unit: str, names: dict[Any, dict[Any, str]]) -> str:
    """A stored value in words: "" for none, a choice by its label, a figure by claims.quantities, a related row by
    its name, a date as people write it, a rating with its word."""
    if value is None or value == "":
        return ""
    model_field = _field(model, name)
    if model_field is None:
        return str(value)
    related = _related_model(model, name)
    if related is not None:
        return names.get(related, {}).get(value) or f"#{value} (since deleted)"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if name in AMOUNT_FIELDS.get(model, ()) and isinstance(value, Decimal):
        return format_quantity(value, unit)
    if model is Claim and name == "rating_value" and value in RATING_SCALE:
        return f"{value} ({RATING_SCALE[value]})"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, DATETIME_FORMAT)
    if isinstance(value, dt.date):
        return date_format(value, DATE_FORMAT)
    return str(value)


_FIELD_LIST = re.compile(r"^(?P<head>.+?): (?P<names>[a-z_]+(?:, [a-z_]+)*)$")
# What a change reason may name besides the fields: the period as one, an appearance's quote placement.
REASON_NAMES = frozenset({"period"})


def _note(
    reason: str, model: type[models.Model], changes: list[tuple[str, ShownChange]]
) -> tuple[str, list[ShownChange]]:
    """The reason as the entry's note, with each thing said once: a status move the reason begins with ("In review →
    Verified: …") is the status change's; a text the reason carries (the verdict's note, a withdrawal's reason) stays
    in the note and its field change goes; a list of the changed fields' names ("edited through the admin: subject,
    value") is the changes themselves; a reason that only names the one change's new value ("assigned to checker")
    goes."""
    note = reason.strip()
    for _name, change in changes:
        move = f"{change.old} → {change.new}"
        if change.old and change.new and note.startswith(move):
            note = note[len(move) :].lstrip(" :")
    kept = [
        change
        for name, change in changes
        if not (
            name in _free_text_fields(model) and change.new and (note == change.new or note.endswith(f": {change.new}"))
        )
    ]
    if len(kept) == 1 and kept[0].new and note.lower().endswith(f" {kept[0].new.lower()}"):
        note = ""  # "assigned to checker" beside "Assignee: — → checker"
    match = _FIELD_LIST.match(note)
    if match and kept and set(match["names"].split(", ")) <= _field_names(model) | REASON_NAMES:
        note = match["head"]
    return str(capfirst(note)), kept


def _field_names(model: type[models.Model]) -> set[str]:
    return {f.name for f in model._meta.concrete_fields}


def _free_text_fields(model: type[models.Model]) -> set[str]:
    """The fields holding what someone wrote in words (the verdict's note, a withdrawal's reason)."""
    return {f.name for f in model._meta.concrete_fields if isinstance(f, models.TextField)}
