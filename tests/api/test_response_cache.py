"""GET answers are cached by database snapshot and code version: served again while nothing changed, recomputed
after any committed write, by any connection.

These tests commit for real (transactional tests) and write through a connection of their own, as another process
would. The snapshot is the whole server's: other databases on it move it too, so a test that expects a hit repeats
its requests until two of them meet an unchanged snapshot (`_quiet_hit`); a miss after a commit needs no luck.
"""

from decimal import Decimal

import pytest
from django.db import transaction

from claims.models import Claim
from factcheck.api import response_cache
from factcheck.api.response_cache import data_stamp, source_fingerprint
from sources.models import Source
from tests.db import connect_to_test_database

from .conftest import make_claim

URL = "/api/v1/claims/"
TRIES = 50

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("migration_data_back"),
]


@pytest.fixture(autouse=True)
def answer_cache(settings):
    """The answer cache on, in memory: with the database cache table, storing an answer (or a throttle counter) is
    itself a committed write that moves the snapshot."""
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.API_RESPONSE_CACHE_SECONDS = 300
    cache.clear()


def _commit_elsewhere(sql: str, params: tuple) -> None:
    """Run `sql` on a connection of its own and commit it, as another process (the admin, an import) would."""
    other = connect_to_test_database()
    try:
        with other, other.cursor() as cursor:
            cursor.execute(sql, params)
            assert cursor.rowcount == 1
    finally:
        other.close()


def _quiet_hit(client, url, **extra):
    """(first, again): the same request twice, repeated until the second one is served from the cache."""
    for _ in range(TRIES):
        first = client.get(url, **extra)
        again = client.get(url, **extra)
        if again.get("X-Cache") == "hit":
            return first, again
    pytest.fail(f"no two requests in {TRIES} tries met an unchanged snapshot")


def test_the_stamp_is_the_snapshot_outside_a_transaction_and_none_inside():
    stamp = data_stamp()
    xmin, xmax, _ = stamp.split(":")
    assert int(xmin) <= int(xmax)
    with transaction.atomic():
        assert data_stamp() is None  # its own writes would not show in the snapshot's text


def test_a_repeated_answer_is_served_from_the_cache(journalist_client, claims):
    first, again = _quiet_hit(journalist_client, URL)
    assert again.content == first.content and again["Content-Type"] == "application/json"
    assert "Authorization" in again["Vary"]


def test_a_write_committed_by_another_connection_makes_the_next_request_miss(journalist_client, claims):
    _quiet_hit(journalist_client, URL)
    renamed = ("Renamed elsewhere", claims["unverified"].pk)
    _commit_elsewhere("UPDATE claims_claim SET subject = %s WHERE id = %s", renamed)
    changed = journalist_client.get(URL)
    assert changed["X-Cache"] == "miss"
    assert "Renamed elsewhere" in {row["subject"] for row in changed.json()["results"]}
    assert Claim.objects.get(pk=claims["unverified"].pk).subject == "Renamed elsewhere"


def test_a_write_to_a_related_table_also_misses(journalist_client, claims):
    _quiet_hit(journalist_client, URL)
    source = Source.objects.get(title="Russia-China trade report")
    _commit_elsewhere("UPDATE sources_source SET title = %s WHERE id = %s", ("Renamed report", source.pk))
    answer = journalist_client.get(URL)
    assert answer["X-Cache"] == "miss"
    assert "Renamed report" in answer.content.decode()


def test_a_cached_page_never_embeds_a_count_older_than_its_key(settings, journalist_client, claims):
    settings.API_COUNT_CACHE_SECONDS = 30  # counts cached too, as in production
    low = [make_claim(subject=f"Small figure {n}", value=Decimal(n), unit="count") for n in (10, 20, 30)]
    url = f"{URL}?value_max=1000&page_size=1"
    first, _ = _quiet_hit(journalist_client, url)
    assert first.json()["count"] == 3
    _commit_elsewhere("UPDATE claims_claim SET value = %s WHERE id = %s", (Decimal(5000), low[0].pk))
    after = journalist_client.get(url)
    assert after["X-Cache"] == "miss" and after.json()["count"] == 2  # not the count cached a moment ago
    served, again = _quiet_hit(journalist_client, url)
    assert served.json()["count"] == again.json()["count"] == 2


