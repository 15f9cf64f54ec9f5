"""History entries (claims.history.history_entry): one reading of the audit trail, and the admin's claim page and the
API's `/claims/{id}/history/` show the same entries — who, when, what changed from what to what, and why."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst

from claims.api.history import _plain
from claims.choices import Status
from claims.history import HIDDEN_FIELDS, history_entry, readable_entries
from claims.models import Claim, Evidence
from claims.services import claim_assign, claim_transition, claim_update, claim_withdraw, evidence_save
from tests.api.conftest import client_for
from tests.factories import ClaimFactory, EvidenceFactory, SourceFactory

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
    shown = {entry.id: entry for entry in page.context["history"] if entry.what.startswith("Claim ")}

    assert [entry["id"] for entry in api] == sorted(shown, reverse=True) and len(api) == 4
    for entry in api:
        admin = shown[entry["id"]]
        assert admin.type == entry["type"] and admin.what == f"Claim {entry['type']}"
        assert admin.date == dt.datetime.fromisoformat(entry["date"])
        assert admin.who == entry["user"]["username"]
        # The page says each change in words; the API keeps the field names and stored values.
        labels = {change.label for change in admin.changes}
        fields = {c["field"] for c in entry["changes"]}
        assert labels <= {str(capfirst(Claim._meta.get_field(name).verbose_name)) for name in fields}
        assert not fields & HIDDEN_FIELDS

    created, assigned, in_review, verified = reversed(api)
    assert created["type"] == "created" and created["reason"] == "created through the API"
    created_values = {c["field"]: c["new"] for c in created["changes"]}
    assert created_values["subject"] == "Defence budget" and created_values["value"] == "0"  # a 0 is a value
    assert {c["field"]: c["new"] for c in assigned["changes"]} == {"assignee": fact_checker.pk}
    assert assigned["reason"] == "assigned to checker" and assigned["user"]["username"] == desk_admin.username
    assert {"field": "status", "label": "Status", "old": "in_review", "new": "verified"} in verified["changes"]
    assert {"field": "verdict_note", "label": "Verdict note", "old": "", "new": "Matches the ledger."} in verified[
        "changes"
    ]
    assert verified["reason"] == "In review → Verified: Matches the ledger."
    assert shown[assigned["id"]].changes == [("Assignee", "", fact_checker.username)]
    assert shown[assigned["id"]].note == ""  # "assigned to checker" is the change itself
    assert ("Value", "", "$0") in shown[created["id"]].changes
    assert shown[created["id"]].note == "Created through the API"


def test_the_claim_page_shows_the_verdict_in_words_and_the_note_once(client, desk_admin, reviewed_claim):
    client.force_login(desk_admin)
    page = client.get(reverse("admin:claims_claim_change", args=[reviewed_claim.pk]))
    panel = page.content.decode()
    panel = panel[panel.index('id="claim-history"') :]
    verdict = page.context["history"][0]

    assert "<strong>Status:</strong> In review → Verified" in panel
    assert panel.count("In review → Verified") == 1  # the reason's copy of the move is the status change
    assert panel.count("Matches the ledger.") == 1  # the note, not also as a "Verdict note" change
    assert verdict.note == "Matches the ledger." and "Verdict note" not in {c.label for c in verdict.changes}
    assert ("Rating value", "", "5 (True)") in verdict.changes
    assert ("Reviewer", "", "checker") in verdict.changes
    assert "in_review" not in panel and "rating_value" not in panel and "verdict_note" not in panel


def test_the_full_history_page_reads_as_the_claim_page(client, desk_admin, reviewed_claim):
    client.force_login(desk_admin)
    page = client.get(reverse("admin:claims_claim_history", args=[reviewed_claim.pk]))
    text = page.content.decode()

    assert page.status_code == 200
    assert "<strong>Status:</strong> In review → Verified" in text and "<strong>Value:</strong> $0" in text
    assert text.count("Matches the ledger.") == 1 and "in_review" not in text and "4 entries" in text
    assert [record.entry.what for record in page.context["page_obj"]] == [
        "Claim changed",
        "Claim changed",
        "Claim changed",
        "Claim created",
    ]


def _changed(record_before, record_after):
    (shown,) = readable_entries([history_entry(record_after, record_before)])
    return shown


def _claim_rows(claim):
    newest, before = claim.history.order_by("-history_date", "-history_id")[:2]
    return before, newest


FIGURE = {"value": Decimal("245000000000"), "unit": "USD", "qualifier": "exact"}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"value": Decimal("300000000000")}, ("Value", "$245 bn", "$300 bn")),
        ({"value": Decimal("3500000000"), "unit": "EUR"}, ("Value", "$245 bn", "€3.5 bn")),
        ({"lower_bound": Decimal("200000000000")}, ("Lower bound", "", "$200 bn")),
        ({"qualifier": "approximately"}, ("Qualifier", "Exact", "Approximately")),
        ({"claim_type": "change"}, ("Claim type", "Current value", "Change over time")),
        ({"unit": "GBP"}, ("Unit", "US dollars", "Pounds sterling")),
        ({"subject": "Trade, corrected"}, ("Subject", "Trade", "Trade, corrected")),
        ({"period": "2023"}, ("Period start", "1 Jan 2024", "1 Jan 2023")),
    ],
    ids=lambda value: str(value)[:30],
)
def test_a_change_reads_in_words(fact_checker, data, expected):
    claim = ClaimFactory(subject="Trade", **FIGURE)
    claim_update(claim=claim, data=data, actor=fact_checker, expected_version=None)
    shown = _changed(*_claim_rows(claim))

    assert expected in shown.changes
    assert shown.note == "Edited through the API"  # the list of field names is the changes themselves
    assert shown.who == fact_checker.username and shown.what == "Claim changed"


def test_a_withdrawal_names_the_claim_that_supersedes_it_and_says_its_reason_once(fact_checker):
    claim, newer = ClaimFactory(subject="Old figure"), ClaimFactory(subject="New figure")
    claim_withdraw(claim=claim, actor=fact_checker, reason="A newer report.", superseded_by=newer)
    shown = _changed(*_claim_rows(claim))
    changes = {change.label: change for change in shown.changes}

    assert changes["Superseded by"] == ("Superseded by", "", "New figure")
    claim.refresh_from_db()
    assert changes["Withdrawn at"].new == f"{timezone.localtime(claim.withdrawn_at):%-d %b %Y, %H:%M}"
    assert "Withdrawal reason" not in changes and shown.note == "Withdrawn: A newer report."


def test_evidence_reads_with_its_source_by_name_and_its_figure_in_the_claims_unit(fact_checker):
    claim = ClaimFactory(unit="EUR", value=Decimal("1200000"))
    source = SourceFactory(title="Ministry of Finance, 2024 budget")
    evidence = evidence_save(
        evidence=Evidence(),
        data={"claim": claim, "source": source, "relation": "supports", "source_value": Decimal("1150000")},
        actor=fact_checker,
        expected_version=None,
    )
    (shown,) = readable_entries([history_entry(evidence.history.get(), None)])

    assert shown.what == "Evidence created" and shown.note == "Added through the API"
    assert ("Source", "", "Ministry of Finance, 2024 budget") in shown.changes
    assert ("Source value", "", "€1.15 m") in shown.changes
    assert ("Relation", "", "Supports") in shown.changes
    assert ("Claim", "", claim.subject) in shown.changes


def test_a_deleted_user_is_named_by_id(fact_checker, desk_admin):
    claim = ClaimFactory()
    claim_assign(claims=[claim], assignee=fact_checker, actor=desk_admin)
    before, newest = _claim_rows(claim)
    gone = fact_checker.pk
    fact_checker.delete()
    shown = _changed(before, newest)
    assert shown.changes == [("Assignee", "", f"#{gone} (since deleted)")]


def test_an_entry_read_twice_is_the_same(reviewed_claim):
    newest, before = reviewed_claim.history.order_by("-history_date", "-history_id")[:2]
    entry = history_entry(newest, before)
    assert entry == history_entry(newest, before)
    assert entry.kind == "claim" and entry.type == "changed" and entry.user is not None
    assert ("rating_value", None, 5) in entry.changes
    assert history_entry(newest, None).changes == []  # nothing to compare a change with
    assert str(_plain(Decimal("245000000000.000000"))) == "245000000000"  # the stored scale's zeros gone
