"""History entries (claims.history.history_entry): one reading of the audit trail, and the admin's claim page and the
API's `/claims/{id}/history/` show the same entries — who, when, what changed from what to what, and why."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from claims.api.history import _plain
from claims.choices import Status
from claims.history import HIDDEN_FIELDS, history_entry
from claims.models import Claim
from claims.services import claim_assign, claim_transition
from tests.api.conftest import client_for
from tests.factories import EvidenceFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/claims/"
NEW = {"subject": "Defence budget", "claim_type": "current_value", "value": "0", "unit": "USD", "period": "2024"}


@pytest.fixture
def reviewed_claim(fact_checker, desk_admin):
    """A claim created through the API, assigned in the admin's way, then reviewed: four history rows."""
    created = client_for(fact_checker).post(URL, NEW, format="json")
    assert created.status_code == 201, created.json()
    claim = Claim.objects.get(pk=created.json()["id"])
    claim_assign(claims=[claim], assignee=fact_checker, actor=desk_admin)
    claim = claim_transition(claim=Claim.objects.get(pk=claim.pk), to=Status.IN_REVIEW, actor=fact_checker)
    EvidenceFactory(claim=claim, relation="supports", excerpt="The budget is zero.")
    claim = claim_transition(claim=claim, to=Status.VERIFIED, actor=fact_checker, note="Matches the ledger.")
    return claim


def test_the_claim_page_and_the_api_show_the_same_entries(client, desk_admin, fact_checker, reviewed_claim):
    claim = reviewed_claim
    api = client_for(desk_admin).get(f"{URL}{claim.id}/history/").json()["results"]
    client.force_login(desk_admin)
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk]))
    shown = {entry.id: entry for entry in page.context["history"] if entry.kind == "claim"}

    assert [entry["id"] for entry in api] == sorted(shown, reverse=True) and len(api) == 4
    for entry in api:
        admin = shown[entry["id"]]
        assert (admin.type, admin.reason or None) == (entry["type"], entry["reason"])
        assert admin.date == dt.datetime.fromisoformat(entry["date"])
        assert admin.user.get_username() == entry["user"]["username"]
        api_changes = {c["field"]: (c["old"], c["new"]) for c in entry["changes"]}
        admin_changes = {c.field: (c.old, c.new) for c in admin.changes}
        assert set(api_changes) == set(admin_changes) and not set(api_changes) & HIDDEN_FIELDS
        for field, (old, new) in admin_changes.items():
            if field in ("assignee", "reviewer"):  # the page names the users the API gives by id
                ids = {None: None, fact_checker.username: fact_checker.pk}
                assert (ids[old], ids[new]) == api_changes[field]
            else:
                assert (_plain(old), _plain(new)) == api_changes[field]

    created, assigned, in_review, verified = reversed(api)
    assert created["type"] == "created" and created["reason"] == "created through the API"
    created_values = {c["field"]: c["new"] for c in created["changes"]}
    assert created_values["subject"] == "Defence budget" and created_values["value"] == "0"  # a 0 is a value
    assert {c["field"]: c["new"] for c in assigned["changes"]} == {"assignee": fact_checker.pk}
    assert assigned["reason"] == "assigned to checker" and assigned["user"]["username"] == desk_admin.username
    assert {"field": "status", "old": "in_review", "new": "verified"} in verified["changes"]
    assert verified["reason"] == "In review → Verified: Matches the ledger."
    assert shown[assigned["id"]].changes[0] == ("assignee", None, fact_checker.username)


def test_an_entry_read_twice_is_the_same(reviewed_claim):
    newest, before = reviewed_claim.history.order_by("-history_date", "-history_id")[:2]
    entry = history_entry(newest, before)
    assert entry == history_entry(newest, before)
    assert entry.kind == "claim" and entry.type == "changed" and entry.user is not None
    assert ("rating_value", None, 5) in entry.changes
    assert history_entry(newest, None).changes == []  # nothing to compare a change with
    assert str(_plain(Decimal("245000000000.000000"))) == "245000000000"  # the stored scale's zeros gone
