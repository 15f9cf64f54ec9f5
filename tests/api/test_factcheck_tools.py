"""claims:search as Google's Fact Check Tools API: page tokens bound to their query, Google's standard parameters,
and Google's own client (google-api-python-client, its packaged discovery document) working unchanged against the
desk's /factchecktools/ root."""

import json
from urllib.parse import parse_qs, urlsplit

import httplib2
import pytest
from django.test import Client, override_settings
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from claims.choices import Status

from .conftest import make_claim

pytestmark = pytest.mark.django_db
SEARCH = "/api/v1/claims:search"
ROOT = "http://testserver/factchecktools/"


@pytest.fixture
def reviews(db):
    return [make_claim(status=Status.FALSE, subject=f"Bilateral trade {i}") for i in range(5)]


def test_page_token_is_bound_to_its_query(api_client, reviews):
    first = api_client.get(SEARCH, {"query": "bilateral", "pageSize": 2}).json()
    token = first["nextPageToken"]
    second = api_client.get(SEARCH, {"query": "bilateral", "pageSize": 2, "pageToken": token}).json()
    assert len(second["claims"]) == 2 and second["nextPageToken"] != token
    seen = [c["claimReview"][0]["url"] for c in first["claims"] + second["claims"]]
    assert len(set(seen)) == 4
    for name, changed in (("query", {"query": "trade", "pageSize": 2}), ("pageSize", {"query": "bilateral"}),
                          ("maxAgeDays", {"query": "bilateral", "pageSize": 2, "maxAgeDays": 30})):  # fmt: skip
        response = api_client.get(SEARCH, changed | {"pageToken": token})
        assert response.status_code == 400, changed
        message = response.json()["fields"]["pageToken"][0]
        assert message.startswith(f"was given for other parameters (not the same: {name})"), message


def test_offset_with_page_token_is_refused(api_client, reviews):
    token = api_client.get(SEARCH, {"query": "bilateral", "pageSize": 2}).json()["nextPageToken"]
    for offset in ("0", "2", "4"):
        response = api_client.get(SEARCH, {"query": "bilateral", "pageSize": 2, "pageToken": token, "offset": offset})
        assert response.status_code == 400 and "pageToken" in response.json()["fields"]["offset"][0]
    # offset alone pages as before
    assert len(api_client.get(SEARCH, {"query": "bilateral", "offset": 4}).json()["claims"]) == 1


def test_forged_and_tampered_tokens_are_refused(api_client, reviews):
    token = api_client.get(SEARCH, {"query": "bilateral", "pageSize": 2}).json()["nextPageToken"]
    import base64

    forged = base64.urlsafe_b64encode(b"4").decode().rstrip("=")  # the unsigned offsets tokens used to be
    for bad in (forged, token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "x" * 2001, "a:b:c"):
        response = api_client.get(SEARCH, {"query": "bilateral", "pageSize": 2, "pageToken": bad})
        assert response.status_code == 400 and "pageToken" in response.json()["fields"], bad


def test_googles_standard_parameters(api_client, reviews):
    asked = {"query": "bilateral", "key": "AIza-anything", "alt": "json", "quotaUser": "me"}
    compact = api_client.get(SEARCH, asked)
    assert compact.status_code == 200 and b"\n" not in compact.content
    for yes, no in (("true", "false"), ("1", "0"), ("True", "False")):
        pretty = api_client.get(SEARCH, asked | {"prettyPrint": yes})
        assert pretty.status_code == 200 and b'\n  "claims"' in pretty.content
        assert json.loads(pretty.content) == compact.json()
        assert b"\n" not in api_client.get(SEARCH, asked | {"prettyPrint": no}).content
    assert api_client.get(SEARCH, asked | {"prettyPrint": "maybe"}).status_code == 400
    refused = api_client.get(SEARCH, asked | {"alt": "proto"})
    assert refused.status_code == 400 and "alt" in refused.json()["fields"]
    # the same view at Google's path
    assert api_client.get("/factchecktools/v1alpha1/claims:search", asked).json() == compact.json()
    missing = api_client.get("/factchecktools/v1alpha1/claims:list")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


class DjangoHttp:
    """httplib2.Http's request() as Google's client calls it, answered by Django's test client: the client builds
    its requests (URL, parameters, headers) exactly as against Google."""

    def __init__(self):
        self.client, self.uris = Client(), []

    def request(self, uri, method="GET", body=None, headers=None, redirections=5, connection_type=None):
        self.uris.append(uri)
        parts = urlsplit(uri)
        assert f"{parts.scheme}://{parts.netloc}" == "http://testserver"
        sent = {k: v for k, v in (headers or {}).items() if k.lower() not in ("content-length", "accept-encoding")}
        response = self.client.generic(method, f"{parts.path}?{parts.query}", body or "", headers=sent)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        info = {"status": str(response.status_code), **{k.lower(): v for k, v in response.items()}}
        return httplib2.Response(info), content


def google_service(http):
    return build(
        "factchecktools", "v1alpha1", developerKey="AIza-any-key", static_discovery=True, http=http,
        client_options={"api_endpoint": ROOT},
    )  # fmt: skip


@override_settings(CLAIMREVIEW_AUTHOR={"name": "The Desk", "url": "https://desk.example.org/"})
def test_googles_own_client_works_unchanged(reviews):
    http = DjangoHttp()
    claims = google_service(http).claims()
    request = claims.search(query="bilateral trade", languageCode="en-US", pageSize=2)
    first = request.execute()
    uri = urlsplit(http.uris[0])
    assert uri.path == "/factchecktools/v1alpha1/claims:search"
    sent = parse_qs(uri.query)
    assert sent["key"] == ["AIza-any-key"] and sent["alt"] == ["json"] and sent["pageSize"] == ["2"]
    assert len(first["claims"]) == 2 and first["nextPageToken"]
    assert first["claims"][0]["claimReview"][0]["publisher"] == {"name": "The Desk", "site": "desk.example.org"}
    # The client's own paging: search_next repeats every parameter with the token.
    seen = [c["claimReview"][0]["url"] for c in first["claims"]]
    page = first
    while (request := claims.search_next(request, page)) is not None:
        page = request.execute()
        seen += [c["claimReview"][0]["url"] for c in page["claims"]]
    assert len(seen) == len(set(seen)) == 5
    # ... also when the first request had an offset (it is repeated with the token).
    request = claims.search(query="bilateral trade", pageSize=2, offset=1, prettyPrint=True)
    page, found = request.execute(), 0
    while True:
        found += len(page["claims"])
        request = claims.search_next(request, page)
        if request is None:
            break
        page = request.execute()
    assert found == 4
    assert parse_qs(urlsplit(http.uris[-1]).query)["prettyPrint"] == ["true"]
    with pytest.raises(HttpError) as refused:
        claims.search(query="bilateral", pageToken=first["nextPageToken"]).execute()
    assert refused.value.resp.status == 400 and "pageToken" in json.loads(refused.value.content)["fields"]
