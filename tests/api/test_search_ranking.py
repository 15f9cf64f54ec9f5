"""Search ranks what a query names first: designations (Su-27, F-16, COVID-19, G7) and figures ("42 times",
"245 billion") in the subject beat the same words only in a quote or a source's title, and with `q` the default
order is relevance (`ordering=relevance` says so explicitly; any other ordering replaces it)."""

import pytest

from claims.choices import Status
from tests.factories import AppearanceFactory, ClaimFactory, SourceFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/claims/"


def _claim(subject, quote="the figure was stated in the report", title="Annual report"):
    claim = ClaimFactory(status=Status.VERIFIED, subject=subject, textual_rating="True", rating_value=5)
    AppearanceFactory(claim=claim, quote=quote, source=SourceFactory(title=title))
    return claim


@pytest.fixture
def world(db):
    # Created best match first, so that the newest-change-first order would put it last: a ranking must move it.
    return {
        "su27": _claim("Russia delivered 200 Su-27 fighters to China", quote="200 Su-27s were delivered"),
        "su27_quote": _claim("Fighter deliveries to China", quote="among them some Su-27s"),
        "su27_title": _claim("Aircraft exports", title="The Su-27 programme"),
        "f16": _claim("F-16 deliveries to Taiwan", quote="Taiwan ordered 66 F-16s"),
        "f16_quote": _claim("Deliveries to Taiwan", quote="some F-16 jets among them"),
        "covid": _claim("COVID-19 vaccine doses exported", quote="COVID-19 doses went abroad"),
        "covid_title": _claim("Vaccine doses exported", title="COVID-19 response report"),
        "g7": _claim("G7 share of world GDP", quote="the G7 economies produce it"),
        "g7_title": _claim("Share of world GDP", title="After the G7 summit"),
        "times42": _claim("Prices rose 42 times since 1990", quote="prices are 42 times higher"),
        "times42_quote": _claim("Price rises since 1990", quote="higher by 42 times in some regions"),
        "billion245": _claim("Trade reached 245 billion dollars", quote="trade reached $245 billion"),
        "billion245_quote": _claim("Trade turnover", quote="turnover of $245 billion"),
        "other": _claim("Troops deployed in 2024", quote="40,000 troops were deployed"),
    }


def ranked(client, params) -> list[int]:
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# query → the claims it finds, best match first
TABLE = [
    ("Su-27", ["su27", "su27_quote", "su27_title"]),
    ('"Su-27"', ["su27", "su27_quote", "su27_title"]),
    ("200 Su-27", ["su27"]),
    ("COVID-19", ["covid", "covid_title"]),
    ("F-16", ["f16", "f16_quote"]),
    ("G7", ["g7", "g7_title"]),
    ('"42 times"', ["times42", "times42_quote"]),
    ("42 times", ["times42", "times42_quote"]),
    ('"245 billion"', ["billion245", "billion245_quote"]),
    ("245 billion", ["billion245", "billion245_quote"]),
]


@pytest.mark.parametrize(("q", "expected"), TABLE, ids=[q for q, _ in TABLE])
def test_best_match_first_by_default(api_client, world, q, expected):
    assert ranked(api_client, {"q": q}) == [world[name].id for name in expected]


@pytest.mark.parametrize(("q", "expected"), TABLE, ids=[q for q, _ in TABLE])
def test_ordering_relevance_is_the_same_order(api_client, world, q, expected):
    assert ranked(api_client, {"q": q, "ordering": "relevance"}) == [world[name].id for name in expected]
    assert ranked(api_client, {"q": q, "ordering": "-relevance"}) == [world[name].id for name in reversed(expected)]


def test_another_ordering_replaces_relevance(api_client, world):
    newest_first = ranked(api_client, {"q": "Su-27", "ordering": "-updated"})
    assert newest_first == [world[name].id for name in ("su27_title", "su27_quote", "su27")]


