"""A search's count: exact up to API_COUNT_LIMIT, unless PostgreSQL's planner estimates its matches at
SEARCH_COUNT_ESTIMATE times the limit or more; then it is not counted (null, as above the limit). The admin's claim
list likewise: a search estimated far above its exact limit shows "about N", the estimate, without counting."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.choices import Status
from claims.filters import search_query
from claims.models import ClaimSearch
from factcheck.counts import bounded, planned_rows
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/claims/"
COMMON, RARE = 70, 12  # claims with "trade" in the subject, and with "tariff"


@pytest.fixture
def searched(db, settings):
    settings.API_COUNT_LIMIT = 20
    settings.SEARCH_COUNT_ESTIMATE = 3  # a search estimated at 60 matches or more is not counted
    settings.API_COUNT_CACHE_SECONDS = 0
    for i in range(COMMON):
        ClaimFactory(status=Status.UNVERIFIED, subject=f"Bilateral trade in year {i}")
    for i in range(RARE):
        ClaimFactory(status=Status.IN_REVIEW, subject=f"Steel tariff number {i}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claimsearch")  # the statistics the planner's estimate is read off


def _counted(queries: list[str]) -> bool:
    return any("COUNT(" in sql and "claims_" in sql for sql in queries)  # a count of claims, not of the cache table


def _counts(client, params) -> tuple[dict, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, {"page_size": 5, **params})
    assert response.status_code == 200, response.content
    return response.json(), [q["sql"] for q in captured.captured_queries]


def test_the_planner_estimates_a_words_matches_from_the_statistics(searched):
    common = ClaimSearch.objects.filter(document=search_query("trade"))
    assert COMMON / 2 <= planned_rows(bounded(common)) <= COMMON * 2
    assert planned_rows(bounded(ClaimSearch.objects.filter(document=search_query("tariff")))) < 3 * 20


@pytest.mark.parametrize("ordering", [None, "-updated", "value"])  # the documents' path twice, the claims' once
def test_a_search_estimated_far_above_the_limit_is_not_counted(journalist_client, searched, ordering):
    body, queries = _counts(journalist_client, {"q": "trade"} | ({"ordering": ordering} if ordering else {}))
    assert body["count"] is None and body["count_exact"] is False and len(body["results"]) == 5
    assert COMMON / 2 <= body["count_estimate"] <= COMMON * 2  # the planner's estimate of the matches
    assert any(sql.startswith("EXPLAIN") for sql in queries)
    assert not _counted(queries), queries


def test_a_search_estimated_below_is_counted_exactly(journalist_client, searched):
    body, queries = _counts(journalist_client, {"q": "tariff"})
    assert body["count"] == RARE and body["count_exact"] is True and body["count_estimate"] == RARE
    assert _counted(queries)


def test_with_the_estimate_off_every_search_is_counted(journalist_client, searched, settings):
    settings.SEARCH_COUNT_ESTIMATE = 0
    body, queries = _counts(journalist_client, {"q": "trade"})
    assert body["count"] is None and _counted(queries)  # 70 matches: above the limit of 20
    assert 21 <= body["count_estimate"] <= COMMON * 2  # counted past the limit, then estimated: never below 21
    settings.API_COUNT_LIMIT = 100
    body, _ = _counts(journalist_client, {"q": "trade"})
    assert body["count"] == COMMON and body["count_exact"] is True


def test_a_list_without_a_search_is_counted_before_it_is_estimated(journalist_client, searched, settings):
    settings.API_COUNT_LIMIT = 10
    body, queries = _counts(journalist_client, {"status": "unverified"})
    assert body["count"] is None and body["count_exact"] is False  # 70 claims: above the limit
    assert _counted(queries) and body["count_estimate"] >= 11  # counted first; estimated above the limit only
    settings.API_COUNT_LIMIT = 20
    below, queries = _counts(journalist_client, {"status": "in_review"})  # the 12 tariff claims, under the limit
    assert below["count_estimate"] == below["count"] == RARE and not any(sql.startswith("EXPLAIN") for sql in queries)


def test_the_admins_search_estimated_far_above_its_limit_is_not_counted(client, admin_user, searched, monkeypatch):
    from django.urls import reverse

    from claims.admin import paginator

    monkeypatch.setattr(paginator, "EXACT_UP_TO", 20)  # estimated at 60 or more: not counted
    client.force_login(admin_user)
    url = reverse("admin:claims_claim_changelist")
    with CaptureQueriesContext(connection) as captured:
        common = client.get(url, {"q": "trade"})
    assert common.context["cl"].paginator.estimated and COMMON / 2 <= common.context["cl"].result_count <= COMMON * 2
    assert f"about {common.context['cl'].result_count} results" in common.content.decode()  # the search bar too
    assert not _counted([q["sql"] for q in captured.captured_queries])
    with CaptureQueriesContext(connection) as captured:
        rare = client.get(url, {"q": "tariff"})
    assert not rare.context["cl"].paginator.estimated and rare.context["cl"].result_count == RARE
    assert _counted([q["sql"] for q in captured.captured_queries])
    with CaptureQueriesContext(connection) as captured:
        filtered = client.get(url, {"status__exact": "unverified"})  # not a search: counted first, then estimated
    assert filtered.context["cl"].paginator.estimated and _counted([q["sql"] for q in captured.captured_queries])
