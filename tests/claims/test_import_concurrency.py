"""Imports and API edits of the same claims at the same time: every change takes its own version, none is lost.

Each test holds a claim's row with a second connection (`SELECT … FOR UPDATE`), starts the writers in threads,
waits until PostgreSQL shows them queued behind that lock, then lets them go: the interleaving the issue
reproduced by hand in psql, made deterministic. The tests commit for real (transaction=True): the threads'
connections must see each other's rows.
"""

import io
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg2.errors
import pytest
from django.contrib.auth.models import AbstractUser
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError, connections
from knox.models import AuthToken
from rest_framework.test import APIClient

from claims.importers import engine, import_files, writers
from claims.importers.engine import ImportResult
from claims.models import Claim
from sources.models import Source
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
def row_locked(row_id: int, table: str = "claims_claim") -> Iterator[None]:
    """Hold the row's lock (a claim's by default) in a transaction of another connection until the block ends."""
    holder = connect_to_test_database()
    try:
        with holder.cursor() as cursor:  # psycopg2 opens the transaction with the first statement
            cursor.execute(f"SELECT id FROM {table} WHERE id = %s FOR UPDATE", [row_id])
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


def counting_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that gets one entry per run of an import (its first, and each rerun after a deadlock)."""
    runs: list[int] = []
    run = engine.Importer.run

    def counted(importer: engine.Importer, paths: list[Path], **options: Any) -> ImportResult:
        runs.append(1)
        return run(importer, paths, **options)

    monkeypatch.setattr(engine.Importer, "run", counted)
    monkeypatch.setattr(engine.time, "sleep", lambda seconds: None)
    return runs


def test_two_imports_of_the_same_claims_in_opposite_orders_both_finish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    n = 70  # ten batches of 7 each way: the imports lock from either end and meet in the middle
    assert import_files([import_file(tmp_path, "first.json", [claim_record(i, 100 + i) for i in range(n)])]).ok
    first, last = Claim.objects.get(key="c-0"), Claim.objects.get(key=f"c-{n - 1}")
    up = import_file(tmp_path, "up.json", [claim_record(i, 1000 + i) for i in range(n)])
    down = import_file(tmp_path, "down.json", [claim_record(i, 2000 + i) for i in reversed(range(n))])
    runs = counting_runs(monkeypatch)

    # Both wait at their first claim, `down` holding its first batch's other six: neither can finish without the
    # other's rows, so the database stops one of them, which runs again once the other has committed.
    with row_locked(first.id), row_locked(last.id):
        import_up = Worker(lambda: import_files([up]))
        import_up.start()
        import_down = Worker(lambda: import_files([down]))
        import_down.start()
        wait_until_queued(2)
    results = [import_up.outcome(), import_down.outcome()]

    for result in results:
        assert result.ok, [str(problem) for problem in result.errors]
        assert result.counts["claim"]["updated"] == n
    assert len(runs) == 3  # one deadlock, one rerun
    values = sorted(Claim.objects.values_list("value", flat=True))
    assert values in ([Decimal(1000 + i) for i in range(n)], [Decimal(2000 + i) for i in range(n)])  # the rerun's
    assert set(Claim.objects.values_list("version", flat=True)) == {3}
    assert Claim.history.filter(history_type="~").count() == 2 * n  # the stopped run's rows rolled back with it


def test_two_imports_of_the_same_sources_in_opposite_orders_take_turns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def sources_file(name: str, order: range | Iterator[int], title: str) -> Path:
        path = tmp_path / name
        records = [{"key": f"s-{i}", "title": f"{title} {i}", "publisher": "P"} for i in order]
        path.write_text(json.dumps({"publishers": [{"name": "P"}], "sources": records}), encoding="utf-8")
        return path

    n = 6  # one batch: its rows are locked, then updated, in id order whatever the file's order
    assert import_files([sources_file("first.json", range(n), "First")]).ok
    up, down = sources_file("up.json", range(n), "Up"), sources_file("down.json", reversed(range(n)), "Down")
    first = Source.objects.get(key="s-0")
    runs = counting_runs(monkeypatch)

    with row_locked(first.id, "sources_source"):
        import_up = Worker(lambda: import_files([up]))
        import_up.start()
        wait_until_queued(1)
        import_down = Worker(lambda: import_files([down]))
        import_down.start()
        wait_until_queued(2)  # both at s-0; in the file's order, `down` would hold s-5 … s-1 here
    results = [import_up.outcome(), import_down.outcome()]

    for result in results:
        assert result.ok, [str(problem) for problem in result.errors]
        assert result.counts["source"]["updated"] == n
    assert len(runs) == 2  # no deadlock, no rerun
    assert sorted(Source.objects.values_list("title", flat=True)) == [f"Down {i}" for i in range(n)]


def deadlocked(times: int, wrapped: bool = False) -> Callable[..., None]:
    """A batch writer that raises the error PostgreSQL gives a deadlock's victim, the first `times` times."""
    calls: list[int] = []
    write_claims = engine.WRITERS["claim"]

    def write(importer: engine.Importer, batch: list[engine.Pending]) -> None:
        calls.append(1)
        if len(calls) <= times:
            error = psycopg2.errors.DeadlockDetected("deadlock detected\nDETAIL: Process 1 waits for ShareLock")
            if wrapped:  # as Django's cursor raises it
                raise OperationalError(str(error)) from error
            raise error
        write_claims(importer, batch)

    return write


@pytest.mark.parametrize("wrapped", [False, True])
def test_a_deadlock_reruns_the_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, wrapped: bool) -> None:
    runs = counting_runs(monkeypatch)
    monkeypatch.setitem(engine.WRITERS, "claim", deadlocked(1, wrapped))
    result = import_files([import_file(tmp_path, "a.json", [claim_record(i, 100 + i) for i in range(10)])])
    assert result.ok, [str(problem) for problem in result.errors]
    assert len(runs) == 2 and result.counts["claim"]["created"] == 10
    assert Claim.objects.count() == 10 and Claim.history.count() == 10


def test_an_import_the_database_keeps_stopping_says_so_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = counting_runs(monkeypatch)
    monkeypatch.setitem(engine.WRITERS, "claim", deadlocked(engine.WRITE_ATTEMPTS))
    path = import_file(tmp_path, "a.json", [claim_record(i, 100 + i) for i in range(10)])
    result = import_files([path])
    assert [str(problem) for problem in result.errors] == [f"{path}: {engine.CONCURRENT_WRITE}"]
    assert "another import was writing the same records" in engine.CONCURRENT_WRITE
    assert "nothing was written, try again" in engine.CONCURRENT_WRITE
    assert len(runs) == engine.WRITE_ATTEMPTS and not Claim.objects.exists()


def test_the_command_reports_a_deadlock_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    counting_runs(monkeypatch)
    # outside the batch writers too: the version bump after a flush
    bump = writers.bump_claims

    def bump_deadlocked(importer: engine.Importer) -> None:
        raise psycopg2.errors.DeadlockDetected("deadlock detected")

    monkeypatch.setattr(engine.writers, "bump_claims", bump_deadlocked)
    path = import_file(tmp_path, "a.json", [claim_record(1, 101)])
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_claims", str(path), stdout=io.StringIO())
    assert f"{path}: another import was writing the same records" in capsys.readouterr().err
    monkeypatch.setattr(engine.writers, "bump_claims", bump)
    assert not Claim.objects.exists()
