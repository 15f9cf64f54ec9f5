"""Syncing with `updated_after` sees what left: a verdict reopened (or moved off a verdict) or a claim deleted is in
the list's `removed` and, for the ClaimReview feed, a DataFeedItem with dateDeleted; read from the audit trail."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from claims.choices import Status
from claims.selectors import removed_claims
from claims.services import claim_delete, claim_transition
from claims.services.workflow import claim_withdraw
from tests.factories import publish

from .conftest import make_claim

pytestmark = pytest.mark.django_db
URL = "/api/v1/claims/"
FEED = "/api/v1/claimreviews/"


def reopen(claim, actor):
    return claim_transition(claim=claim, to=Status.IN_REVIEW, actor=actor, note="New figures came out.")


def feed(client, **params):
    response = client.get(FEED, params)
    assert response.status_code == 200
    return json.loads(b"".join(response.streaming_content))["dataFeedElement"]


def test_a_reopened_verdict_is_removed_for_anonymous_sync(api_client, journalist_client, fact_checker):
    kept, reopened = make_claim(status=Status.VERIFIED), make_claim(status=Status.FALSE)
    since = timezone.now()
    reopened = reopen(reopened, fact_checker)
    body = api_client.get(URL, {"updated_after": since.isoformat()}).json()
    assert body["results"] == [] and [r["id"] for r in body["removed"]] == [reopened.id]
    (removed,) = body["removed"]
    assert removed["reason"] == "unpublished" and since < dt.datetime.fromisoformat(removed["removed_at"])
    # In cursor mode too (every page of the sync carries it).
    cursor = api_client.get(URL, {"updated_after": since.isoformat(), "cursor": ""}).json()
    assert [r["id"] for r in cursor["removed"]] == [reopened.id]
    # A window that starts after the move has nothing to remove; a sync without updated_after has no list.
    assert api_client.get(URL, {"updated_after": timezone.now().isoformat()}).json()["removed"] == []
    assert "removed" not in api_client.get(URL).json()
    # A journalist still sees the claim (in review): it changed, it didn't leave.
    journalist = journalist_client.get(URL, {"updated_after": since.isoformat()}).json()
    assert [c["id"] for c in journalist["results"]] == [reopened.id] and journalist["removed"] == []
    assert kept.id not in {r["id"] for r in body["removed"]}


def test_republished_and_never_published_claims_are_not_removed(api_client, fact_checker):
    back = make_claim(status=Status.VERIFIED)
    draft = make_claim(status=Status.UNVERIFIED)
    since = timezone.now()
    back = reopen(back, fact_checker)
    back = claim_transition(claim=back, to=Status.VERIFIED, actor=fact_checker, note="Checked again.")
    publish(back)  # a second person publishes the new verdict: back in sight
    claim_transition(claim=draft, to=Status.IN_REVIEW, actor=fact_checker)
    body = api_client.get(URL, {"updated_after": since.isoformat()}).json()
    assert [c["id"] for c in body["results"]] == [back.id] and body["removed"] == []


def test_a_deleted_claim_is_removed_for_everyone(api_client, journalist_client, desk_admin, fact_checker):
    published, draft = make_claim(status=Status.VERIFIED), make_claim()
    since = timezone.now()
    published_id, draft_id = published.id, draft.id
    claim_delete(claim=published, actor=desk_admin)
    claim_delete(claim=draft, actor=desk_admin)
    anonymous = api_client.get(URL, {"updated_after": since.isoformat()}).json()["removed"]
    assert [(r["id"], r["reason"]) for r in anonymous] == [(published_id, "deleted")]  # the draft was never seen
    journalist = journalist_client.get(URL, {"updated_after": since.isoformat()}).json()["removed"]
    assert [(r["id"], r["reason"]) for r in journalist] == [(published_id, "deleted"), (draft_id, "deleted")]


def test_a_withdrawn_verdict_stays_in_the_sync_with_its_withdrawal(api_client, desk_admin):
    claim = make_claim(status=Status.VERIFIED)
    since = timezone.now()
    claim_withdraw(claim=claim, actor=desk_admin, reason="Superseded by the revised statistics.")
    body = api_client.get(URL, {"updated_after": since.isoformat()}).json()
    assert body["removed"] == [] and [c["id"] for c in body["results"]] == [claim.id]
    assert body["results"][0]["withdrawal"]["reason"] == "Superseded by the revised statistics."


def test_claimreview_feed_has_tombstones_for_reviews_taken_down(api_client, journalist_client, fact_checker):
    kept, reopened = make_claim(status=Status.VERIFIED), make_claim(status=Status.MISLEADING)
    since = timezone.now()
    reopened = reopen(reopened, fact_checker)
    for client in (api_client, journalist_client):  # the feed has verdicts only, for every reader
        elements = feed(client, updated_after=since.isoformat())
        assert len(elements) == 1
        (tombstone,) = elements
        assert tombstone["@type"] == "DataFeedItem" and tombstone["item"]["@type"] == "ClaimReview"
        assert tombstone["item"]["url"].endswith(f"/fact-checks/{reopened.id}/")  # the page's tombstone (410)
        assert since < dt.datetime.fromisoformat(tombstone["dateDeleted"])
    everything = feed(api_client)
    assert [e["@type"] for e in everything] == ["ClaimReview"] and str(kept.id) in everything[0]["url"]


def test_removed_costs_one_query_whatever_its_length(api_client, fact_checker, django_assert_num_queries):
    claims = [make_claim(status=Status.VERIFIED) for _ in range(6)]
    since = timezone.now()
    reopen(claims[0], fact_checker)
    with django_assert_num_queries(1):
        assert len(removed_claims(user=None, since=since)) == 1
    for claim in claims[1:]:
        reopen(claim, fact_checker)
    with django_assert_num_queries(1):
        assert len(removed_claims(user=None, since=since)) == 6
    refused = api_client.get(URL, {"updated_after": "yesterday"})
    assert refused.status_code == 400 and "updated_after" in refused.json()["fields"]
