"""Unknown query parameters and malformed values are a 400 naming the parameter and listing the valid ones, on every
endpoint (factcheck.api.filtering.KnownQueryParameters), never the unfiltered list with 200."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from factcheck.api.filtering import KnownQueryParameters
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/claims/"


def refused(response, name: str) -> list[str]:
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "invalid" and name in body["fields"], body
    return body["fields"][name]


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"period": "1990"}, "period"),  # period_from / period_to
        ({"value__gt": "5"}, "value__gt"),  # value_min
        ({"_sort": "value"}, "_sort"),  # ordering; only "_" itself is the ignored cache-buster
        ({"nonsense": "1"}, "nonsense"),
        ({"status": "verified", "Status": "false"}, "Status"),
    ],
)
def test_unknown_claim_filters_are_refused_with_the_valid_ones(api_client, claims, params, name):
    (message,) = refused(api_client.get(URL, params), name)
    assert "is not a parameter of this endpoint" in message
    for valid in ("period_from", "period_to", "value_min", "ordering", "has_evidence", "page", "fields", "facet"):
        assert valid in message


@pytest.mark.parametrize("value", ["maybe", "2", "yes please", "none"])
def test_a_boolean_filter_refuses_what_is_neither_true_nor_false(api_client, claims, value):
    (message,) = refused(api_client.get(URL, {"has_evidence": value}), "has_evidence")
    assert "must be true or false" in message


@pytest.mark.parametrize(("value", "found"), [("true", 2), ("false", 0), ("1", 2), ("FALSE", 0), ("no", 0)])
def test_boolean_words_still_filter(api_client, claims, value, found):
    response = api_client.get(URL, {"has_evidence": value})
    assert response.status_code == 200 and response.json()["count"] == found


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/claims/",
        "/api/v1/claims/?format=csv",
        "/api/v1/claims/?format=ndjson",
        "/api/v1/sources/",
        "/api/v1/publishers/",
        "/api/v1/appearances/",
        "/api/v1/evidence/",
        "/api/v1/claimreviews/",
        "/api/v1/claims:search?query=trade",
        "/api/v1/",
    ],
)
def test_every_endpoint_refuses_an_unknown_parameter(journalist_client, claims, url):
    joiner = "&" if "?" in url else "?"
    response = journalist_client.get(f"{url}{joiner}nonsense=1")
    assert not response.streaming
    refused(response, "nonsense")


def test_detail_endpoints_know_their_own_parameters(journalist_client, claims):
    claim = claims["verified"]
    refused(journalist_client.get(f"{URL}{claim.id}/", {"status": "verified"}), "status")
    assert journalist_client.get(f"{URL}{claim.id}/", {"fields": "id"}).json() == {"id": claim.id}
    refused(journalist_client.get(f"{URL}{claim.id}/claimreview/", {"page": "2"}), "page")
    assert journalist_client.get(f"{URL}{claim.id}/history/", {"page_size": "1"}).status_code == 200
    refused(journalist_client.get(f"{URL}{claim.id}/history/", {"fields": "id"}), "fields")


def test_the_cache_buster_is_ignored(api_client, claims):
    assert api_client.get(URL, {"_": "1712345678901"}).json()["count"] == 2


def test_claims_search_names_its_own_parameters(api_client, claims):
    (message,) = refused(api_client.get("/api/v1/claims:search", {"query": "trade", "q": "trade"}), "q")
    assert "query" in message and "pageSize" in message


def test_an_unknown_format_is_a_400_naming_the_formats(api_client, claims):
    (message,) = refused(api_client.get(URL, {"format": "xml"}), "format")
    assert "csv" in message and "ndjson" in message
    refused(api_client.get(f"{URL}{claims['verified'].id}/history/", {"format": "csv"}), "format")


def test_many_unknown_parameters_name_the_first_twenty(api_client, claims):
    body = api_client.get(URL, {f"x{i}": "1" for i in range(500)}).json()
    assert body["status"] == 400 and len(body["fields"]) == 21 and "480 more" in body["fields"]["…"][0]


def test_sources_filter_by_normalised_url(journalist_client):
    source = SourceFactory(url="https://Example.org/report/?utm_source=feed&b=2&a=1")
    SourceFactory(url="https://example.org/other")
    for asked in ("https://example.org/report?a=1&b=2", "HTTPS://EXAMPLE.ORG:443/report/?b=2&a=1#top"):
        response = journalist_client.get("/api/v1/sources/", {"url": asked})
        assert response.status_code == 200 and [row["id"] for row in response.json()["results"]] == [source.id]
    assert journalist_client.get("/api/v1/sources/", {"url": "https://example.org/nothing"}).json()["count"] == 0
    (message,) = refused(journalist_client.get("/api/v1/sources/", {"url": "ftp://example.org/x"}), "url")
    assert "http://" in message


def _views(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def test_every_api_view_checks_its_parameters():
    documentation = {
        "SpectacularAPIView",
        "SpectacularSwaggerView",
        "SpectacularSwaggerSplitView",
        "SpectacularRedocView",
    }
    checked = 0
    for route, callback in _views(get_resolver()):
        view = getattr(callback, "cls", None)
        if not route.startswith("api/v1/") or view is None or view.__name__ in documentation:
            continue
        assert issubclass(view, KnownQueryParameters), route
        checked += 1
    assert checked >= 10


def test_the_schema_lists_the_parameters_that_are_accepted(api_client):
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    names = lambda path: {p["name"] for p in schema["paths"][path]["get"]["parameters"]}  # noqa: E731
    assert {"fields", "facet", "format", "has_evidence", "page", "cursor"} <= names("/api/v1/claims/")
    assert {"fields"} <= names("/api/v1/claims/{id}/")
    assert {"url", "q", "kind", "page"} <= names("/api/v1/sources/")
    assert {"query", "pageSize", "pageToken"} <= names("/api/v1/claims:search")
