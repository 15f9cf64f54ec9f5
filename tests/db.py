"""Helpers for tests that watch the database from outside the test's own connection."""

from typing import Any

import psycopg2
from django.db import connection


def connect_to_test_database() -> Any:
    """A psycopg2 connection of its own to the test database (another process's view: it sees only commits), with
    the test connection's own parameters, so that a Unix socket (the embedded server's) works as well as TCP."""
    return psycopg2.connect(**connection.get_connection_params())
