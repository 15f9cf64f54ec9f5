"""If-Match as documented (factcheck.api.conditional): malformed is a 400, `*` and a missing header a 428, a tag of
no version a 412; appearances and evidence are added under their claim's If-Match too; a duplicate is a 409 in the
desk's words; an appearance's quote must be in its source's text when the source has text."""

import pytest

from claims.models import Appearance, Claim, Evidence
from tests.factories import SourceFactory

from .conftest import make_claim

pytestmark = pytest.mark.django_db
URL = "/api/v1/claims/"


@pytest.fixture
def claim(db):
    return make_claim()


def edit(client, claim, tag):
    return client.patch(f"{URL}{claim.id}/", {"subject": "Edited"}, format="json", HTTP_IF_MATCH=tag)


@pytest.mark.parametrize("tag", ["banana", "3", "W/3", 'W/"1', '"1" "2"', '"1",,banana'])
def test_a_header_that_is_no_entity_tag_is_a_400(checker_client, claim, tag):
    response = edit(checker_client, claim, tag)
    assert response.status_code == 400 and "is not an entity tag" in response.json()["fields"]["If-Match"][0]
    claim.refresh_from_db()
    assert claim.subject != "Edited" and claim.version == 1


@pytest.mark.parametrize("tag", ['""', 'W/"x"', '"99999999999999999999"', 'W/"2"'])
def test_a_tag_of_no_current_version_is_a_412(checker_client, claim, tag):
    response = edit(checker_client, claim, tag)
    assert response.status_code == 412 and response.json()["code"] == "stale_version"


def test_star_and_nothing_are_a_428(checker_client, claim):
    star = edit(checker_client, claim, "*")
    assert star.status_code == 428 and "If-Match: * matches any version" in star.json()["detail"]
    assert edit(checker_client, claim, "").status_code == 428
    assert checker_client.patch(f"{URL}{claim.id}/", {"subject": "x"}, format="json").status_code == 428


@pytest.mark.parametrize("tag", ['W/"1"', '"1"', ' W/"1" ', '"x", W/"1"'])
def test_the_forms_of_a_current_tag(checker_client, claim, tag):
    assert edit(checker_client, claim, tag).status_code == 200


@pytest.mark.parametrize("kind", ["appearances", "evidence"])
def test_adding_a_child_needs_the_claims_if_match(checker_client, claim, kind):
    data = {"claim": claim.id, "source": SourceFactory().id}
    data |= {"quote": "some words"} if kind == "appearances" else {"relation": "context"}
    before = (Appearance.objects.count(), Evidence.objects.count())
    assert checker_client.post(f"/api/v1/{kind}/", data, format="json").status_code == 428
    assert checker_client.post(f"/api/v1/{kind}/", data, format="json", HTTP_IF_MATCH="banana").status_code == 400
    assert checker_client.post(f"/api/v1/{kind}/", data, format="json", HTTP_IF_MATCH='W/"7"').status_code == 412
    assert (Appearance.objects.count(), Evidence.objects.count()) == before
    added = checker_client.post(f"/api/v1/{kind}/", data, format="json", HTTP_IF_MATCH='W/"1"')
    assert added.status_code == 201 and added["ETag"] == 'W/"2"'


def test_a_duplicate_appearance_is_a_409_in_the_desks_words(checker_client, claim):
    existing = claim.appearances.get()
    data = {"claim": claim.id, "source": existing.source_id, "quote": existing.quote}
    response = checker_client.post("/api/v1/appearances/", data, format="json", HTTP_IF_MATCH='W/"1"')
    assert response.status_code == 409
    assert response.json() == {
        "status": 409,
        "code": "duplicate",
        "detail": "This claim already has an appearance in this source: change that one.",
        "fields": {"non_field_errors": ["This claim already has an appearance in this source: change that one."]},
    }
    assert claim.appearances.count() == 1


def test_a_duplicate_piece_of_evidence_is_a_409(checker_client, claim):
    existing = claim.evidence.get()
    data = {"claim": claim.id, "source": existing.source_id, "relation": existing.relation}
    response = checker_client.post("/api/v1/evidence/", data, format="json", HTTP_IF_MATCH='W/"1"')
    assert response.status_code == 409 and response.json()["code"] == "duplicate"
    assert response.json()["detail"].startswith("This claim already has evidence from this source with this relation")
    assert "unique set" not in response.content.decode()


def test_a_duplicate_claim_key_is_a_409(checker_client, claim):
    new = {"key": claim.key, "subject": "Another", "claim_type": "current_value", "value": "1", "unit": "USD"}
    response = checker_client.post(URL, new, format="json")
    assert response.status_code == 409 and response.json()["code"] == "duplicate"
    assert response.json()["fields"] == {
        "key": ["Another claim has this key already: give another, or none to have one derived."]
    }
    assert Claim.objects.count() == 1


def test_a_quote_must_be_in_its_sources_text(checker_client, claim):
    source = SourceFactory(text="Officials said trade reached $245 billion in 2024.")
    data = {"claim": claim.id, "source": source.id, "quote": "trade reached $300 billion"}
    refused = checker_client.post("/api/v1/appearances/", data, format="json", HTTP_IF_MATCH='W/"1"')
    assert refused.status_code == 400 and "not found verbatim" in refused.json()["fields"]["quote"][0]
    # moving an appearance to a source whose text lacks its quote is refused the same way
    appearance = claim.appearances.get()
    moved = checker_client.patch(f"/api/v1/appearances/{appearance.id}/", {"source": source.id}, format="json",
                                 HTTP_IF_MATCH='W/"1"')  # fmt: skip
    assert moved.status_code == 400 and "quote" in moved.json()["fields"]
    appearance.refresh_from_db()
    assert appearance.source_id != source.id and claim.appearances.count() == 1
    # without a text, nothing to place it in: stored without offsets
    bare = checker_client.post("/api/v1/appearances/", data | {"source": SourceFactory(text="").id}, format="json",
                               HTTP_IF_MATCH='W/"1"')  # fmt: skip
    assert bare.status_code == 201 and bare.json()["start_offset"] is None


def test_the_schema_documents_the_preconditions(api_client):
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    for path in ("/api/v1/appearances/", "/api/v1/evidence/"):
        post = schema["paths"][path]["post"]
        assert {"412", "428", "409", "413"} <= set(post["responses"])
        assert any(p["name"] == "If-Match" and p["required"] for p in post["parameters"])
    assert "428" not in schema["paths"]["/api/v1/claims/"]["post"]["responses"]  # a new claim has no version yet


def test_anonymous_clients_read_the_history_of_published_claims(api_client, fact_checker):
    published = make_claim(status="verified", reviewer=fact_checker, assignee=fact_checker)
    unpublished = make_claim(status="in_review")
    response = api_client.get(f"{URL}{published.id}/history/")
    assert response.status_code == 200
    entries = response.json()["results"]
    assert entries and all(entry["user"] is None for entry in entries)
    assert not {c["field"] for entry in entries for c in entry["changes"]} & {"assignee", "reviewer"}
    assert {"field": "status", "label": "Status", "old": None, "new": "verified"} in entries[-1]["changes"]
    for hidden in (unpublished.id, 999999):
        refused = api_client.get(f"{URL}{hidden}/history/")
        assert refused.status_code == 404 and refused.json()["code"] == "not_found"
