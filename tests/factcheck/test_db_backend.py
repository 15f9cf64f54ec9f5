"""factcheck.db: a kept connection's health check reads its socket; it asks the server only when something waits."""

import time

import pytest
from django.db import connection, connections
from django.db.backends.postgresql.base import DatabaseWrapper as DjangoWrapper

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_connection():
    """A second connection to the test database, apart from the test's transaction."""
    other = connections.create_connection("default")
    other.ensure_connection()
    yield other
    other.close()


@pytest.fixture
def server_checks(monkeypatch):
    """The times Django's own check (SELECT 1 on the server) ran."""
    calls = []
    original = DjangoWrapper.is_usable

    def counted(self):
        calls.append(self)
        return original(self)

    monkeypatch.setattr(DjangoWrapper, "is_usable", counted)
    return calls


def test_the_project_backend_is_used():
    assert connection.vendor == "postgresql"
    assert type(connections["default"]).__module__ == "factcheck.db.base"


def test_an_idle_connection_is_usable_without_a_round_trip(own_connection, server_checks):
    assert own_connection.is_usable()
    assert server_checks == []


def test_a_connection_the_server_ended_is_not_usable(own_connection, server_checks):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [own_connection.connection.get_backend_pid()])
        assert cursor.fetchone() == (True,)
    deadline = time.monotonic() + 5
    while own_connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.05)  # the server ends the session a moment after the call returns
    assert not own_connection.is_usable()
    assert server_checks  # the message waiting on the socket sent the check to the server, which failed


def test_a_connection_in_a_transaction_is_checked_by_the_server(own_connection, server_checks):
    own_connection.set_autocommit(False)
    with own_connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert own_connection.is_usable()
    assert server_checks == [own_connection]
    own_connection.rollback()
    own_connection.set_autocommit(True)


def test_the_health_check_reconnects_after_the_server_ended_the_session(own_connection):
    own_connection.health_check_enabled, own_connection.health_check_done = True, False
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [own_connection.connection.get_backend_pid()])
    deadline = time.monotonic() + 5
    while own_connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.05)
    with own_connection.cursor() as cursor:  # Django's check before the first query of a request
        cursor.execute("SELECT 42")
        assert cursor.fetchone() == (42,)
