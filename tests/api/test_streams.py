"""Streamed answers (CSV, NDJSON, the ClaimReview feed): every parameter is checked and the first rows are read
before the first byte, so a problem is an ordinary JSON error; a failure after the answer started ends it in a way
a client detects (NDJSON: a last {"error": …} line; CSV and JSON: the stream breaks off). factcheck.api.streaming."""

import datetime as dt
import json

import pytest
from django.db import DataError

from claims.api import exports

pytestmark = pytest.mark.django_db
FAR_WEST = "2000-01-01T00:00:00-20:00"  # Python accepts offsets to ±23:59, PostgreSQL to ±15:59


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(
    ("url", "media"),
    [
        ("/api/v1/claims/", "application/json"),
        ("/api/v1/claims/?format=csv", "text/csv; charset=utf-8"),
        ("/api/v1/claims/?format=ndjson", "application/x-ndjson"),
        ("/api/v1/claimreviews/", "application/ld+json"),
    ],
)
def test_any_offset_python_reads_is_a_time_the_filter_compares(api_client, claims, url, media):
    joiner = "&" if "?" in url else "?"
    response = api_client.get(f"{url}{joiner}updated_after={FAR_WEST.replace('+', '%2B')}")
    assert response.status_code == 200 and response["Content-Type"] == media
    content = body(response)
    if media == "text/csv; charset=utf-8":
        assert content.decode().count("\n") == 3  # the header and the two published claims
    elif media == "application/x-ndjson":
        assert len(content.splitlines()) == 2
    elif media == "application/ld+json":
        assert len(json.loads(content)["dataFeedElement"]) == 2
    else:
        assert json.loads(content)["count"] == 2


@pytest.mark.parametrize("url", ["/api/v1/claims/", "/api/v1/claims/?format=csv", "/api/v1/claimreviews/"])
def test_a_time_outside_the_calendar_in_utc_is_a_400(api_client, claims, url):
    joiner = "&" if "?" in url else "?"
    response = api_client.get(f"{url}{joiner}updated_after=0001-01-01T00:00:00%2B20:00")
    assert response.status_code == 400 and not response.streaming
    assert "updated_after" in response.json()["fields"]


def test_later_times_filter_alike_in_every_offset(api_client, claims):
    newest = max(c.updated_at for c in claims.values())
    assert api_client.get("/api/v1/claims/", {"updated_after": newest.isoformat()}).json()["count"] == 0
    west = newest.astimezone(dt.timezone(dt.timedelta(hours=-20)))
    assert api_client.get("/api/v1/claims/", {"updated_after": west.isoformat()}).json()["count"] == 0


@pytest.fixture
def failing_related_rows(monkeypatch):
    """related_rows fails at the n-th chunk (a chunk is one claim here)."""
    monkeypatch.setattr(exports, "CHUNK", 1)
    real, calls = exports.related_rows, []

    def fail_at(n):
        def related_rows(*args, **kwargs):
            calls.append(1)
            if len(calls) == n:
                raise DataError("the database failed")
            return real(*args, **kwargs)

        monkeypatch.setattr(exports, "related_rows", related_rows)

    return fail_at


@pytest.mark.parametrize(
    "url", ["/api/v1/claims/?format=csv", "/api/v1/claims/?format=ndjson", "/api/v1/claimreviews/"]
)
def test_a_failure_before_the_first_byte_is_a_json_error(api_client, claims, failing_related_rows, url):
    failing_related_rows(1)
    response = api_client.get(url)
    assert not response.streaming and response.status_code == 400
    assert response["Content-Type"] == "application/json" and response.json()["code"] == "invalid"


def test_ndjson_that_fails_part_way_ends_with_an_error_line(api_client, claims, failing_related_rows):
    failing_related_rows(2)
    response = api_client.get("/api/v1/claims/?format=ndjson")
    assert response.status_code == 200
    lines = body(response).splitlines()
    assert len(lines) == 2 and "id" in json.loads(lines[0])
    assert json.loads(lines[-1]) == {
        "error": {
            "status": 500,
            "code": "stream_failed",
            "detail": "The answer failed part-way: what came before this line is incomplete. It has been logged; "
            "retry.",
            "fields": {},
        }
    }


@pytest.mark.parametrize("url", ["/api/v1/claims/?format=csv", "/api/v1/claimreviews/"])
def test_csv_and_json_that_fail_part_way_break_off(api_client, claims, failing_related_rows, url):
    failing_related_rows(2)
    response = api_client.get(url)
    assert response.status_code == 200
    parts = iter(response.streaming_content)
    assert next(parts)  # the first rows went out
    with pytest.raises(DataError):  # the server drops the connection before the chunked body's end
        list(parts)
