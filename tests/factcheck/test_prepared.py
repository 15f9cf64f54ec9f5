"""Prepared statements (factcheck.prepared): prepared once per connection, the same rows as the plain SQL, a new
connection prepares again, a table changed under a statement is prepared afresh, and the setting turns them off."""

import pytest
from django.db import connection, transaction
from django.db.utils import NotSupportedError
from django.test.utils import CaptureQueriesContext

from factcheck.prepared import execute_prepared

SQL = "SELECT n, '100%%' AS share FROM generate_series(1, 5) AS n WHERE n = ANY(%s) ORDER BY n"


def run(name: str = "probe_rows", sql: str = SQL, ids=(2, 4)) -> list[tuple]:
    with connection.cursor() as cursor:
        execute_prepared(connection, cursor, name, sql, ["integer[]"], [list(ids)])
        return cursor.fetchall()


def statements(captured) -> list[str]:
    return [query["sql"].split()[0].upper() for query in captured.captured_queries]


@pytest.mark.django_db
def test_prepared_once_per_connection_with_the_plain_sqls_rows():
    with connection.cursor() as cursor:
        cursor.execute(SQL, [[2, 4]])
        plain = cursor.fetchall()
    with CaptureQueriesContext(connection) as first:
        assert run() == plain == [(2, "100%"), (4, "100%")]
    with CaptureQueriesContext(connection) as second:
        assert run(ids=(5,)) == [(5, "100%")]
    assert statements(first) == ["PREPARE", "EXECUTE"]
    assert statements(second) == ["EXECUTE"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_new_connection_prepares_again():
    assert run() == [(2, "100%"), (4, "100%")]
    connection.close()
    with CaptureQueriesContext(connection) as again:
        assert run() == [(2, "100%"), (4, "100%")]
    assert statements(again) == ["PREPARE", "EXECUTE"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_table_changed_under_the_statement_is_prepared_afresh():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE prepared_probe (id integer, label varchar(10))")
        cursor.execute("INSERT INTO prepared_probe VALUES (1, 'one'), (2, 'two')")
    sql = "SELECT label FROM prepared_probe WHERE id = ANY(%s)"
    try:
        assert run("probe_labels", sql, ids=(1,)) == [("one",)]
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE prepared_probe ALTER COLUMN label TYPE text")
        assert run("probe_labels", sql, ids=(2,)) == [("two",)]  # outside a transaction: retried at once
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE prepared_probe ALTER COLUMN label TYPE integer USING length(label)")
        with pytest.raises(NotSupportedError), transaction.atomic():
            run("probe_labels", sql, ids=(2,))  # inside one the error stands (the transaction is aborted) ...
        assert run("probe_labels", sql, ids=(1,)) == [(3,)]  # ... and the next use prepares it again
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE prepared_probe")


@pytest.mark.django_db
def test_turned_off_the_sql_goes_as_plain_text(settings):
    settings.DB_PREPARED_STATEMENTS = False
    with CaptureQueriesContext(connection) as captured:
        assert run("probe_plain") == [(2, "100%"), (4, "100%")]
    assert statements(captured) == ["SELECT"]
