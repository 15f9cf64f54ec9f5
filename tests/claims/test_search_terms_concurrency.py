"""The refresh of the held words against writers committing for real (transaction=True): a word dropped or cut while a
writer's transaction holds documents for it waits for that writer, so the writer's held matches and counts never
name a term that is gone, and the count stays exact."""

import threading
import time

import pytest
from django.db import connections, transaction

from claims.models import Claim, SearchTerm
from claims.search_terms import refresh_search_terms
from claims.selectors import held_search
from tests.db import connect_to_test_database
from tests.factories import ClaimFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("migration_data_back"),
]
DEADLINE = 60


def _in_thread(job, errors: list) -> threading.Thread:
    def run():
        try:
            job()
        except BaseException as exc:  # noqa: BLE001 - reported by the test's thread
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _waiting_for_lock() -> bool:
    """Whether some session of the test database waits for a lock (the refresh behind the writer)."""
    conn = connect_to_test_database()
    try:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            return cursor.fetchone()[0] > 0
    finally:
        conn.close()


@pytest.mark.parametrize("then", ["dropped", "cut again"])
def test_a_refresh_waits_for_a_writer_of_the_word(then):
    for n in range(12):
        ClaimFactory(subject=f"Grain trade figure {n}")
    refresh_search_terms(held=3, min_matches=5)
    assert SearchTerm.objects.filter(lexeme="grain").exists()
    written, release, errors = threading.Event(), threading.Event(), []

    def writer():
        with transaction.atomic():
            # Two documents rewritten: one gains a second 'grain' (held above the cut), one loses the word.
            first, second = Claim.objects.order_by("pk")[:2]
            Claim.objects.filter(pk=first.pk).update(subject="Grain, grain trade")
            Claim.objects.filter(pk=second.pk).update(subject="Oil trade")
            written.set()
            assert release.wait(DEADLINE)

    writing = _in_thread(writer, errors)
    assert written.wait(DEADLINE)
    min_matches = 10_000 if then == "dropped" else 5
    refreshing = _in_thread(lambda: refresh_search_terms(held=3, min_matches=min_matches), errors)
    deadline = time.monotonic() + DEADLINE
    while not _waiting_for_lock():  # the refresh waits for the writer's documents
        assert time.monotonic() < deadline and refreshing.is_alive(), errors
        time.sleep(0.05)
    release.set()
    writing.join(DEADLINE)
    refreshing.join(DEADLINE)
    assert errors == []
    held = held_search(text="grain", reads_all=True)
    if then == "dropped":
        assert held is None and not SearchTerm.objects.exists()
    else:
        assert held is not None and held.count == Claim.objects.filter(subject__icontains="grain").count() == 11
        assert held.page(0, 1) == [Claim.objects.get(subject="Grain, grain trade").pk]
