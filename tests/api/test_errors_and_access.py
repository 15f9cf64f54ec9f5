"""Every error is JSON and no input is a 500; throttling (429 + Retry-After) in the shared cache; tokens."""

import time

import pytest
from django.core.cache import cache

from tests.factories import UserFactory
from tests.shared_cache import needs_redis

from .conftest import client_for

pytestmark = pytest.mark.django_db

GARBAGE = ["", "x", "-1", "0", "1e400", "NaN", "9" * 40, "'; DROP TABLE claims_claim; --", "\x00", "%", "a,b,,c",
           "2024-13-45", "true", "[]", "{}", "Ω" * 600]  # fmt: skip
PARAMS = ["q", "status", "unit", "claim_type", "value_min", "value_max", "period_from", "period_to", "publisher",
          "source", "evidence_source", "has_evidence", "assignee", "updated_after", "ordering", "facet", "fields",
          "page", "page_size", "cursor", "format", "claim", "relation", "kind", "published_after", "query",
          "pageSize", "pageToken", "offset", "maxAgeDays", "languageCode", "reviewPublisherSiteFilter"]  # fmt: skip
ENDPOINTS = ["/api/v1/claims/", "/api/v1/claims/1/", "/api/v1/sources/", "/api/v1/publishers/", "/api/v1/evidence/",
             "/api/v1/appearances/", "/api/v1/claimreviews/", "/api/v1/claims:search", "/api/v1/claims/1/history/",
             "/api/v1/claims/1/claimreview/"]  # fmt: skip


def test_garbage_parameters_never_make_a_500(journalist_client, claims):
    seen = set()
    for endpoint in ENDPOINTS:
        for name in PARAMS:
            for value in GARBAGE:
                response = journalist_client.get(endpoint, {name: value})
                assert response.status_code < 500, (endpoint, name, value)
                seen.add(response.status_code)
                if response.status_code >= 400:
                    assert response["Content-Type"] == "application/json", (endpoint, name, value)
                    assert {"status", "code", "detail", "fields"} <= set(response.json())
                elif not response.streaming:
                    response.content  # noqa: B018 - rendered without error
                else:
                    b"".join(response.streaming_content)
    assert {200, 400} <= seen


def test_garbage_bodies_and_headers(checker_client, claims):
    url = f"/api/v1/claims/{claims['unverified'].id}/"
    for body in ("not json", "[]", '{"value": "1e999"}', '{"subject": null}', '{"period": 5}', "{" * 100):
        response = checker_client.patch(url, body, content_type="application/json", HTTP_IF_MATCH='W/"1"')
        assert 400 <= response.status_code < 500 and response.json()["code"], body
    for tag, status in (('W/"x"', 412), ("*", 428), ("garbage", 400), ('"99999999999999999999"', 412)):
        response = checker_client.patch(url, {"subject": "x"}, format="json", HTTP_IF_MATCH=tag)
        assert response.status_code == status, tag
    xml = checker_client.post("/api/v1/claims/", "<claim/>", content_type="application/xml")
    assert xml.status_code == 415 and xml.json()["code"] == "unsupported_media_type"


def test_unknown_api_urls_and_methods_are_json(api_client):
    response = api_client.get("/api/v1/nothing/here")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert api_client.get("/api/v1/claims/abc/").status_code == 404
    deleted = api_client.delete("/api/v1/claims/")
    assert deleted.status_code == 405 and deleted.json()["code"] == "method_not_allowed"


def test_bad_token_is_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    response = api_client.get("/api/v1/claims/")
    assert response.status_code == 401 and response.json()["code"] == "authentication_failed"


def test_user_without_a_role_reads_like_the_public(claims):
    nobody = client_for(UserFactory(username="nobody"))
    ids = {c["id"] for c in nobody.get("/api/v1/claims/").json()["results"]}
    assert ids == {claims["verified"].id, claims["false"].id}
    trail = nobody.get(f"/api/v1/claims/{claims['verified'].id}/history/")
    assert trail.status_code == 200 and {entry["user"] for entry in trail.json()["results"]} == {None}
    assert nobody.get(f"/api/v1/claims/{claims['unverified'].id}/history/").status_code == 404


def _rates(settings, user, anon):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": {"user": user, "anon": anon}}


def test_anonymous_throttle_is_429_with_retry_after(api_client, settings):
    _rates(settings, "100/day", "2/day")  # fixed windows: a day's, so that the test can't straddle two
    assert [api_client.get("/api/v1/claims/").status_code for _ in range(2)] == [200, 200]
    response = api_client.get("/api/v1/claims/")
    assert response.status_code == 429 and response.json()["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 86400
    # counted in the shared cache (the database table here, Redis in production), not in the process
    assert cache.get(f"throttle:anon:127.0.0.1:{int(time.time() // 86400)}") == 3


def test_user_throttle_is_per_user(journalist_client, checker_client, settings):
    _rates(settings, "2/day", "100/day")
    assert [journalist_client.get("/api/v1/claims/").status_code for _ in range(3)] == [200, 200, 429]
    assert checker_client.get("/api/v1/claims/").status_code == 200


@needs_redis
def test_throttle_counts_in_redis_across_processes(api_client, settings):
    from django.core.cache import caches

    prefix = f"factcheck-test-{time.time_ns()}"
    redis = {"BACKEND": "factcheck.cache.KeptClientRedisCache", "LOCATION": "redis://127.0.0.1:6379/15"}
    settings.CACHES = {"default": redis | {"KEY_PREFIX": prefix}}
    _rates(settings, "100/day", "2/day")
    client = caches["default"]._cache.get_client(write=True)
    try:
        assert [api_client.get("/api/v1/claims/").status_code for _ in range(3)] == [200, 200, 429]
        # another worker process sees the same counter: it lives in Redis, with the window's expiry
        key = caches["default"].make_and_validate_key(f"throttle:anon:127.0.0.1:{int(time.time() // 86400)}")
        assert int(client.get(key)) == 3 and 0 < client.ttl(key) <= 86401
        # a window's counter that is already there (from another worker) keeps its expiry and counts on
        client.expire(key, 500)
        assert api_client.get("/api/v1/claims/").status_code == 429
        assert int(client.get(key)) == 4 and 0 < client.ttl(key) <= 500
    finally:
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
