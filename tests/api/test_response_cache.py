"""GET answers are cached by database snapshot: served again while nothing changed, recomputed after any write.

The stamp itself (PostgreSQL's snapshot) is tested on PostgreSQL with real commits. The caching around it is tested
on every database with a stamp that the test moves on each write (the snapshot moves with any write on the server,
so on a shared server a real one could move between two requests of a test).
"""

import pytest
from django.db import connection

from claims.choices import Status
from claims.models import Claim
from factcheck.api.response_cache import data_stamp
from sources.models import Source

from .conftest import make_claim

URL = "/api/v1/claims/"

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="the stamp is PostgreSQL's snapshot")


def _other_connection():
    """A connection of its own, in autocommit: its writes commit while the test's transaction stays open."""
    import psycopg2

    settings = connection.settings_dict
    other = psycopg2.connect(
        dbname=settings["NAME"], user=settings["USER"] or None, password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None, port=settings["PORT"] or None,
    )  # fmt: skip
    other.autocommit = True
    return other


@on_postgres
@pytest.mark.django_db
def test_the_stamp_is_the_snapshot_outside_a_transaction_and_none_inside(monkeypatch):
    assert connection.in_atomic_block and data_stamp() is None  # own writes would not show in the snapshot's text
    from django.db import connections

    monkeypatch.setattr(connections["default"], "in_atomic_block", False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        now = cursor.fetchone()[0]
    stamp = data_stamp()
    assert stamp is not None and int(stamp.split(":")[1]) >= int(now.split(":")[1])


@on_postgres
@pytest.mark.django_db
def test_the_snapshot_moves_with_every_committed_write_and_holds_otherwise():
    other = _other_connection()
    try:
        with other.cursor() as cursor:
            snapshot = "SELECT pg_current_snapshot()::text"
            cursor.execute(snapshot)
            before = cursor.fetchone()[0]
            cursor.execute("CREATE TEMPORARY TABLE stamp_probe (n int); INSERT INTO stamp_probe VALUES (1)")
            cursor.execute(snapshot)
            assert cursor.fetchone()[0] != before
            # Other databases on the same server move it too: a few tries find a quiet moment.
            readings = []
            for _ in range(20):
                cursor.execute(snapshot)
                readings.append(cursor.fetchone()[0])
            assert any(a == b for a, b in zip(readings, readings[1:], strict=False))
    finally:
        other.close()


class Stamp:
    """A stand-in for the snapshot that moves on every write made through the ORM in the test."""

    def __init__(self):
        self.value = 0

    def __call__(self):
        return str(self.value)


@pytest.fixture(autouse=True)
def answer_cache(settings, monkeypatch, db):
    from django.core.cache import cache
    from django.db.models.signals import post_delete, post_save

    from factcheck.api import response_cache

    settings.API_RESPONSE_CACHE_SECONDS = 300
    cache.clear()
    stamp = Stamp()

    def moved(**kwargs):
        stamp.value += 1

    monkeypatch.setattr(response_cache, "data_stamp", stamp)
    post_save.connect(moved, dispatch_uid="test-stamp-save")
    post_delete.connect(moved, dispatch_uid="test-stamp-delete")
    yield stamp
    post_save.disconnect(dispatch_uid="test-stamp-save")
    post_delete.disconnect(dispatch_uid="test-stamp-delete")


def test_a_repeated_list_is_served_from_the_cache_until_a_write(journalist_client, claims):
    first = journalist_client.get(URL)
    again = journalist_client.get(URL)
    assert (first["X-Cache"], again["X-Cache"]) == ("miss", "hit")
    assert again.content == first.content and again["Content-Type"] == "application/json"
    assert "Authorization" in again["Vary"]

    claim = Claim.objects.get(pk=claims["unverified"].pk)
    claim.subject = "Renamed by someone"
    claim.save()
    changed = journalist_client.get(URL)
    assert changed["X-Cache"] == "miss"
    assert "Renamed by someone" in {row["subject"] for row in changed.json()["results"]}


def test_a_change_to_a_related_table_also_misses(journalist_client, claims):
    journalist_client.get(URL)
    source = Source.objects.get(title="Russia-China trade report")
    source.title = "Renamed report"
    source.save()
    answer = journalist_client.get(URL)
    assert answer["X-Cache"] == "miss"
    assert "Renamed report" in answer.content.decode()


def test_readers_who_see_different_claims_never_share_an_answer(api_client, journalist_client, claims):
    journalist = journalist_client.get(URL).json()
    anonymous = api_client.get(URL)
    assert anonymous["X-Cache"] == "miss"
    assert {row["status"] for row in anonymous.json()["results"]} <= {Status.VERIFIED, Status.FALSE}
    assert anonymous.json()["count"] < journalist["count"]


def test_filters_and_pages_are_separate_entries(journalist_client, claims):
    journalist_client.get(URL, {"status": "verified"})
    other = journalist_client.get(URL, {"status": "false"})
    assert other["X-Cache"] == "miss"
    assert [row["status"] for row in other.json()["results"]] == ["false"]


def test_conditional_get_answers_304_until_the_data_changes(journalist_client, claims):
    first = journalist_client.get(URL)
    tag = first["ETag"]
    assert journalist_client.get(URL, HTTP_IF_NONE_MATCH=tag).status_code == 304
    make_claim(subject="A new claim")
    after = journalist_client.get(URL, HTTP_IF_NONE_MATCH=tag)
    assert after.status_code == 200 and after["ETag"] != tag


def test_a_cached_detail_keeps_its_version_etag(journalist_client, claims):
    url = f"{URL}{claims['verified'].pk}/"
    first = journalist_client.get(url)
    again = journalist_client.get(url)
    assert again["X-Cache"] == "hit" and again["ETag"] == first["ETag"] == 'W/"1"'


def test_errors_and_exports_are_not_cached(journalist_client, claims):
    assert journalist_client.get(URL, {"status": "nonsense"}).status_code == 400
    assert journalist_client.get(URL, {"status": "nonsense"}).status_code == 400
    csv = journalist_client.get(URL, {"format": "csv"})
    assert not csv.has_header("X-Cache")