def test_readers_who_see_different_claims_never_share_an_answer(api_client, journalist_client, claims):
    journalist = journalist_client.get(URL).json()
    anonymous = api_client.get(URL)
    assert anonymous["X-Cache"] == "miss"
    assert {row["status"] for row in anonymous.json()["results"]} <= {"verified", "false"}
    assert anonymous.json()["count"] < journalist["count"]


def test_filters_and_pages_are_separate_entries(journalist_client, claims):
    _quiet_hit(journalist_client, URL, data={"status": "verified"})
    other = journalist_client.get(URL, {"status": "false"})
    assert other["X-Cache"] == "miss"
    assert [row["status"] for row in other.json()["results"]] == ["false"]


def test_an_answer_stored_by_other_code_is_not_served(monkeypatch, journalist_client, claims):
    """A deploy: the same data, other code. Each round proves its miss came from the version, not the snapshot:
    the old version's entry is still served right after it."""
    real = response_cache.code_version()
    for _ in range(TRIES):
        _quiet_hit(journalist_client, URL)
        monkeypatch.setattr(response_cache, "code_version", lambda: "the next release")
        deployed = journalist_client.get(URL)
        monkeypatch.setattr(response_cache, "code_version", lambda: real)
        if deployed["X-Cache"] == "miss" and journalist_client.get(URL)["X-Cache"] == "hit":
            return
    pytest.fail(f"no round in {TRIES} tries met an unchanged snapshot")


def test_the_code_version_follows_every_source_file(tmp_path):
    package = tmp_path / "app"
    (package / "api").mkdir(parents=True)
    (package / "models.py").write_text("A = 1\n")
    (package / "api" / "views.py").write_text("B = 1\n")
    before = source_fingerprint([package])
    assert source_fingerprint([package]) == before
    (package / "api" / "views.py").write_text("B = 2\n")
    assert source_fingerprint([package]) != before
    (package / "api" / "views.py").write_text("B = 1\n")
    (package / "api" / "new.py").write_text("")
    assert source_fingerprint([package]) != before
    assert len(response_cache.code_version()) == 16


def test_the_code_version_covers_the_projects_own_packages_only():
    # Not Django's, DRF's or any other installed app's, even with the virtualenv inside the checkout.
    assert sorted(path.name for path in response_cache.code_directories()) == ["claims", "factcheck", "jobs", "sources"]


def test_conditional_get_answers_304_until_the_data_changes(journalist_client, claims):
    for _ in range(TRIES):
        tag = journalist_client.get(URL)["ETag"]
        if journalist_client.get(URL, HTTP_IF_NONE_MATCH=tag).status_code == 304:
            break
    else:
        pytest.fail(f"no two requests in {TRIES} tries met an unchanged snapshot")
    _commit_elsewhere("UPDATE claims_claim SET subject = %s WHERE id = %s", ("Changed", claims["unverified"].pk))
    after = journalist_client.get(URL, HTTP_IF_NONE_MATCH=tag)
    assert after.status_code == 200 and after["ETag"] != tag


def test_a_cached_detail_keeps_its_version_etag(journalist_client, claims):
    first, again = _quiet_hit(journalist_client, f"{URL}{claims['verified'].pk}/")
    assert again["ETag"] == first["ETag"] == 'W/"1"'


def test_errors_and_exports_are_not_cached(journalist_client, claims):
    assert journalist_client.get(URL, {"status": "nonsense"}).status_code == 400
    assert journalist_client.get(URL, {"status": "nonsense"}).status_code == 400
    csv = journalist_client.get(URL, {"format": "csv"})
    assert not csv.has_header("X-Cache")
