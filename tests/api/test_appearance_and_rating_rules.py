"""The appearance date, the claimant and the textual rating: one rule each (claims.appearances, claims.choices),
and ClaimReview and claims:search, the two outputs that publish them, say the same."""

import datetime as dt

import pytest
from django.test import override_settings

from claims.choices import Status, textual_rating_of
from tests.factories import AppearanceFactory, ClaimFactory, PublisherFactory, SourceFactory, publish

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("desk_site"),
]
URL = "/api/v1/claims/"
SITE = {"reviewPublisherSiteFilter": "desk.example.org", "pageSize": 100}


@pytest.fixture
def desk_site():
    with override_settings(CLAIMREVIEW_AUTHOR={"name": "The Desk", "url": "https://desk.example.org/"}):
        yield


def _search_by_url(api_client) -> dict[str, dict]:
    response = api_client.get("/api/v1/claims:search", SITE)
    assert response.status_code == 200
    return {claim["claimReview"][0]["url"]: claim for claim in response.json()["claims"]}


def _claimreview(api_client, claim):
    return api_client.get(f"{URL}{claim.id}/claimreview/")


@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("written", ["", "Exaggerated"])
def test_textual_rating_is_the_same_in_claimreview_and_claims_search(api_client, status, written):
    claim = ClaimFactory(status=status, textual_rating=written, reviewed_at=dt.datetime(2025, 1, 2, tzinfo=dt.UTC))
    AppearanceFactory(claim=claim)
    review = _claimreview(api_client, claim)
    found = _search_by_url(api_client)
    expected = {
        ("verified", ""): "True",
        ("false", ""): "False",
        ("misleading", ""): "Misleading",
        ("unverifiable", ""): "Unverifiable",
    }.get((status, written), written)
    if status in (Status.UNVERIFIED, Status.IN_REVIEW):
        # No verdict, no rating: neither output publishes the claim, whatever its row holds.
        assert textual_rating_of(status, written) == ""
        assert review.status_code == 404 and found == {}
        return
    assert review.status_code == 200
    alternate_name = review.json()["reviewRating"]["alternateName"]
    (searched,) = found.values()
    assert alternate_name == searched["claimReview"][0]["textualRating"] == textual_rating_of(status, written)
    assert alternate_name == expected
    assert searched["claimReview"][0]["url"] == review.json()["url"]


CLAIMANTS = [
    # (claimant, authors, publisher) -> (name, schema.org type), or None
    (("A minister", ["Jane Roe"], "CSIS"), ("A minister", "Person")),
    (("", ["Jane Roe", "John Doe"], "CSIS"), ("Jane Roe", "Person")),
    (("", [], "CSIS"), ("CSIS", "Organization")),
    (("", [], None), None),
]


@pytest.mark.parametrize(("given", "expected"), CLAIMANTS)
def test_claimant_is_the_same_in_claimreview_and_claims_search(api_client, given, expected):
    claimant, authors, publisher = given
    source = SourceFactory(authors=authors, publisher=PublisherFactory(name=publisher) if publisher else None)
    claim = ClaimFactory(
        status=Status.FALSE, textual_rating="False", reviewed_at=dt.datetime(2025, 1, 2, tzinfo=dt.UTC)
    )
    AppearanceFactory(claim=claim, source=source, claimant=claimant)
    item = _claimreview(api_client, claim).json()["itemReviewed"]
    (searched,) = _search_by_url(api_client).values()
    if expected is None:
        assert "author" not in item and "claimant" not in searched
        return
    name, kind = expected
    assert item["author"] == {"@type": kind, "name": name}
    assert item["firstAppearance"]["author"] == item["author"]
    assert searched["claimant"] == name


DATES = [
    # (stated_on, the source's published_on) -> the appearance's date
    ((dt.date(2024, 6, 1), dt.date(2024, 5, 1)), dt.date(2024, 6, 1)),
    ((None, dt.date(2024, 5, 1)), dt.date(2024, 5, 1)),
    ((None, None), None),
]


@pytest.mark.parametrize(("given", "expected"), DATES)
def test_appearance_date_is_the_same_in_claimreview_claims_search_and_the_claim(api_client, given, expected):
    stated_on, published_on = given
    source = SourceFactory(published_on=published_on, published_precision="day" if published_on else "")
    claim = ClaimFactory(
        status=Status.FALSE, textual_rating="False", reviewed_at=dt.datetime(2025, 1, 2, tzinfo=dt.UTC)
    )
    appearance = AppearanceFactory(claim=claim, source=source, stated_on=stated_on)
    item = _claimreview(api_client, claim).json()["itemReviewed"]
    (searched,) = _search_by_url(api_client).values()
    (shown,) = api_client.get(f"{URL}{claim.id}/").json()["appearances"]
    assert appearance.date == expected
    if expected is None:
        assert "datePublished" not in item and "claimDate" not in searched and shown["date"] is None
        return
    assert item["datePublished"] == item["firstAppearance"]["datePublished"] == expected.isoformat()
    assert searched["claimDate"] == f"{expected.isoformat()}T00:00:00Z"
    assert shown["date"] == expected.isoformat()


def test_first_appearance_is_the_same_in_the_admin_rule_and_the_api(api_client):
    """The earliest by date, undated last: the ClaimReview's firstAppearance and claims:search's text agree."""
    claim = ClaimFactory(
        status=Status.FALSE, textual_rating="False", reviewed_at=dt.datetime(2025, 1, 2, tzinfo=dt.UTC)
    )
    AppearanceFactory(claim=claim, quote="undated", source=SourceFactory(published_on=None))
    AppearanceFactory(
        claim=claim,
        quote="published later",
        source=SourceFactory(published_on=dt.date(2025, 3, 1), published_precision="day"),
    )
    earliest = AppearanceFactory(
        claim=claim,
        quote="stated earlier",
        stated_on=dt.date(2024, 6, 1),
        source=SourceFactory(published_on=dt.date(2025, 6, 1), published_precision="day"),
    )
    from claims.models import first_appearance_of

    assert first_appearance_of(claim.appearances.select_related("source")) == earliest
    item = _claimreview(api_client, claim).json()["itemReviewed"]
    (searched,) = _search_by_url(api_client).values()
    assert item["firstAppearance"]["url"] == earliest.source.url
    assert searched["text"] == "stated earlier"


@pytest.mark.parametrize("verdict", [Status.VERIFIED, Status.FALSE, Status.MISLEADING, Status.UNVERIFIABLE])
@pytest.mark.parametrize("written", ["", "  Exaggerated "])
def test_a_verdict_stores_the_rating_both_outputs_show(api_client, fact_checker, verdict, written):
    from claims.services import claim_transition
    from tests.factories import EvidenceFactory

    claim = ClaimFactory(status=Status.IN_REVIEW)
    AppearanceFactory(claim=claim)
    EvidenceFactory(claim=claim, relation="supports", excerpt="The customs data agree.")
    moved = claim_transition(claim=claim, to=verdict, actor=fact_checker, note="Checked.", textual_rating=written)
    defaults = {"verified": "True", "false": "False", "misleading": "Misleading", "unverifiable": "Unverifiable"}
    expected = "Exaggerated" if written else defaults[verdict]
    assert moved.textual_rating == textual_rating_of(verdict, written) == expected
    publish(moved)
    alternate_name = _claimreview(api_client, moved).json()["reviewRating"]["alternateName"]
    (searched,) = _search_by_url(api_client).values()
    assert alternate_name == searched["claimReview"][0]["textualRating"] == moved.textual_rating
