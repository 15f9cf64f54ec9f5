"""Audit-trail rows for bulk writes, which bypass the save signals django-simple-history listens to.

record_history() copies the current rows into their historical table with one INSERT … SELECT per batch, so an
import of a million claims is in the history without a Python object per row.
"""

import datetime
import io
import json
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from operator import itemgetter
from typing import Any

from django.db import connection, models
from django.utils import timezone
from psycopg2.extras import execute_batch


def _columns(model) -> list[str]:
    historical = model.history.model
    return [f.column for f in historical._meta.concrete_fields if not f.name.startswith("history_")]


def record_history(model, ids, *, history_type: str, user_id: int | None, reason: str, date) -> None:
    """Write one historical row per id, as the rows are now ('+' created, '~' changed)."""
    ids = list(ids)
    if not ids:
        return
    historical = model.history.model
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in _columns(model))
    extra = ", ".join(quote(c) for c in ("history_date", "history_type", "history_user_id", "history_change_reason"))
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 1000):
            chunk = ids[start : start + 1000]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {quote(historical._meta.db_table)} ({columns}, {extra}) "
                f"SELECT {columns}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} WHERE id IN ({marks})",
                [date, history_type, user_id, reason, *chunk],
            )


def update_rows(
    model: type[models.Model],
    objs: Iterable[models.Model],
    fields: Sequence[str],
    *,
    increment: Sequence[str] = (),
) -> None:
    """Write `fields` of many objects: one parametrised UPDATE per row, sent in pages.

    `increment` names counters the statement itself raises (`version = version + 1`): the value the row holds
    when the UPDATE runs, under its row lock, never a number read earlier that a concurrent write has passed.

    Django's bulk_update builds a CASE expression per field and row, which costs more to compile and to run
    than the rows it writes; this sends plain `UPDATE … WHERE id = %s` statements in batches instead.
    """
    objs = list(objs)
    if not objs:
        return
    concrete = [_concrete_field(model, name) for name in fields]
    quote = connection.ops.quote_name
    sets = [f"{quote(_column(field))} = %s" for field in concrete]
    for name in increment:
        column = quote(_column(_concrete_field(model, name)))
        sets.append(f"{column} = {column} + 1")
    sql = f"UPDATE {quote(model._meta.db_table)} SET {', '.join(sets)} WHERE id = %s"
    params = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in concrete] + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        execute_batch(cursor.cursor, sql, params, page_size=500)


def _concrete_field(model: type[models.Model], name: str) -> "models.Field[Any, Any]":
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is a relation, not a field with a column")
    return field


def _column(field: "models.Field[Any, Any]") -> str:
    if field.column is None:  # only a field not attached to a model has none
        raise TypeError(f"{field!r} has no column")
    return field.column


def insert_rows(model, rows: list[dict]) -> list[dict]:
    """Insert rows given as {field name or attname: value} with COPY (copy_rows); return them completed with their
    defaults, timestamps and `id`. Like bulk_create, without building a model instance per row."""
    if not rows:
        return []
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    fixed, per_row = {}, []
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            fixed[field.attname] = now
        elif field.has_default() and callable(field.default):
            per_row.append(field)
        else:
            fixed[field.attname] = field.get_default()
    names = {field.name: field.attname for field in fields}
    given: set[str] = set()  # the names the rows set: the other fixed values are the same for every row
    for row in rows:
        given.update(row)
    overridden = {names.get(name, name) for name in given}
    constant = {attname for attname in fixed if attname not in overridden}
    completed = []
    for row in rows:
        full = dict(fixed)
        for field in per_row:
            full[field.attname] = field.get_default()
        for name, value in row.items():
            full[names.get(name, name)] = value
        completed.append(full)
    copy_rows(model, fields, completed, constant={attname: fixed[attname] for attname in constant})
    return completed


# --- COPY (PostgreSQL) -------------------------------------------------------------------------------------------
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_NEEDS_ESCAPE = re.compile(r"[\\\t\n\r]")
COPY_NULL = "\\N"


def copy_text(value) -> str:
    """A value in COPY's text format: None as \\N; backslash, tab, newline and carriage return escaped (the
    only characters the format gives a meaning to; after them, no data can read as the NULL marker)."""
    if value is None:
        return COPY_NULL
    if isinstance(value, str):
        return _copy_str(value)
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, datetime.date):  # and datetimes: ISO 8601 with the offset, as PostgreSQL reads it
        return value.isoformat()
    return copy_text(str(value))


