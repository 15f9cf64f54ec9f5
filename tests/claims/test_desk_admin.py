"""The desk in the admin: roles, status buttons, the version check, bulk actions, withdrawal and the import page."""

import io
import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from claims.admin.actions import assigned_message
from claims.importers import import_files
from claims.models import Claim
from tests.factories import ClaimFactory, EvidenceFactory

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def change_url(claim):
    return reverse("admin:claims_claim_change", args=[claim.pk])


def transition(client, claim, to, **extra):
    data = {"to": to, "note": "", "expected_version": Claim.objects.get(pk=claim.pk).version, **extra}
    return client.post(reverse("admin:claims_claim_transition", args=[claim.pk]), data)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def form_data(response) -> dict:
    """The POST a browser would send for the change form as rendered (main form and inline formsets)."""
    data = {}
    adminform = response.context["adminform"]
    for name in adminform.form.fields:
        value = adminform.form[name].value()
        if value is not None:
            data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = formset.management_form[name].value()
        for form in formset.forms:
            for name in form.fields:
                value = form[name].value()
                if value is not None:
                    data[form.add_prefix(name)] = value
    return {key: ("" if value is None else value) for key, value in data.items()}


# --- roles --------------------------------------------------------------------------------------------------------
def test_journalist_reads_but_cannot_change_or_move_status(client, journalist):
    claim = ClaimFactory()
    client.force_login(journalist)
    assert client.get(reverse("admin:claims_claim_changelist")).status_code == 200
    page = client.get(change_url(claim))
    assert page.status_code == 200 and b"move-in_review" not in page.content
    assert client.post(change_url(claim), {"subject": "Changed"}).status_code == 403
    response = transition(client, claim, "in_review")
    assert "fact-checker role" in " ".join(messages_of(response))
    assert Claim.objects.get(pk=claim.pk).status == "unverified"


def test_crafted_status_in_the_edit_form_is_ignored(client, fact_checker):
    claim = ClaimFactory()
    client.force_login(fact_checker)
    data = form_data(client.get(change_url(claim))) | {"status": "verified", "reviewer": fact_checker.pk, "version": 99}
    response = client.post(change_url(claim), data)
    assert response.status_code == 302, response.content[:2000]
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.status, stored.reviewer, stored.version) == ("unverified", None, 2)


def test_fact_checker_moves_a_claim_with_the_buttons(client, fact_checker):
    claim = ClaimFactory()
    client.force_login(fact_checker)
    assert b'id="move-in_review"' in client.get(change_url(claim)).content
    transition(client, claim, "in_review", note="Picking it up")
    response = transition(client, claim, "verified", note="Matches customs data")
    assert "first add evidence" in " ".join(messages_of(response))
    EvidenceFactory(claim=claim, relation="supports", excerpt="Trade turnover reached $244.8bn.")
    response = transition(client, claim, "verified", note="Matches customs data", textual_rating="Accurate")
    assert "now verified" in " ".join(messages_of(response))
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.status, stored.reviewer, stored.textual_rating) == ("verified", fact_checker, "Accurate")
    page = client.get(change_url(claim)).content.decode()
    assert 'id="status-badge">Verified' in page and "<strong>Status:</strong> In review → Verified" in page
    assert "<td>Matches customs data</td>" in page


def test_transition_with_a_stale_version_is_refused(client, fact_checker):
    claim = ClaimFactory()
    client.force_login(fact_checker)
    response = client.post(
        reverse("admin:claims_claim_transition", args=[claim.pk]),
        {"to": "in_review", "expected_version": 0, "note": "mine"},
    )
    assert "changed by someone else" in " ".join(messages_of(response))
    assert "transition_note=mine" in response["Location"]
    assert Claim.objects.get(pk=claim.pk).status == "unverified"


def test_fact_checkers_cannot_delete_admins_can(client, fact_checker, desk_admin):
    claim = ClaimFactory()
    client.force_login(fact_checker)
    assert client.post(reverse("admin:claims_claim_delete", args=[claim.pk]), {"post": "yes"}).status_code == 403
    client.force_login(desk_admin)
    assert client.post(reverse("admin:claims_claim_delete", args=[claim.pk]), {"post": "yes"}).status_code == 302
    assert not Claim.objects.filter(pk=claim.pk).exists()


