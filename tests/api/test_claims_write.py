"""Writing through the API: who may, If-Match (428 / 412), read-only fields, transitions, appearances, evidence."""

from decimal import Decimal

import pytest

from claims.choices import EvidenceRelation, Status
from claims.models import Appearance, Claim, Evidence
from tests.factories import SourceFactory, publish

from .conftest import make_claim

pytestmark = pytest.mark.django_db
URL = "/api/v1/claims/"
NEW = {"subject": "Defence budget", "claim_type": "current_value", "value": "86000000000", "unit": "USD",
       "qualifier": "over", "period": "2024"}  # fmt: skip


def etag_of(client, claim) -> str:
    return client.get(f"{URL}{claim.id}/")["ETag"]


def test_fact_checker_creates_a_claim(checker_client, fact_checker):
    response = checker_client.post(URL, NEW, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    claim = Claim.objects.get(pk=body["id"])
    assert claim.status == Status.UNVERIFIED and claim.value == Decimal("86000000000")
    assert claim.period_start.isoformat() == "2024-01-01" and claim.key.startswith("auto:")
    assert body["quantity"]["display"] == "> $86 bn"
    assert response["ETag"] == 'W/"1"' and response["Location"].endswith(f"/api/v1/claims/{claim.id}/")
    record = claim.history.get()
    assert record.history_user == fact_checker and record.history_change_reason == "created through the API"


def test_anonymous_write_is_401_and_journalist_403(api_client, journalist_client):
    assert api_client.post(URL, NEW, format="json").status_code == 401
    response = journalist_client.post(URL, NEW, format="json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert not Claim.objects.exists()


def test_invalid_claim_is_400_with_fields(checker_client):
    response = checker_client.post(URL, NEW | {"period": "2024/2013", "unit": "parsecs"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"period", "unit"}
    constraint = checker_client.post(URL, NEW | {"unit": "percent", "value": "250"}, format="json")
    assert constraint.status_code == 400 and constraint.json()["fields"]
    assert not Claim.objects.exists()


def test_edit_needs_if_match(checker_client, claims):
    claim = claims["unverified"]
    response = checker_client.patch(f"{URL}{claim.id}/", {"subject": "New subject"}, format="json")
    assert response.status_code == 428 and response.json()["code"] == "if_match_required"
    claim.refresh_from_db()
    assert claim.subject == "Unverified trade figure"


def test_edit_with_current_etag(checker_client, claims, fact_checker):
    claim = claims["unverified"]
    response = checker_client.patch(f"{URL}{claim.id}/", {"subject": "New subject", "period": "2013/2024"},
                                    format="json", HTTP_IF_MATCH=etag_of(checker_client, claim))  # fmt: skip
    assert response.status_code == 200, response.json()
    assert response.json()["subject"] == "New subject" and response.json()["period"]["display"] == "2013–2024"
    assert response["ETag"] == f'W/"{claim.version + 1}"'
    claim.refresh_from_db()
    assert claim.subject == "New subject" and claim.version == 2
    latest = claim.history.first()
    assert latest.history_user == fact_checker and "subject" in latest.history_change_reason


def test_stale_etag_is_412_and_nothing_changes(checker_client, claims):
    claim = claims["unverified"]
    stale = etag_of(checker_client, claim)
    checker_client.patch(f"{URL}{claim.id}/", {"subject": "First edit"}, format="json", HTTP_IF_MATCH=stale)
    response = checker_client.patch(f"{URL}{claim.id}/", {"subject": "Second edit"}, format="json",
                                    HTTP_IF_MATCH=stale)  # fmt: skip
    assert response.status_code == 412 and response.json()["code"] == "stale_version"
    claim.refresh_from_db()
    assert claim.subject == "First edit" and claim.version == 2
    plain = checker_client.patch(f"{URL}{claim.id}/", {"subject": "Third"}, format="json", HTTP_IF_MATCH='"2"')
    assert plain.status_code == 200


def test_read_only_fields_cannot_be_mass_assigned(checker_client, claims):
    claim = claims["unverified"]
    for field, value in (("status", "verified"), ("version", 99), ("reviewer", 1), ("created_at", "2020-01-01")):
        response = checker_client.patch(f"{URL}{claim.id}/", {field: value}, format="json",
                                        HTTP_IF_MATCH=etag_of(checker_client, claim))  # fmt: skip
        assert response.status_code == 400 and field in response.json()["fields"], field
    claim.refresh_from_db()
    assert claim.status == Status.UNVERIFIED and claim.version == 1


def test_invisible_claim_is_404_for_writes_too(journalist_client, api_client, claims):
    assert api_client.get(f"{URL}{claims['unverified'].id}/").status_code == 404
    assert journalist_client.patch(f"{URL}999999/", {}, format="json", HTTP_IF_MATCH='W/"1"').status_code == 403


def test_transition_verifies_with_the_workflow(checker_client, claims, fact_checker):
    claim = claims["in_review"]
    response = checker_client.post(f"{URL}{claim.id}/transition/", {"to": "verified", "note": "Matches customs."},
                                   format="json", HTTP_IF_MATCH=etag_of(checker_client, claim))  # fmt: skip
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "verified" and body["verdict"]["textual_rating"] == "True"
    assert body["verdict"]["reviewer"]["username"] == "checker"
    claim.refresh_from_db()
    assert claim.status == Status.VERIFIED and claim.reviewer == fact_checker
    assert claim.history.first().history_change_reason == "In review → Verified: Matches customs."


def test_refused_transition_is_409_with_the_workflow_message(checker_client, claims):
    claim = claims["unverified"]
    response = checker_client.post(f"{URL}{claim.id}/transition/", {"to": "verified"}, format="json",
                                   HTTP_IF_MATCH=etag_of(checker_client, claim))  # fmt: skip
    assert response.status_code == 409
    assert response.json()["code"] == "transition_refused"
    assert "can't go from unverified to verified" in response.json()["detail"]
    claim.refresh_from_db()
    assert claim.status == Status.UNVERIFIED


def test_transition_needs_role_and_if_match(journalist_client, checker_client, claims):
    claim = claims["in_review"]
    assert journalist_client.post(f"{URL}{claim.id}/transition/", {"to": "verified"}, format="json",
                                  HTTP_IF_MATCH='W/"1"').status_code == 403  # fmt: skip
    assert checker_client.post(f"{URL}{claim.id}/transition/", {"to": "verified"}, format="json").status_code == 428
    stale = checker_client.post(f"{URL}{claim.id}/transition/", {"to": "verified"}, format="json",
                                HTTP_IF_MATCH='W/"7"')  # fmt: skip
    assert stale.status_code == 412
    claim.refresh_from_db()
    assert claim.status == Status.IN_REVIEW


def test_history_shows_who_what_and_why(checker_client, journalist_client, api_client, claims):
    claim = claims["in_review"]
    checker_client.post(f"{URL}{claim.id}/transition/", {"to": "verified", "note": "Matches customs."},
                        format="json", HTTP_IF_MATCH=etag_of(checker_client, claim))  # fmt: skip
    response = journalist_client.get(f"{URL}{claim.id}/history/")
    assert response.status_code == 200
    latest = response.json()["results"][0]
    assert latest["user"]["username"] == "checker" and latest["type"] == "changed"
    assert latest["reason"] == "In review → Verified: Matches customs."
    assert {"field": "status", "label": "Status", "old": "in_review", "new": "verified"} in latest["changes"]
    # a verdict is public once a second person publishes it
    assert api_client.get(f"{URL}{claim.id}/history/").status_code == 404
    publish(Claim.objects.get(pk=claim.id))
    # anyone who may see the claim reads its trail, without the people (who changed it, assignee, reviewer)
    public = api_client.get(f"{URL}{claim.id}/history/")
    assert public.status_code == 200 and public.json()["results"][0]["user"] is None
    assert public.json()["results"][0]["reason"] == "published"
    assert public.json()["results"][1]["reason"] == latest["reason"]
    assert not {c["field"] for e in public.json()["results"] for c in e["changes"]} & {"assignee", "reviewer"}
    assert api_client.get(f"{URL}{claims['unverified'].id}/history/").status_code == 404


def test_appearance_offsets_are_placed_in_the_source_text(checker_client, claims):
    claim = claims["unverified"]
    source = SourceFactory(text="Officials said trade reached $245 billion in 2024. Later: trade reached $245 billion.")
    data = {"claim": claim.id, "source": source.id, "quote": "trade reached $245 billion"}
    assert checker_client.post("/api/v1/appearances/", data, format="json").status_code == 428  # the claim's If-Match
    response = checker_client.post("/api/v1/appearances/", data, format="json", HTTP_IF_MATCH='W/"1"')
    assert response.status_code == 201, response.json()
    assert (response.json()["start_offset"], response.json()["end_offset"]) == (15, 41)
    appearance = Appearance.objects.get(pk=response.json()["id"])
    assert appearance.start_offset == 15
    claim.refresh_from_db()
    assert claim.version == 2 and response["ETag"] == 'W/"2"'
    # the second occurrence, by start; then a quote that isn't there
    other = SourceFactory(text=source.text)
    second = checker_client.post("/api/v1/appearances/", data | {"source": other.id, "start": 58}, format="json",
                                 HTTP_IF_MATCH=response["ETag"])  # fmt: skip
    assert second.status_code == 201 and second.json()["start_offset"] == 58
    missing = checker_client.post("/api/v1/appearances/", data | {"source": SourceFactory(text="Nothing here.").id},
                                  format="json", HTTP_IF_MATCH=second["ETag"])  # fmt: skip
    assert missing.status_code == 400 and "not found verbatim" in missing.json()["fields"]["quote"][0]
    assert claim.appearances.count() == 3


def test_appearance_edit_and_delete_under_if_match(checker_client, admin_client_api, claims):
    claim = claims["unverified"]
    appearance = claim.appearances.get()
    url = f"/api/v1/appearances/{appearance.id}/"
    assert checker_client.patch(url, {"claimant": "A minister"}, format="json").status_code == 428
    response = checker_client.patch(url, {"claimant": "A minister"}, format="json",
                                    HTTP_IF_MATCH=checker_client.get(url)["ETag"])  # fmt: skip
    assert response.status_code == 200 and response.json()["claimant"] == "A minister"
    assert checker_client.delete(url, HTTP_IF_MATCH=response["ETag"]).status_code == 403
    assert admin_client_api.delete(url, HTTP_IF_MATCH='W/"1"').status_code == 412
    assert admin_client_api.delete(url, HTTP_IF_MATCH=response["ETag"]).status_code == 204
    assert not claim.appearances.exists()


def test_evidence_create_and_edit(checker_client, journalist_client, claims):
    claim = claims["unverified"]
    source = SourceFactory()
    data = {"claim": claim.id, "source": source.id, "relation": "contradicts", "excerpt": "Only $200 billion.",
            "source_value": "200000000000"}  # fmt: skip
    assert journalist_client.post("/api/v1/evidence/", data, format="json").status_code == 403
    assert checker_client.post("/api/v1/evidence/", data, format="json").status_code == 428
    response = checker_client.post("/api/v1/evidence/", data, format="json", HTTP_IF_MATCH='W/"1"')
    assert response.status_code == 201, response.json()
    assert response.json()["gap_percent"] == "22.5"
    evidence = Evidence.objects.get(pk=response.json()["id"])
    assert evidence.relation == EvidenceRelation.CONTRADICTS
    duplicate = checker_client.post("/api/v1/evidence/", data, format="json", HTTP_IF_MATCH=response["ETag"])
    assert duplicate.status_code == 409 and Evidence.objects.filter(claim=claim).count() == 2
    url = f"/api/v1/evidence/{evidence.id}/"
    moved = checker_client.patch(url, {"claim": claims["in_review"].id}, format="json", HTTP_IF_MATCH=response["ETag"])
    assert moved.status_code == 400
    edited = checker_client.patch(url, {"locator": "p. 4"}, format="json", HTTP_IF_MATCH=response["ETag"])
    assert edited.status_code == 200 and edited.json()["locator"] == "p. 4"


def test_verify_through_the_api_end_to_end(checker_client):
    """The fact-checker's path: create, review, add evidence, verify; each step under the latest ETag."""
    created = checker_client.post(URL, NEW, format="json")
    claim_id, tag = created.json()["id"], created["ETag"]
    review = checker_client.post(f"{URL}{claim_id}/transition/", {"to": "in_review"}, format="json", HTTP_IF_MATCH=tag)
    assert review.status_code == 200
    data = {"claim": claim_id, "source": SourceFactory().id, "relation": "supports", "excerpt": "Over $86bn."}
    evidence = checker_client.post("/api/v1/evidence/", data, format="json", HTTP_IF_MATCH=review["ETag"])
    assert evidence.status_code == 201
    verified = checker_client.post(f"{URL}{claim_id}/transition/", {"to": "verified", "note": "Budget law."},
                                   format="json", HTTP_IF_MATCH=evidence["ETag"])  # fmt: skip
    assert verified.status_code == 200 and verified.json()["status"] == "verified"
    assert Claim.objects.get(pk=claim_id).status == Status.VERIFIED


def test_put_replaces_editable_fields(checker_client):
    claim = make_claim()
    response = checker_client.put(f"{URL}{claim.id}/", NEW | {"key": claim.key}, format="json",
                                  HTTP_IF_MATCH=etag_of(checker_client, claim))  # fmt: skip
    assert response.status_code == 200, response.json()
    claim.refresh_from_db()
    assert claim.subject == "Defence budget" and claim.qualifier == "over"