def _copy_str(value: str | None) -> str:
    if value is None:
        return COPY_NULL  # the column refuses it, as it would an INSERT's
    return value.translate(_COPY_ESCAPES) if _NEEDS_ESCAPE.search(value) else value


def _copy_number(value) -> str:
    return str(value) if type(value) in _NUMBERS else copy_text(value)  # anything else: checked and escaped


def _copy_date(value) -> str:
    return value.isoformat() if type(value) in _DATES else copy_text(value)


_NUMBERS = frozenset({int, Decimal})
_DATES = frozenset({datetime.date, datetime.datetime})
_NUMBER_FIELDS = (models.IntegerField, models.DecimalField, models.AutoField, models.ForeignKey)


def _copy_formatter(field):
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        return lambda value: COPY_NULL if value is None else copy_text(json.dumps(value, cls=encoder))
    if isinstance(field, (models.CharField, models.TextField)) and not field.null:
        return _copy_str
    if isinstance(field, _NUMBER_FIELDS):
        return _copy_number
    if isinstance(field, models.DateField):  # and DateTimeField
        return _copy_date
    return copy_text


COPIED = "_copy_texts"  # on a row copy_rows() wrote: its values as written, for its history row


def copy_rows(model, fields, rows: list[dict], constant: dict | None = None) -> None:
    """Insert rows with COPY … FROM STDIN (text format), ids taken from the table's sequence beforehand and set
    on the rows. Triggers and constraints apply as to INSERTs. `constant`: {attname: the value every row has}
    (timestamps, defaults), formatted once."""
    table, pk_column = model._meta.db_table, model._meta.pk.column
    quote = connection.ops.quote_name
    constant = constant or {}
    varying = [field for field in fields if field.attname not in constant]
    fixed = [field for field in fields if field.attname in constant]
    formatters = [(field.attname, _copy_formatter(field)) for field in varying]
    constant_texts = {field.attname: _copy_formatter(field)(constant[field.attname]) for field in fixed}
    tail = "".join("\t" + constant_texts[field.attname] for field in fixed) + "\n"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk_column, len(rows)]
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        buffer = io.StringIO()
        write = buffer.write
        for row, pk in zip(rows, ids, strict=True):
            row["id"] = row["pk"] = pk
            texts = [str(pk), *[convert(row[attname]) for attname, convert in formatters]]
            row[COPIED] = (texts, constant_texts)
            write("\t".join(texts))
            write(tail)
        buffer.seek(0)
        columns = ", ".join(quote(column) for column in [pk_column, *(field.column for field in varying + fixed)])
        with connection.wrap_database_errors:  # psycopg2's errors as Django's, as for every other statement
            cursor.cursor.copy_expert(f"COPY {quote(table)} ({columns}) FROM STDIN", buffer)


def record_created_history(model, rows: list[dict], *, user_id: int | None, reason: str, date) -> None:
    """The '+' history rows of rows insert_rows() has just written, copied from the values as COPY wrote them (no
    read of the rows back); rows written otherwise get record_history's INSERT … SELECT."""
    if not rows:
        return
    if COPIED not in rows[0]:
        record_history(model, [row["id"] for row in rows], history_type="+", user_id=user_id, reason=reason, date=date)
        return
    historical = model.history.model
    attname_of = {field.column: field.attname for field in model._meta.concrete_fields}
    columns = [field.column for field in historical._meta.concrete_fields if not field.name.startswith("history_")]
    _texts, constant_texts = rows[0][COPIED]
    # copy_rows wrote [pk, the varying fields in concrete order]; the rest were the same for every row
    varying = [model._meta.pk.attname] + [
        f.attname for f in model._meta.concrete_fields if not f.primary_key and f.attname not in constant_texts
    ]
    position = {attname: index for index, attname in enumerate(varying)}
    from_row = [column for column in columns if attname_of[column] in position]
    from_constants = [column for column in columns if attname_of[column] not in position]
    pick = itemgetter(*[position[attname_of[column]] for column in from_row])
    extra = [constant_texts[attname_of[column]] for column in from_constants]
    extra += [copy_text(value) for value in (date, "+", user_id, reason)]
    tail = "\t" + "\t".join(extra) + "\n"
    buffer = io.StringIO()
    write = buffer.write
    for row in rows:
        write("\t".join(pick(row[COPIED][0])))
        write(tail)
    buffer.seek(0)
    quote = connection.ops.quote_name
    names = from_row + from_constants + ["history_date", "history_type", "history_user_id", "history_change_reason"]
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.cursor.copy_expert(
            f"COPY {quote(historical._meta.db_table)} ({', '.join(quote(c) for c in names)}) FROM STDIN", buffer
        )
