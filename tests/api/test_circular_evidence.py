"""Circular verification through the API: evidence from a source the claim appears in can't support or contradict
it (400 on `relation`), the claim can't appear in a source that does (400 on `source`), and a verdict doesn't rest
on such evidence linked before the rule (409 saying why)."""

import pytest

from claims.choices import Status
from claims.models import Appearance, Claim, Evidence
from tests.factories import EvidenceFactory, SourceFactory

from .conftest import make_claim

pytestmark = pytest.mark.django_db


def test_evidence_from_the_claims_own_article_cant_support_it(checker_client):
    claim = make_claim(evidence=False)
    article = claim.appearances.get().source
    data = {"claim": claim.id, "source": article.id, "relation": "supports", "excerpt": "$245 billion"}
    response = checker_client.post("/api/v1/evidence/", data, format="json", HTTP_IF_MATCH='W/"1"')
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "circular_evidence" and list(body["fields"]) == ["relation"]
    assert body["fields"]["relation"][0].startswith(f"The claim appears in “{article.title}”, so that source can't")
    assert not Evidence.objects.exists() and Claim.objects.get(pk=claim.pk).version == 1

    cited = checker_client.post("/api/v1/evidence/", data | {"relation": "cited"}, format="json", HTTP_IF_MATCH='W/"1"')
    assert cited.status_code == 201, cited.json()
    url = f"/api/v1/evidence/{cited.json()['id']}/"
    response = checker_client.patch(url, {"relation": "contradicts"}, format="json", HTTP_IF_MATCH=cited["ETag"])
    assert response.status_code == 400 and "can't contradict it" in response.json()["fields"]["relation"][0]
    assert Evidence.objects.get().relation == "cited" and Claim.objects.get(pk=claim.pk).version == 2


def test_an_appearance_in_a_source_that_supports_the_claim_is_400_on_source(checker_client):
    claim = make_claim()  # its evidence supports it from another source than its appearance's
    customs = claim.evidence.get().source
    data = {"claim": claim.id, "source": customs.id, "quote": "trade reached approximately $245 billion"}
    response = checker_client.post("/api/v1/appearances/", data, format="json", HTTP_IF_MATCH='W/"1"')
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "circular_evidence" and list(body["fields"]) == ["source"]
    assert body["fields"]["source"][0].startswith(f"“{customs.title}” is evidence that supports this claim")
    assert Appearance.objects.filter(claim=claim).count() == 1 and Claim.objects.get(pk=claim.pk).version == 1


def test_a_verdict_resting_only_on_circular_evidence_is_409_with_the_reason(checker_client):
    claim = make_claim(status=Status.IN_REVIEW, evidence=False)
    article = claim.appearances.get().source
    EvidenceFactory(claim=claim, source=article, relation="supports")  # linked before the rule
    url = f"/api/v1/claims/{claim.id}/transition/"
    response = checker_client.post(url, {"to": "verified", "note": "It says so."}, format="json", HTTP_IF_MATCH='W/"1"')
    assert response.status_code == 409 and response.json()["code"] == "transition_refused"
    assert f"the claim appears in “{article.title}”" in response.json()["detail"]
    assert Claim.objects.get(pk=claim.pk).status == Status.IN_REVIEW
    EvidenceFactory(claim=claim, source=SourceFactory(), relation="supports")
    response = checker_client.post(url, {"to": "verified", "note": "Customs agree."}, format="json",
                                   HTTP_IF_MATCH='W/"1"')  # fmt: skip
    assert response.status_code == 200 and Claim.objects.get(pk=claim.pk).status == Status.VERIFIED
