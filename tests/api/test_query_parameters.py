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


@pytest.mark.parametrize("value", ["maybe", "2", "yes please", "none", "1", "0", "yes", "no", "TRUE", "False"])
def test_a_boolean_filter_takes_only_true_or_false(api_client, claims, value):
    """As the schema's boolean is written in a URL: `1`, `yes` or `TRUE` are no guesses to make."""
    (message,) = refused(api_client.get(URL, {"has_evidence": value}), "has_evidence")
    assert "must be true or false" in message


@pytest.mark.parametrize(("value", "found"), [("true", 2), ("false", 0)])
def test_boolean_words_filter(api_client, claims, value, found):
    response = api_client.get(URL, {"has_evidence": value})
    assert response.status_code == 200 and response.json()["count"] == found


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/evidence/?relation=", "relation"),
        ("/api/v1/claims/?status=", "status"),
        ("/api/v1/claims/?page=", "page"),
        ("/api/v1/claims/?updated_after=", "updated_after"),
        ("/api/v1/claims/?period_from=", "period_from"),
        ("/api/v1/claims/?has_evidence=", "has_evidence"),
        ("/api/v1/claims/?fields=", "fields"),
        ("/api/v1/claims/?format=", "format"),
        ("/api/v1/sources/?published_before=", "published_before"),
        ("/api/v1/sources/?url=", "url"),
        ("/api/v1/claims:search?query=trade&languageCode=", "languageCode"),
    ],
)
def test_a_parameter_given_empty_is_refused_unless_it_takes_text(journalist_client, claims, url, name):
    """Empty would read as "not given" and answer the unfiltered list, as an unknown name would."""
    (message,) = refused(journalist_client.get(url), name)
    assert "is empty" in message


@pytest.mark.parametrize("url", ["/api/v1/claims/?q=", "/api/v1/claims/?cursor=", "/api/v1/sources/?q=&_="])
def test_text_parameters_may_be_empty(journalist_client, claims, url):
    assert journalist_client.get(url).status_code == 200


@pytest.mark.parametrize("query", ["status=verified,", "status=,false", "publisher=1,,2", "fields=id,,subject"])
def test_an_empty_item_of_a_list_is_refused(journalist_client, claims, query):
    name = query.split("=")[0]
    (message,) = refused(journalist_client.get(f"{URL}?{query}"), name)
    assert "empty item" in message


def test_ids_are_whole_numbers_from_one(journalist_client, claims):
    for value in ("0", "-1", "1.5", "9223372036854775808"):
        refused(journalist_client.get("/api/v1/evidence/", {"claim": value}), "claim")
    assert journalist_client.get("/api/v1/evidence/", {"claim": "9223372036854775807"}).json()["results"] == []


def test_a_method_the_view_lacks_is_a_405_whatever_its_parameters(journalist_client, claims):
    for url in (f"{URL}?nonsense=1", f"{URL}?format=csv&page=", f"{URL}{claims['verified'].id}/history/?page=1"):
        assert journalist_client.generic("TRACE", url).status_code == 405


def test_a_cursor_is_refused_by_its_shape_and_unknown_if_never_given_out(journalist_client, claims):
    (message,) = refused(journalist_client.get(URL, {"cursor": "not a cursor!"}), "cursor")
    assert "letters, digits" in message
    refused(journalist_client.get(URL, {"cursor": "a" * 121}), "cursor")
    unknown = journalist_client.get(URL, {"cursor": "bm9wZQ"})  # base64 of "nope"
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
    refused(journalist_client.get(URL, {"cursor": "", "page": "x"}), "page")  # checked in cursor mode too


def test_exports_are_formats_of_lists_only(journalist_client, claims):
    claim = claims["verified"]
    (message,) = refused(journalist_client.get(f"{URL}{claim.id}/", {"format": "csv"}), "format")
    assert "csv" not in message.split(":")[-1]
    assert journalist_client.get(f"{URL}{claim.id}/", HTTP_ACCEPT="text/csv").status_code == 406
    assert journalist_client.get(URL, {"format": "csv"}).status_code == 200


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


def test_the_schema_states_the_parameters_shapes(api_client):
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/claims/"]["get"]["parameters"]}
    assert parameters["publisher"] == {
        "type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}, "minItems": 1,
    }  # fmt: skip
    assert parameters["status"]["minItems"] == 1 and "verified" in parameters["status"]["items"]["enum"]
    assert "id" in parameters["fields"]["items"]["enum"] and parameters["facet"]["minItems"] == 1
    assert parameters["page"]["maximum"] == parameters["page_size"]["maximum"] == 999_999_999
    assert parameters["cursor"]["pattern"] == "^[A-Za-z0-9_-]*$"
    assert parameters["value_min"]["type"] == "string" and parameters["q"]["maxLength"] == 500
    assert parameters["q"]["pattern"] == "^[^\\x00]*$"  # Django refuses NUL in text


def test_the_schema_lists_the_parameters_that_are_accepted(api_client):
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    names = lambda path: {p["name"] for p in schema["paths"][path]["get"]["parameters"]}  # noqa: E731
    assert {"fields", "facet", "format", "has_evidence", "page", "cursor"} <= names("/api/v1/claims/")
    assert {"fields"} <= names("/api/v1/claims/{id}/")
    assert {"url", "q", "kind", "page"} <= names("/api/v1/sources/")
    assert {"query", "pageSize", "pageToken"} <= names("/api/v1/claims:search")
