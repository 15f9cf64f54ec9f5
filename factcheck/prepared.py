"""Server-side prepared statements for the few queries every page runs with the same text (a page's rows by id).

PostgreSQL parses, analyses and plans a statement each time it receives its text; for a lookup of fifty rows by
primary key that is most of the query's cost (0.35–0.45 ms of 0.7–0.85 ms per query at 100,000 claims). A
statement prepared once per database connection (`PREPARE`) runs with `EXECUTE` and skips all three; connections
are kept between requests (DB_CONN_MAX_AGE), so a worker prepares each statement once.

A prepared statement belongs to its server session: the registry of what is prepared is kept per psycopg2
connection, so a new connection (Django reconnects after an error or DB_CONN_MAX_AGE) prepares again. A plan whose
result columns changed under it (a migration altered a column's type while the worker ran) is prepared afresh under
a new name. Behind a pooler that shares server sessions between clients (PgBouncer in transaction mode), turn them
off with DB_PREPARED_STATEMENTS=0: the same SQL then goes as plain text.

This module belongs to the framework layer: it imports no app.
"""

import itertools
import re
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import NotSupportedError

_REGISTRY = "_prepared_statements"  # on the DatabaseWrapper: (raw connection, {statement name: server name})
_generation = itertools.count(1)


def execute_prepared(
    connection: BaseDatabaseWrapper, cursor: Any, name: str, sql: str, types: Sequence[str], params: Sequence[Any]
) -> None:
    """Run `sql` (psycopg2 style: one `%s` per parameter, `%%` for a percent sign) with `params` on `cursor`, as a
    statement prepared on its connection under `name` with parameter `types` (PostgreSQL type names).

    `cursor` is a cursor of `connection` (opening it connected it); `name` is a plain identifier owned by the caller.
    """
    if not getattr(settings, "DB_PREPARED_STATEMENTS", True):
        cursor.execute(sql, params)
        return
    raw = connection.connection
    registry = getattr(connection, _REGISTRY, None)
    if registry is None or registry[0] is not raw:
        registry = (raw, {})
        setattr(connection, _REGISTRY, registry)
    prepared: dict[str, str] = registry[1]
    arguments = ", ".join(["%s"] * len(params))
    server_name = prepared.get(name)
    if server_name is None:
        server_name = _prepare(cursor, name, sql, types)
        prepared[name] = server_name
    try:
        cursor.execute(f"EXECUTE {server_name}({arguments})", params)
    except NotSupportedError:
        # "cached plan must not change result type": the table changed under the statement. Outside a transaction
        # prepare it again now and retry; inside one (now aborted) the next use prepares it again.
        prepared.pop(name, None)
        if connection.in_atomic_block:
            raise
        server_name = prepared[name] = _prepare(cursor, name, sql, types)
        cursor.execute(f"EXECUTE {server_name}({arguments})", params)


_TOKEN = re.compile(r"%%|%s")


def _prepare(cursor: Any, name: str, sql: str, types: Sequence[str]) -> str:
    """PREPARE `sql` under a new server-side name, its `%s` numbered $1, $2… and `%%` read as a percent sign."""
    server_name = f"{name}_{next(_generation)}"
    numbers = itertools.count(1)
    text = _TOKEN.sub(lambda match: "%" if match.group() == "%%" else f"${next(numbers)}", sql)
    if next(numbers) != len(types) + 1:
        raise ValueError(f"{name}: the SQL's placeholders and the {len(types)} parameter types differ in number")
    cursor.execute(f"PREPARE {server_name} ({', '.join(types)}) AS {text}")  # no parameters: psycopg2 leaves % alone
    return server_name
