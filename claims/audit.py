"""Audit-trail rows for bulk writes, which bypass the save signals django-simple-history listens to.

record_history() copies the current rows into their historical table with one INSERT … SELECT per batch, so an
import of a million claims is in the history without a Python object per row.
"""

from django.db import connection


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


def update_rows(model, objs, fields) -> None:
    """Write `fields` of many objects: one parametrised UPDATE per row, sent in pages.

    Django's bulk_update builds a CASE expression per field and row, which costs more to compile and to run
    than the rows it writes; this sends plain `UPDATE … WHERE id = %s` statements in batches instead.
    """
    objs = list(objs)
    if not objs:
        return
    concrete = [model._meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(field.column)} = %s" for field in concrete)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {sets} WHERE id = %s"
    params = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in concrete] + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_batch

            execute_batch(cursor.cursor, sql, params, page_size=500)
        else:
            cursor.executemany(sql, params)


def insert_rows(model, objs) -> None:
    """Insert unsaved model objects in multi-row INSERTs and set their ids, like bulk_create without its
    per-object bookkeeping (the importer inserts millions of rows; each saved microsecond counts)."""
    objs = list(objs)
    if not objs:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objs:
                if getattr(obj, field.attname) is None:
                    field.pre_save(obj, add=True)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    table = quote(model._meta.db_table)
    rows = [[field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields] for obj in objs]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 1000):
            chunk = rows[start : start + 1000]
            values = ", ".join([f"({', '.join(['%s'] * len(fields))})"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {values} RETURNING id",
                [value for row in chunk for value in row],
            )
            ids = [row[0] for row in cursor.fetchall()]
            for obj, pk in zip(objs[start : start + 1000], ids, strict=True):
                obj.pk = pk
                obj._state.adding = False