def test_without_q_relevance_changes_nothing(api_client, world):
    assert ranked(api_client, {"ordering": "relevance"}) == ranked(api_client, {})


def test_claims_search_lists_the_best_match_first(api_client, world):
    response = api_client.get("/api/v1/claims:search", {"query": "Su-27"})
    assert response.status_code == 200
    titles = [claim["claimReview"][0]["title"] for claim in response.json()["claims"]]
    assert titles[0] == "200 Su-27s were delivered"


@pytest.mark.parametrize("q", ["Su-27", "deliveries", "exported OR report", "report -annual", "nothing-like-it"])
def test_a_search_alone_pages_like_a_search_with_other_filters(api_client, world, q):
    """A search alone is paged among the search documents (claims.selectors.claim_search_ids); with another filter
    (here one every claim passes) through the claims' own query: the same claims, order, pages and count."""
    alone = api_client.get(URL, {"q": q, "page_size": 2, "page": 1}).json()
    filtered = api_client.get(URL, {"q": q, "status": "verified", "page_size": 2, "page": 1}).json()
    assert [r["id"] for r in alone["results"]] == [r["id"] for r in filtered["results"]]
    assert alone["count"] == filtered["count"]
    if alone["count"] > 2:
        second = api_client.get(URL, {"q": q, "page_size": 2, "page": 2}).json()
        second_filtered = api_client.get(URL, {"q": q, "status": "verified", "page_size": 2, "page": 2}).json()
        assert [r["id"] for r in second["results"]] == [r["id"] for r in second_filtered["results"]]
    assert alone["results"] == filtered["results"]  # the same rows, whichever way their ids were read


@pytest.mark.parametrize("ordering", ["-updated", "updated"])
@pytest.mark.parametrize("q", ["Su-27", "deliveries", "exported OR report", "report -annual"])
def test_a_search_alone_by_last_change_pages_like_the_claims_query(api_client, world, q, ordering):
    """A search alone in the list's order by last change is paged among the search documents too (their claims'
    updated_at through the document's key): the claims' own query's ids, order, pages and count."""
    from django.contrib.auth.models import AnonymousUser
    from django.utils import timezone

    from claims.models import Claim
    from claims.selectors import claim_search_ids

    # Changed in another order than they were made, so that the order by last change is not the ids'.
    for name in ("covid", "su27", "billion245", "f16_quote", "su27_title"):
        Claim.objects.filter(pk=world[name].pk).update(updated_at=timezone.now())
    assert claim_search_ids(user=AnonymousUser(), filters={"q": q, "ordering": ordering}) is not None
    params = {"q": q, "ordering": ordering, "page_size": 2}
    for page in (1, 2):
        alone = api_client.get(URL, {**params, "page": page})
        filtered = api_client.get(URL, {**params, "status": "verified", "page": page})
        assert alone.status_code == filtered.status_code
        if alone.status_code == 404:
            break
        alone, filtered = alone.json(), filtered.json()
        assert [r["id"] for r in alone["results"]] == [r["id"] for r in filtered["results"]]
        assert alone["count"] == filtered["count"] and alone["results"] == filtered["results"]
    everything = [r["id"] for r in api_client.get(URL, {"q": q, "ordering": ordering}).json()["results"]]
    by_change = Claim.objects.filter(pk__in=everything).order_by(
        "updated_at" if ordering == "updated" else "-updated_at", "-id"
    )
    assert everything == list(by_change.values_list("id", flat=True))


def test_a_search_alone_with_an_explicit_relevance_order_is_paged_the_same(api_client, world):
    default = ranked(api_client, {"q": "report"})
    assert ranked(api_client, {"q": "report", "ordering": "relevance"}) == default
    worst_first = ranked(api_client, {"q": "report", "ordering": "-relevance"})  # the claims' query: ties newest first
    assert sorted(worst_first) == sorted(default) and worst_first != default
