"""Imports and API edits of the same claims at the same time: every change takes its own version, none is lost.

Each test holds a claim's row with a second connection (`SELECT … FOR UPDATE`), starts the writers in threads,
waits until PostgreSQL shows them queued behind that lock, then lets them go: the interleaving the issue
reproduced by hand in psql, made deterministic. The tests commit for real (transaction=True): the threads'
connections must see each other's rows.
"""

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.db import connections
from knox.models import AuthToken
from rest_framework.test import APIClient

from claims.importers import import_files
from claims.importers.engine import ImportResult
from claims.models import Claim
from tests.db import connect_to_test_database

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("migration_data_back"),
]
URL = "/api/v1/claims/"
QUEUE_DEADLINE_SECONDS = 60  # how long to wait for a writer to reach the lock before calling the test broken


def claim_record(n: int, value: int) -> dict[str, str]:
    return {"key": f"c-{n}", "subject": f"Trade {n}", "claim_type": "current_value", "value": str(value),
            "unit": "USD", "period": "2024"}  # fmt: skip


def import_file(tmp_path: Path, name: str, claims: list[dict[str, str]]) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"claims": claims}), encoding="utf-8")
    return path


@contextmanager
def row_locked(claim_id: int) -> Iterator[None]:
    """Hold the claim's row lock in a transaction of another connection until the block ends."""
    holder = connect_to_test_database()
    try:
        with holder.cursor() as cursor:  # psycopg2 opens the transaction with the first statement
            cursor.execute("SELECT id FROM claims_claim WHERE id = %s FOR UPDATE", [claim_id])
        yield
        holder.commit()
    finally:
        holder.close()


def wait_until_queued(count: int) -> None:
    """Return once `count` connections to the test database are waiting for a lock."""
    watcher = connect_to_test_database()
    watcher.autocommit = True
    try:
        with watcher.cursor() as cursor:
            for _attempt in range(QUEUE_DEADLINE_SECONDS * 10):
                cursor.execute("SELECT pg_sleep(0.1)")
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
                if cursor.fetchone()[0] >= count:
                    return
    finally:
        watcher.close()
    raise AssertionError(f"{count} writer(s) never queued behind the held row lock")


class Worker(threading.Thread):
    """Runs `job` in a thread with its own database connection; keeps its result or exception."""

    def __init__(self, job: Callable[[], Any]):
        super().__init__(daemon=True)
        self.job = job
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.job()
        except BaseException as exc:  # noqa: BLE001 - re-raised by outcome() in the test's thread
            self.error = exc
        finally:
            connections.close_all()

    def outcome(self) -> Any:
        self.join(QUEUE_DEADLINE_SECONDS)
        assert not self.is_alive(), "the writer never finished"
        if self.error is not None:
            raise self.error
        return self.result


def checker_client(fact_checker: AbstractUser) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=fact_checker)[1]}")
    return client


def content(claim: Claim) -> tuple[str, Decimal | None]:
    return (claim.subject, claim.value)


def test_an_api_edit_and_an_import_queued_on_one_claim_each_take_their_own_version(
    tmp_path: Path, fact_checker: AbstractUser
) -> None:
    assert import_files([import_file(tmp_path, "first.json", [claim_record(1, 101)])]).ok
    claim = Claim.objects.get(key="c-1")
    client = checker_client(fact_checker)
    read = client.get(f"{URL}{claim.id}/")
    assert read["ETag"] == 'W/"1"'
    seen = [(claim.version, content(claim))]
    changed_file = import_file(tmp_path, "changed.json", [claim_record(1, 555)])

    with row_locked(claim.id):
        api = Worker(
            lambda: client.patch(
                f"{URL}{claim.id}/", {"subject": "Edited through the API"}, format="json", HTTP_IF_MATCH=read["ETag"]
            )
        )
        api.start()
        wait_until_queued(1)
        importing = Worker(lambda: import_files([changed_file]))
        importing.start()
        wait_until_queued(2)
    response = api.outcome()
    result: ImportResult = importing.outcome()

    assert response.status_code == 200, response.content
    edited = response.json()
    assert response["ETag"] == 'W/"2"' and edited["subject"] == "Edited through the API"
    seen.append((2, (edited["subject"], Decimal(edited["quantity"]["value"]))))
    assert result.ok, [str(problem) for problem in result.errors]
    assert result.counts["claim"]["updated"] == 1
    final = Claim.objects.get(pk=claim.pk)
    seen.append((final.version, content(final)))
    # The import read the claim under the lock, after the API's edit, and compared its record with that: the
    # record states the subject too, so the file's content is what stands (a stale read saw no subject change).
    assert content(final) == ("Trade 1", Decimal("555"))
    versions = [version for version, _content in seen]
    assert versions == [1, 2, 3]  # strictly rising, one per change
    assert len({state for _version, state in seen}) == len(seen)  # each content has its own version
    entries = list(final.history.order_by("history_id").values_list("history_type", "subject", "value"))
    assert entries == [
        ("+", "Trade 1", Decimal("101")),
        ("~", "Edited through the API", Decimal("101")),
        ("~", "Trade 1", Decimal("555")),
    ]

    for stale in (read["ETag"], response["ETag"]):  # neither tag names content the database still holds
        refused = client.patch(f"{URL}{claim.id}/", {"subject": "Blind edit"}, format="json", HTTP_IF_MATCH=stale)
        assert refused.status_code == 412, refused.content
    assert (Claim.objects.get(pk=claim.pk).subject, Claim.objects.get(pk=claim.pk).version) == ("Trade 1", 3)


def test_two_imports_of_the_same_claims_at_once_each_raise_every_version(tmp_path: Path) -> None:
    n = 200
    assert import_files([import_file(tmp_path, "first.json", [claim_record(i, 100 + i) for i in range(n)])]).ok
    first = Claim.objects.get(key="c-0")
    file_a = import_file(tmp_path, "a.json", [claim_record(i, 1000 + i) for i in range(n)])
    file_b = import_file(tmp_path, "b.json", [claim_record(i, 2000 + i) for i in range(n)])

    with row_locked(first.id):
        import_a = Worker(lambda: import_files([file_a]))
        import_a.start()
        wait_until_queued(1)
        import_b = Worker(lambda: import_files([file_b]))
        import_b.start()
        wait_until_queued(2)
    results = [import_a.outcome(), import_b.outcome()]

    for result in results:
        assert result.ok, [str(problem) for problem in result.errors]
        assert result.counts["claim"]["updated"] == n
    assert set(Claim.objects.values_list("version", flat=True)) == {3}
    # The second import waited for the first and read its values: b's figures are the last ones written.
    assert sorted(Claim.objects.values_list("value", flat=True)) == [Decimal(2000 + i) for i in range(n)]
    assert Claim.history.filter(history_type="~").count() == 2 * n
