"""The API as a door of the one write owner: a standing verdict's basis refused with 409 verdict_locked until the
claim is reopened, the version checked under the row lock (412) and raised once per change, each change audited."""

from decimal import Decimal

import pytest

from claims.choices import Status
from claims.models import Claim, Evidence
from tests.factories import SourceFactory

from .conftest import make_claim

pytestmark = pytest.mark.django_db
URL = "/api/v1/claims/"


def etag_of(client, claim) -> str:
    return client.get(f"{URL}{claim.id}/")["ETag"]


def test_changing_a_verified_claims_figure_is_409_until_it_is_reopened(checker_client, fact_checker):
    claim = make_claim(status=Status.VERIFIED, reviewer=fact_checker)
    tag = etag_of(checker_client, claim)
    response = checker_client.patch(f"{URL}{claim.id}/", {"value": "999"}, format="json", HTTP_IF_MATCH=tag)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "verdict_locked" and body["status"] == 409
    assert "its verdict rests on value" in body["detail"] and "Reopen the claim" in body["detail"]
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.value, stored.version, stored.status) == (Decimal("245000000000"), 1, Status.VERIFIED)
    assert stored.history.count() == 1

    reopened = checker_client.post(f"{URL}{claim.id}/transition/", {"to": "in_review", "note": "New data."},
                                   format="json", HTTP_IF_MATCH=tag)  # fmt: skip
    assert reopened.status_code == 200
    response = checker_client.patch(f"{URL}{claim.id}/", {"value": "999"}, format="json",
                                    HTTP_IF_MATCH=reopened["ETag"])  # fmt: skip
    assert response.status_code == 200, response.json()
    assert response.json()["quantity"]["value"].startswith("999") and response["ETag"] == 'W/"3"'
    latest = Claim.objects.get(pk=claim.pk).history.latest()
    assert latest.history_user == fact_checker and latest.history_change_reason == "edited through the API: value"


def test_the_verdict_text_and_subject_are_locked_too(checker_client, fact_checker):
    claim = make_claim(status=Status.FALSE, reviewer=fact_checker)
    for change in ({"subject": "Another subject"}, {"verdict_note": "Rewritten"}, {"period": "2013/2024"}):
        response = checker_client.patch(f"{URL}{claim.id}/", change, format="json", HTTP_IF_MATCH='W/"1"')
        assert response.status_code == 409 and response.json()["code"] == "verdict_locked", change
        words = next(iter(change)).replace("_", " ")  # the field as the desk names it
        assert f"its verdict rests on {words}, which" in response.json()["detail"]
    assert Claim.objects.get(pk=claim.pk).version == 1
    # a change to what the verdict doesn't rest on passes
    assert checker_client.patch(f"{URL}{claim.id}/", {"key": "trade-2024"}, format="json",
                                HTTP_IF_MATCH='W/"1"').status_code == 200  # fmt: skip


def test_an_appearances_quote_on_a_verified_claim_is_409(checker_client, fact_checker):
    claim = make_claim(status=Status.VERIFIED, reviewer=fact_checker)
    appearance = claim.appearances.get()
    url = f"/api/v1/appearances/{appearance.id}/"
    response = checker_client.patch(url, {"quote": "A quote the verdict never judged"}, format="json",
                                    HTTP_IF_MATCH=etag_of(checker_client, claim))  # fmt: skip
    assert response.status_code == 409 and response.json()["code"] == "verdict_locked"
    assert "its quotes" in response.json()["detail"]
    appearance.refresh_from_db()
    assert appearance.quote == "trade reached approximately $245 billion"
    assert Claim.objects.get(pk=claim.pk).version == 1
    # who said it is not what was judged
    response = checker_client.patch(url, {"claimant": "The minister"}, format="json", HTTP_IF_MATCH='W/"1"')
    assert response.status_code == 200 and response["ETag"] == 'W/"2"'


def test_decisive_evidence_of_a_verdict_stays_but_evidence_may_be_added(checker_client, admin_client_api, fact_checker):
    claim = make_claim(status=Status.VERIFIED, reviewer=fact_checker)
    evidence = claim.evidence.get()
    url = f"/api/v1/evidence/{evidence.id}/"
    changed = checker_client.patch(url, {"relation": "context"}, format="json", HTTP_IF_MATCH='W/"1"')
    assert changed.status_code == 409 and "decisive evidence" in changed.json()["detail"]
    deleted = admin_client_api.delete(url, HTTP_IF_MATCH='W/"1"')
    assert deleted.status_code == 409 and deleted.json()["code"] == "verdict_locked"
    assert Evidence.objects.filter(pk=evidence.pk, relation="supports").exists()
    located = checker_client.patch(url, {"locator": "table 3"}, format="json", HTTP_IF_MATCH='W/"1"')
    assert located.status_code == 200 and located["ETag"] == 'W/"2"'
    data = {"claim": claim.id, "source": SourceFactory().id, "relation": "contradicts", "excerpt": "Only $190 bn."}
    added = checker_client.post("/api/v1/evidence/", data, format="json", HTTP_IF_MATCH=located["ETag"])
    assert added.status_code == 201 and added["ETag"] == 'W/"3"'
    record = Evidence.objects.get(pk=added.json()["id"]).history.get()
    assert record.history_user == fact_checker and record.history_change_reason == "added through the API"


def test_a_stale_if_match_on_evidence_is_412_and_nothing_changes(checker_client):
    claim = make_claim()
    evidence = claim.evidence.get()
    url = f"/api/v1/evidence/{evidence.id}/"
    assert checker_client.patch(url, {"locator": "p. 1"}, format="json", HTTP_IF_MATCH='W/"1"').status_code == 200
    stale = checker_client.patch(url, {"locator": "p. 2"}, format="json", HTTP_IF_MATCH='W/"1"')
    assert stale.status_code == 412 and stale.json()["code"] == "stale_version"
    assert "your version 1, now 2" in stale.json()["detail"]
    evidence.refresh_from_db()
    assert evidence.locator == "p. 1" and Claim.objects.get(pk=claim.pk).version == 2
