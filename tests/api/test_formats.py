"""CSV and NDJSON exports, ClaimReview JSON-LD and its feed, and the claims:search compatibility endpoint."""

import csv
import io
import json

import pytest
from django.test import override_settings

from claims.api.exports import neutralise
from claims.choices import Status

from .conftest import make_claim

pytestmark = pytest.mark.django_db
URL = "/api/v1/claims/"


def streamed(response) -> str:
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def test_csv_streams_every_matching_row(journalist_client, claims):
    response = journalist_client.get(URL, {"format": "csv", "status": "verified,false", "page_size": 1})
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="claims.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(streamed(response))))
    assert {int(r["id"]) for r in rows} == {claims["verified"].id, claims["false"].id}
    verified = next(r for r in rows if int(r["id"]) == claims["verified"].id)
    assert verified["value"] == "245000000000" and verified["display"] == "≈ $245 bn"
    assert verified["first_publisher"] == "CSIS" and verified["textual_rating"] == "Verified"


def test_csv_neutralises_formulas_but_not_negative_numbers(journalist_client):
    claim = make_claim(subject='=HYPERLINK("http://evil")', value=-12.5, unit="percent", claim_type="change")
    claim.appearances.update(quote="@SUM(A1:A9) said the minister", claimant="-2+3")
    rows = list(csv.DictReader(io.StringIO(streamed(journalist_client.get(URL, {"format": "csv"})))))
    row = rows[0]
    assert row["subject"] == '\'=HYPERLINK("http://evil")'
    assert row["first_quote"] == "'@SUM(A1:A9) said the minister" and row["first_claimant"] == "'-2+3"
    assert row["value"] == "-12.5"
    assert [neutralise(v) for v in ("-3", "+4.5", "1e5", "\tx", "\rx", "plain")] == [
        "-3", "+4.5", "1e5", "'\tx", "'\rx", "plain"]  # fmt: skip


def test_ndjson_one_claim_a_line(api_client, claims):
    response = api_client.get(URL, {"format": "ndjson", "fields": "id,status"})
    assert response.status_code == 200 and response["Content-Type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in streamed(response).splitlines()]
    assert {(c["id"], c["status"]) for c in lines} == {
        (claims["verified"].id, "verified"),
        (claims["false"].id, "false"),
    }


def test_export_errors_are_json(journalist_client):
    response = journalist_client.get(URL, {"format": "csv", "status": "bogus"})
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert response.json()["fields"]["status"]


@override_settings(CLAIMREVIEW_AUTHOR={"name": "The Desk", "url": "https://desk.example.org/"})
def test_claimreview_has_googles_required_and_recommended_properties(api_client, claims):
    claim = claims["verified"]
    response = api_client.get(f"{URL}{claim.id}/claimreview/")
    assert response.status_code == 200 and response["Content-Type"] == "application/ld+json"
    review = json.loads(response.content)
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    # required
    assert review["claimReviewed"] == "trade reached approximately $245 billion" and len(review["claimReviewed"]) <= 75
    assert review["reviewRating"]["alternateName"] == "Verified"
    assert review["url"] == f"http://testserver/fact-checks/{claim.id}-trade-reached-approximately-245-billion/"
    assert review["author"] == {"@type": "Organization", "name": "The Desk", "url": "https://desk.example.org/"}
    # recommended
    assert review["datePublished"] == claim.published_at.date().isoformat()
    rating = review["reviewRating"]
    assert (rating["ratingValue"], rating["bestRating"], rating["worstRating"]) == (5, 5, 1)
    item = review["itemReviewed"]
    assert item["@type"] == "Claim" and item["datePublished"] == "2024-05-01"
    assert item["author"] == {"@type": "Organization", "name": "CSIS"}
    assert item["firstAppearance"]["url"] == item["appearance"][0]["url"] == claim.appearances.get().source.url
    assert item["firstAppearance"]["headline"] == "Russia-China trade report"


def test_claimreview_without_numeric_rating_and_long_quote(api_client):
    claim = make_claim(status=Status.UNVERIFIABLE, subject="Wheat harvest", rating_value=None)
    claim.appearances.update(quote="x" * 200, claimant="A minister")
    review = api_client.get(f"{URL}{claim.id}/claimreview/").json()
    assert "ratingValue" not in review["reviewRating"] and review["reviewRating"]["alternateName"] == "Unverifiable"
    assert review["claimReviewed"].startswith("Wheat harvest: ≈ $245 bn") and len(review["claimReviewed"]) <= 75
    assert review["itemReviewed"]["author"] == {"@type": "Person", "name": "A minister"}


def test_no_claimreview_without_verdict(journalist_client, claims):
    response = journalist_client.get(f"{URL}{claims['in_review'].id}/claimreview/")
    assert response.status_code == 404 and "no published verdict" in response.json()["detail"]


def test_claimreview_feed(api_client, journalist_client, claims):
    feed = json.loads(streamed(journalist_client.get("/api/v1/claimreviews/")))
    assert feed["@type"] == "DataFeed"
    reviewed = {e["url"].split("/fact-checks/")[1].split("-")[0] for e in feed["dataFeedElement"]}
    assert reviewed == {str(claims["verified"].id), str(claims["false"].id)}
    assert all(e["@type"] == "ClaimReview" for e in feed["dataFeedElement"])
    only = json.loads(streamed(api_client.get("/api/v1/claimreviews/", {"unit": "count"})))
    assert len(only["dataFeedElement"]) == 1


@override_settings(CLAIMREVIEW_AUTHOR={"name": "The Desk", "url": "https://desk.example.org/"})
def test_claims_search_is_shaped_like_googles(api_client, claims):
    for i in range(3):
        make_claim(status=Status.FALSE, subject=f"Bilateral trade {i}")
    response = api_client.get("/api/v1/claims:search", {"query": "bilateral", "pageSize": 2, "languageCode": "en-US"})
    assert response.status_code == 200
    body = response.json()
    assert len(body["claims"]) == 2 and body["nextPageToken"]
    claim = body["claims"][0]
    assert set(claim) >= {"text", "claimReview"}
    review = claim["claimReview"][0]
    assert review["publisher"] == {"name": "The Desk", "site": "desk.example.org"}
    assert set(review) == {"publisher", "url", "title", "reviewDate", "textualRating", "languageCode"}
    assert review["reviewDate"].endswith("Z")
    rest = api_client.get("/api/v1/claims:search", {"query": "bilateral", "pageSize": 2, "languageCode": "en-US",
                                                    "pageToken": body["nextPageToken"]}).json()  # fmt: skip
    assert len(rest["claims"]) == 2 and "nextPageToken" not in rest
    assert api_client.get("/api/v1/claims:search", {"query": "bilateral", "languageCode": "fr"}).json() == {
        "claims": []
    }
    other_site = api_client.get("/api/v1/claims:search", {"reviewPublisherSiteFilter": "other.org"}).json()
    assert other_site == {"claims": []}
    ours = api_client.get("/api/v1/claims:search", {"reviewPublisherSiteFilter": "desk.example.org"}).json()
    assert len(ours["claims"]) == 5
    assert api_client.get("/api/v1/claims:search").status_code == 400
    assert api_client.get("/api/v1/claims:search", {"query": "x", "pageToken": "!!"}).status_code == 400
