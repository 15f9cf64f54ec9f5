"""factcheck.page_cache.snapshot_memo: a shared part of a page, kept under the database's snapshot."""

import pytest
from django.test import override_settings

from factcheck.page_cache import snapshot_memo
from sources.models import Publisher

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "snapshot-memo"}}


def counting(calls: list[int]):
    def compute() -> list[str]:
        calls.append(1)
        return sorted(Publisher.objects.values_list("name", flat=True))

    return compute


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(CACHES=LOCMEM)
def test_kept_until_a_write_is_committed_then_computed_again():
    calls: list[int] = []
    assert snapshot_memo("names", counting(calls)) == []
    assert snapshot_memo("names", counting(calls)) == []
    assert len(calls) == 1
    Publisher.objects.create(name="Daily Courier")  # committed at once (autocommit)
    assert snapshot_memo("names", counting(calls)) == ["Daily Courier"]
    assert len(calls) == 2


@pytest.mark.django_db
@override_settings(CACHES=LOCMEM)
def test_computed_every_time_inside_a_transaction():
    calls: list[int] = []
    snapshot_memo("names", counting(calls))
    Publisher.objects.create(name="Daily Courier")  # not committed: the snapshot can't tell
    assert snapshot_memo("names", counting(calls)) == ["Daily Courier"]
    assert len(calls) == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_computed_every_time_with_the_database_as_the_cache():
    calls: list[int] = []
    snapshot_memo("names", counting(calls))
    snapshot_memo("names", counting(calls))
    assert len(calls) == 2
