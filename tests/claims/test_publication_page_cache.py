"""The public pages' cache (factcheck.page_cache): an anonymous page is served again while nothing was written, and
publishing, unpublishing or correcting a verdict (any committed write) makes the next request compute it again.

Transactional tests (the cache keys by the database snapshot, which a test's open transaction hides), as the API's
answer cache tests are; the snapshot is the whole server's, so a test that expects a hit repeats its requests until
two of them meet an unchanged snapshot."""

import pytest

from claims.choices import Status
from claims.services import claim_correct, claim_publish, claim_unpublish
from tests.factories import UserFactory, published_fact_check

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("migration_data_back"),
]
INDEX = "/fact-checks/"
TRIES = 50


@pytest.fixture(autouse=True)
def page_cache(settings):
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    cache.clear()


@pytest.fixture
def people(db):
    return UserFactory(username="rev", role="fact-checker"), UserFactory(username="pub", role="fact-checker")


def _quiet_hit(client, url):
    for _ in range(TRIES):
        first = client.get(url)
        again = client.get(url)
        if again.get("X-Cache") == "hit":
            return first, again
    pytest.fail(f"no two requests in {TRIES} tries met an unchanged snapshot")


def _page(client, claim):
    return client.get(f"/fact-checks/{claim.pk}/", follow=True).redirect_chain[-1][0]


def test_a_repeated_page_is_served_from_the_cache(client, people):
    claim = published_fact_check(reviewer=people[0], publisher=people[1])
    for url in (INDEX, _page(client, claim)):
        first, again = _quiet_hit(client, url)
        assert again.status_code == 200 and again.content == first.content
        assert again["Content-Type"] == first["Content-Type"] == "text/html; charset=utf-8"
        assert "Content-Security-Policy" in again  # the middleware's headers on a cached page too


def test_publishing_makes_the_index_compute_again(client, people):
    reviewer, publisher = people
    claim = published_fact_check(reviewer=reviewer, publisher=publisher, subject="Wheat exports")
    claim_unpublish(claim=claim, actor=publisher, note="Rechecking.")
    _quiet_hit(client, INDEX)
    claim_publish(claim=claim, actor=publisher)
    after = client.get(INDEX)
    assert after["X-Cache"] == "miss"
    assert "$245 billion" in after.content.decode()


def test_unpublishing_turns_a_cached_page_into_its_tombstone(client, people):
    reviewer, publisher = people
    claim = published_fact_check(reviewer=reviewer, publisher=publisher)
    url = _page(client, claim)
    _quiet_hit(client, url)
    claim_unpublish(claim=claim, actor=publisher, note="The ministry withdrew the figure.")
    gone = client.get(url)
    assert gone.status_code == 410 and "The ministry withdrew the figure." in gone.content.decode()
    _, again = _quiet_hit(client, url)  # the tombstone is cached too, until the next write
    assert again.status_code == 410


def test_a_correction_shows_at_once(client, people):
    reviewer, publisher = people
    claim = published_fact_check(reviewer=reviewer, publisher=publisher)
    url = _page(client, claim)
    _quiet_hit(client, url)
    claim_correct(claim=claim, actor=publisher, note="Customs revised their data.", to=Status.FALSE)
    corrected = client.get(url)
    assert corrected["X-Cache"] == "miss" and "Customs revised their data." in corrected.content.decode()


def test_signed_in_readers_and_a_zero_setting_are_not_cached(client, settings, people):
    published_fact_check(reviewer=people[0], publisher=people[1])
    client.force_login(people[0])
    assert all("X-Cache" not in client.get(INDEX) for _ in range(3))
    client.logout()
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    assert all("X-Cache" not in client.get(INDEX) for _ in range(3))