# --- no lost updates ----------------------------------------------------------------------------------------------
def test_second_of_two_concurrent_saves_is_refused_with_input_kept(client, fact_checker, second_checker):
    claim = ClaimFactory(subject="Original subject")
    first, second = client, type(client)()
    first.force_login(fact_checker)
    second.force_login(second_checker)
    form_one = form_data(first.get(change_url(claim)))
    form_two = form_data(second.get(change_url(claim)))
    assert first.post(change_url(claim), form_one | {"subject": "First editor's subject"}).status_code == 302
    response = second.post(change_url(claim), form_two | {"subject": "Second editor's subject"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "NOT saved" in page and "by checker" in page
    assert "Second editor&#x27;s subject" in page  # their input is still on screen
    assert Claim.objects.get(pk=claim.pk).subject == "First editor's subject"


def test_editing_the_period_text_sets_its_parts(client, fact_checker):
    claim = ClaimFactory()
    client.force_login(fact_checker)
    data = form_data(client.get(change_url(claim))) | {"period": "2013/.."}
    assert client.post(change_url(claim), data).status_code == 302
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.period, stored.display_period, stored.period_end) == ("2013/", "since 2013", None)
    response = client.post(change_url(claim), form_data(client.get(change_url(claim))) | {"period": "2023-02-30"})
    assert response.status_code == 200 and "not a real date" in response.content.decode()


def test_form_refuses_a_percentage_over_100_on_the_field(client, fact_checker):
    claim = ClaimFactory()
    client.force_login(fact_checker)
    data = form_data(client.get(change_url(claim))) | {"unit": "percent", "value": "140"}
    response = client.post(change_url(claim), data)
    assert response.status_code == 200 and "outside 0–100" in response.content.decode()


# --- list, bulk actions -------------------------------------------------------------------------------------------
def test_my_claims_is_one_click(client, fact_checker):
    mine, other = ClaimFactory(assignee=fact_checker, subject="Mine"), ClaimFactory(subject="Not mine")
    client.force_login(fact_checker)
    page = client.get(reverse("admin:claims_claim_changelist")).content.decode()
    assert 'href="?assignee=me"' in page
    listed = client.get(reverse("admin:claims_claim_changelist"), {"assignee": "me"}).content.decode()
    assert mine.subject in listed and other.subject not in listed


def test_bulk_send_to_review_reports_each_refusal(client, fact_checker):
    fresh = [ClaimFactory(), ClaimFactory()]
    busy = ClaimFactory(status="in_review")
    client.force_login(fact_checker)
    response = client.post(
        reverse("admin:claims_claim_changelist"),
        {"action": "send_to_review", "_selected_action": [c.pk for c in [*fresh, busy]]},
        follow=True,
    )
    notes = " ".join(messages_of(response))
    assert "2 claims are now in review." in notes
    assert f"Claim {busy.pk} ({busy.subject}) refused: The claim is already in review." in notes
    assert set(Claim.objects.values_list("status", flat=True)) == {"in_review"}


def test_bulk_verdict_asks_for_a_note_then_moves_what_the_rules_allow(client, fact_checker):
    ready = ClaimFactory(status="in_review")
    EvidenceFactory(claim=ready, relation="contradicts", excerpt="It was $190bn.")
    bare = ClaimFactory(status="in_review")
    client.force_login(fact_checker)
    selected = {"action": "mark_false", "_selected_action": [ready.pk, bare.pk]}
    page = client.post(reverse("admin:claims_claim_changelist"), selected)
    assert page.status_code == 200 and b'name="note"' in page.content
    response = client.post(
        reverse("admin:claims_claim_changelist"),
        selected | {"apply": "1", "note": "Customs data disagree."},
        follow=True,
    )
    notes = " ".join(messages_of(response))
    assert "1 claim is now false." in notes and f"Claim {bare.pk}" in notes and "first add evidence" in notes
    assert Claim.objects.get(pk=ready.pk).verdict_note == "Customs data disagree."
    assert Claim.objects.get(pk=bare.pk).status == "in_review"


def test_bulk_assign(client, desk_admin, fact_checker):
    claims = [ClaimFactory(), ClaimFactory()]
    client.force_login(desk_admin)
    client.post(
        reverse("admin:claims_claim_changelist"),
        {"action": "assign_to", "_selected_action": [c.pk for c in claims], "apply": "1", "assignee": fact_checker.pk},
    )
    assert set(fact_checker.assigned_claims.all()) == set(claims)


def test_withdraw_keeps_the_claim(client, fact_checker):
    claim, successor = ClaimFactory(), ClaimFactory()
    client.force_login(fact_checker)
    url = reverse("admin:claims_claim_withdraw", args=[claim.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "Merged into a clearer claim", "superseded_by": successor.pk})
    assert response.status_code == 302
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.withdrawn_at and stored.superseded_by == successor
    assert "withdrawn" in client.get(change_url(claim)).content.decode()


def test_claim_page_shows_the_quote_inside_its_paragraph(client, fact_checker):
    assert import_files(sorted(FIXTURES.glob("*.json"))).ok
    claim = Claim.objects.get(appearances__quote__contains="met over 42 times")
    client.force_login(fact_checker)
    page = client.get(change_url(claim)).content.decode()
    assert '<mark class="claim-quote">' in page
    assert "a testament to the depth of their partnership" in page  # the rest of the paragraph


# --- import page --------------------------------------------------------------------------------------------------
def upload(client, name, content, **extra):
    file = io.BytesIO(content.encode())
    file.name = name
    return client.post(reverse("admin:claims_claim_import"), {"file": file, **extra}, follow=True)


def test_import_page_previews_then_imports(client, desk_admin):
    client.force_login(desk_admin)
    document = {
        "claims": [
            {
                "key": "k1",
                "subject": "Trade",
                "claim_type": "current_value",
                "quantity": "$3.5 billion",
                "period": "as of 2024",
            }
        ]
    }
    preview = upload(client, "a.json", json.dumps(document))
    assert preview.status_code == 200 and "nothing written yet" in preview.content.decode()
    assert not Claim.objects.exists()
    token = preview.context["token"]
    done = client.post(reverse("admin:claims_claim_import"), {"token": token}, follow=True)
    assert "Imported a.json" in done.content.decode()
    claim = Claim.objects.get(key="k1")
    assert claim.history.get().history_user == desk_admin
    assert client.post(reverse("admin:claims_claim_import"), {"token": token}, follow=True).status_code == 200
    assert Claim.objects.count() == 1


def test_import_page_lists_errors_and_writes_nothing(client, desk_admin):
    client.force_login(desk_admin)
    response = upload(client, "a.csv", "subject,claim_type,value,unit\nA,ranking,1,count\nB,ranking,x,count\n")
    page = response.content.decode()
    assert "can't be imported" in page and "line 3" in page and "is not a number" in page
    assert 'id="confirm-import"' not in page and not Claim.objects.exists()


def test_import_page_needs_the_admin_role(client, fact_checker):
    client.force_login(fact_checker)
    assert client.get(reverse("admin:claims_claim_import")).status_code == 403


# --- create_user --------------------------------------------------------------------------------------------------
def test_create_user_command(capsys):
    call_command("create_user", "ana", "--role", "fact-checker")
    out = capsys.readouterr().out
    assert "Created fact-checker 'ana'. Password: " in out
    user = get_user_model().objects.get(username="ana")
    assert user.is_staff and user.has_perm("claims.change_claim_status") and not user.has_perm("claims.delete_claim")
    password = out.split("Password: ")[1].split()[0]
    assert user.check_password(password)
    call_command("create_user", "ana", "--role", "journalist")
    user = get_user_model().objects.get(username="ana")
    assert list(user.groups.values_list("name", flat=True)) == ["journalist"]
    with pytest.raises(CommandError):
        call_command("create_user", "bob", "--role", "overlord")


def test_a_missing_excerpt_is_flagged_on_the_claim_page_and_in_the_list(client, fact_checker):
    from django.utils import timezone

    claim = ClaimFactory(subject="Flagged claim")
    EvidenceFactory(claim=claim, excerpt_missing_since=timezone.now())
    ClaimFactory(subject="Clean claim")
    client.force_login(fact_checker)
    response = client.get(change_url(claim))
    assert "no longer on its source" in " ".join(messages_of(response))
    assert f"not found since {timezone.now():%Y-%m-%d}" in response.content.decode()
    listed = client.get(reverse("admin:claims_claim_changelist"), {"excerpt_missing": "yes"}).content.decode()
    assert "Flagged claim" in listed and "Clean claim" not in listed


@pytest.mark.parametrize(
    ("count", "who", "message"),
    [
        (1, "you", "1 claim assigned to you."),
        (3, "you", "3 claims assigned to you."),
        (1, "checker", "1 claim assigned to checker."),
        (0, "checker", "0 claims assigned to checker."),
        (1, None, "1 claim unassigned."),
        (2, None, "2 claims unassigned."),
    ],
)
def test_assignment_messages_say_one_claim_or_many(count, who, message):
    assert assigned_message(count, who) == message


def test_bulk_messages_are_singular_for_one(client, fact_checker):
    claim = ClaimFactory()
    client.force_login(fact_checker)
    changelist = reverse("admin:claims_claim_changelist")
    moved = client.post(changelist, {"action": "send_to_review", "_selected_action": [claim.pk]}, follow=True)
    assigned = client.post(changelist, {"action": "assign_to_me", "_selected_action": [claim.pk]}, follow=True)
    assert messages_of(moved) == ["1 claim is now in review."]
    assert messages_of(assigned) == ["1 claim assigned to you."]
    assert "(s)" not in " ".join(messages_of(moved) + messages_of(assigned))


def test_a_transition_form_error_names_the_field_in_words(client, fact_checker):
    claim = ClaimFactory(status="in_review")
    client.force_login(fact_checker)
    url = reverse("admin:claims_claim_transition", args=[claim.pk])
    response = client.post(url, {"to": "verified", "rating_value": "9", "expected_version": claim.version}, follow=True)
    [message] = messages_of(response)
    assert message.startswith("Rating value: ") and "rating_value" not in message
