"""One owner for every write: the admin's form, inlines and actions, the source check and the services themselves
raise the claim's version once per change, in the database, refuse what a standing verdict rests on, and audit
each change with its actor and reason."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.db.models import F
from django.db.models.signals import pre_save
from django.urls import reverse
from django.utils import timezone

from claims.models import Appearance, Claim, Evidence
from claims.services import (
    StaleVersion,
    VerdictLocked,
    appearance_save,
    child_delete,
    claim_transition,
    claim_update,
    evidence_save,
)
from claims.source_checks import excerpt_check
from tests.factories import AppearanceFactory, ClaimFactory, EvidenceFactory, SourceFactory

from .test_desk_admin import change_url, form_data

pytestmark = pytest.mark.django_db

EXCERPT = "Trade turnover amounted to $244.8 billion."


def verified_claim(reviewer, **fields) -> Claim:
    """A verified claim with one appearance and the supporting evidence its verdict rests on."""
    claim = ClaimFactory(
        status="verified",
        textual_rating="True",
        rating_value=5,
        verdict_note="Matches the customs statistics.",
        reviewer=reviewer,
        reviewed_at=timezone.now() - dt.timedelta(days=1),
        **fields,
    )
    AppearanceFactory(claim=claim)
    EvidenceFactory(claim=claim, relation="supports", excerpt=EXCERPT)
    return claim


def version_of(claim: Claim) -> int:
    return Claim.objects.values_list("version", flat=True).get(pk=claim.pk)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- the admin's inlines: one change, one version -----------------------------------------------------------------
def test_an_admin_evidence_edit_raises_the_version_exactly_once_and_is_audited(client, fact_checker):
    claim = ClaimFactory()
    first, second = EvidenceFactory(claim=claim), EvidenceFactory(claim=claim, relation="context", excerpt="")
    client.force_login(fact_checker)
    data = form_data(client.get(change_url(claim)))
    before = version_of(claim)
    response = client.post(change_url(claim), data | {"evidence-0-locator": "p. 4", "evidence-1-locator": "p. 9"})
    assert response.status_code == 302, response.content[:3000]
    assert version_of(claim) == before + 1  # two pieces of evidence and the claim form: one save, one version
    assert claim.history.count() == 1  # the claim's own fields didn't change: no empty entry in its history
    assert (Evidence.objects.get(pk=first.pk).locator, Evidence.objects.get(pk=second.pk).locator) == ("p. 4", "p. 9")
    record = Evidence.objects.get(pk=first.pk).history.latest()
    assert record.history_user == fact_checker and record.history_change_reason == "edited through the admin: locator"


def test_an_admin_evidence_addition_raises_the_version_once(client, fact_checker):
    claim = ClaimFactory()
    client.force_login(fact_checker)
    data = form_data(client.get(change_url(claim)))
    source = SourceFactory()
    added = {"evidence-TOTAL_FORMS": "1", "evidence-0-source": source.pk, "evidence-0-relation": "context",
             "evidence-0-excerpt": "", "evidence-0-locator": "", "evidence-0-source_value": ""}  # fmt: skip
    response = client.post(change_url(claim), data | added)
    assert response.status_code == 302, response.content[:3000]
    assert version_of(claim) == 2
    evidence = Evidence.objects.get(claim=claim)
    assert evidence.history.get().history_change_reason == "added through the admin"


def test_an_admin_appearance_edit_raises_the_version_exactly_once(client, fact_checker):
    claim = ClaimFactory()
    appearance = AppearanceFactory(claim=claim)
    client.force_login(fact_checker)
    data = form_data(client.get(change_url(claim)))
    response = client.post(change_url(claim), data | {"appearances-0-claimant": "The minister"})
    assert response.status_code == 302, response.content[:3000]
    assert version_of(claim) == 2
    stored = Appearance.objects.get(pk=appearance.pk)
    assert stored.claimant == "The minister"
    record = stored.history.latest()
    assert record.history_user == fact_checker and record.history_change_reason == "edited through the admin: claimant"


def test_the_admin_bump_is_done_by_the_database(client, fact_checker):
    """Someone raises the version while the admin's save is under way: the save adds one to what the row holds."""
    claim = ClaimFactory()
    EvidenceFactory(claim=claim)
    client.force_login(fact_checker)
    data = form_data(client.get(change_url(claim)))

    def behind_the_back(sender, instance, **kwargs):
        Claim.objects.filter(pk=instance.claim_id).update(version=F("version") + 5)

    pre_save.connect(behind_the_back, sender=Evidence)
    try:
        response = client.post(change_url(claim), data | {"evidence-0-locator": "p. 4"})
    finally:
        pre_save.disconnect(behind_the_back, sender=Evidence)
    assert response.status_code == 302
    assert version_of(claim) == 1 + 5 + 1


# --- the version in the services ------------------------------------------------------------------------------
def test_the_version_rises_in_the_database_not_from_a_number_read_earlier(fact_checker):
    claim = ClaimFactory()
    loaded = Claim.objects.get(pk=claim.pk)  # version 1, as the caller read it
    Claim.objects.filter(pk=claim.pk).update(version=F("version") + 5)
    updated = claim_update(claim=loaded, data={"subject": "Trade in 2024"}, actor=fact_checker, expected_version=None)
    assert updated.version == 1 + 5 + 1 and version_of(claim) == 7

    def behind_the_back(sender, instance, **kwargs):  # between the service's read of the row and its write
        with connection.cursor() as cursor:
            cursor.execute("UPDATE claims_claim SET version = version + 5 WHERE id = %s", [instance.claim_id])

    pre_save.connect(behind_the_back, sender=Evidence)
    try:
        data = {"claim": loaded, "source": SourceFactory(), "relation": "context"}
        evidence_save(evidence=Evidence(), data=data, actor=fact_checker, expected_version=None)
    finally:
        pre_save.disconnect(behind_the_back, sender=Evidence)
    assert version_of(claim) == 7 + 5 + 1


def test_a_stale_expected_version_is_refused_and_nothing_is_saved(fact_checker):
    claim = ClaimFactory(subject="Original")
    evidence = EvidenceFactory(claim=claim)
    with pytest.raises(StaleVersion, match="NOT saved"):
        claim_update(claim=claim, data={"subject": "Changed"}, actor=fact_checker, expected_version=0)
    with pytest.raises(StaleVersion):
        evidence_save(evidence=evidence, data={"locator": "p. 1"}, actor=fact_checker, expected_version=3)
    with pytest.raises(StaleVersion):
        child_delete(obj=evidence, actor=fact_checker, expected_version=2)
    assert Claim.objects.get(pk=claim.pk).subject == "Original" and version_of(claim) == 1
    assert Evidence.objects.get(pk=evidence.pk).locator == ""


def test_status_is_not_writable_through_the_editing_services(fact_checker):
    claim = ClaimFactory()
    with pytest.raises(Exception, match="status"):
        claim_update(claim=claim, data={"status": "verified"}, actor=fact_checker, expected_version=1)
    assert Claim.objects.get(pk=claim.pk).status == "unverified" and version_of(claim) == 1


# --- the verdict lock in the services ---------------------------------------------------------------------------
def test_the_verdict_lock_in_the_services(fact_checker):
    claim = verified_claim(fact_checker)
    appearance, evidence = claim.appearances.get(), claim.evidence.get()
    with pytest.raises(VerdictLocked, match="its verdict rests on value"):
        claim_update(claim=claim, data={"value": Decimal("999")}, actor=fact_checker, expected_version=1)
    with pytest.raises(VerdictLocked, match="its quotes"):
        appearance_save(appearance=appearance, data={"quote": "Another quote"}, actor=fact_checker,
                        expected_version=None)  # fmt: skip
    with pytest.raises(VerdictLocked, match="decisive evidence"):
        evidence_save(evidence=evidence, data={"excerpt": "Other words."}, actor=fact_checker, expected_version=None)
    with pytest.raises(VerdictLocked, match="can't be deleted"):
        child_delete(obj=evidence, actor=fact_checker, expected_version=None)
    assert version_of(claim) == 1 and Claim.objects.get(pk=claim.pk).value == Decimal("245000000000")
    # what stays open: the record grows, the claimant and the locator change
    appearance, evidence = claim.appearances.get(), claim.evidence.get()  # as stored, not as the refusals left them
    appearance_save(appearance=appearance, data={"claimant": "A minister"}, actor=fact_checker, expected_version=1)
    evidence_save(evidence=evidence, data={"locator": "table 3"}, actor=fact_checker, expected_version=2)
    context = {"claim": claim, "source": SourceFactory(), "relation": "contradicts", "excerpt": "Only $190 bn."}
    evidence_save(evidence=Evidence(), data=context, actor=fact_checker, expected_version=3)
    assert version_of(claim) == 4
    # reopened, the figure may change
    claim_transition(claim=claim, to="in_review", actor=fact_checker, note="New customs data.")
    changed = claim_update(claim=claim, data={"value": Decimal("999")}, actor=fact_checker, expected_version=5)
    assert changed.value == Decimal("999") and changed.version == 6


# --- the verdict lock in the admin ------------------------------------------------------------------------------
def test_changing_a_verified_claims_figure_in_the_admin_is_refused_on_the_form(client, fact_checker):
    claim = verified_claim(fact_checker)
    client.force_login(fact_checker)
    data = form_data(client.get(change_url(claim))) | {"value": "999"}
    response = client.post(change_url(claim), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "its verdict rests on value" in page and "Reopen the claim" in page
    assert 'name="value" value="999"' in page  # the input is kept
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.value, stored.version, stored.history.count()) == (Decimal("245000000000"), 1, 1)

    claim_transition(claim=claim, to="in_review", actor=fact_checker, note="Reopened for the new figure.")
    data = form_data(client.get(change_url(claim))) | {"value": "999"}
    assert client.post(change_url(claim), data).status_code == 302
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.value, stored.version) == (Decimal("999"), 3)
    assert stored.history.latest().history_change_reason == "edited through the admin: value"


def test_the_admin_inlines_refuse_what_a_verdict_rests_on(client, fact_checker, desk_admin):
    claim = verified_claim(fact_checker)
    client.force_login(fact_checker)
    data = form_data(client.get(change_url(claim)))
    response = client.post(change_url(claim), data | {"appearances-0-quote": "A different quote"})
    assert response.status_code == 200 and "its quotes (its appearance&#x27;s quote)" in response.content.decode()
    response = client.post(change_url(claim), data | {"evidence-0-relation": "context"})
    assert response.status_code == 200 and "decisive evidence" in response.content.decode()
    client.force_login(desk_admin)
    data = form_data(client.get(change_url(claim)))
    response = client.post(change_url(claim), data | {"evidence-0-DELETE": "on"})
    assert response.status_code == 200 and "can&#x27;t be deleted" in response.content.decode()
    assert claim.evidence.count() == 1 and claim.appearances.get().quote == AppearanceFactory.quote
    assert version_of(claim) == 1
    # the claimant is not what the verdict judged
    response = client.post(change_url(claim), data | {"appearances-0-claimant": "The minister"})
    assert response.status_code == 302 and version_of(claim) == 2


def test_a_bulk_delete_reports_each_refused_claim(client, fact_checker, desk_admin):
    locked = [verified_claim(fact_checker, subject=f"Verified {n}") for n in range(2)]
    open_claim = ClaimFactory(status="in_review", subject="Under review")
    loose = EvidenceFactory(claim=open_claim, relation="supports")
    selected = [*(claim.evidence.get().pk for claim in locked), loose.pk]
    client.force_login(desk_admin)
    url = reverse("admin:claims_evidence_changelist")
    confirm = client.post(url, {"action": "delete_selected", "_selected_action": selected})
    assert confirm.status_code == 200 and b"Are you sure" in confirm.content
    response = client.post(url, {"action": "delete_selected", "_selected_action": selected, "post": "yes"}, follow=True)
    notes = messages_of(response)
    assert "Deleted 1 evidence." in notes
    for claim in locked:
        named = f"evidence {claim.evidence.get().pk} of Claim {claim.pk} (Verified"
        assert any(note.startswith(named) for note in notes)
        assert "can't be deleted" in " ".join(notes)
        assert version_of(claim) == 1
    assert not Evidence.objects.filter(pk=loose.pk).exists() and version_of(open_claim) == 2


def test_the_evidence_page_refuses_a_decisive_change_and_a_delete(client, fact_checker, desk_admin):
    claim = verified_claim(fact_checker)
    evidence = claim.evidence.get()
    client.force_login(desk_admin)
    url = reverse("admin:claims_evidence_change", args=[evidence.pk])
    response = client.post(url, {"source": evidence.source_id, "relation": "supports", "excerpt": "Changed.",
                                 "locator": "", "source_value": ""})  # fmt: skip
    assert response.status_code == 200 and "decisive evidence" in response.content.decode()
    delete = client.post(reverse("admin:claims_evidence_delete", args=[evidence.pk]), {"post": "yes"}, follow=True)
    assert "can't be deleted" in " ".join(messages_of(delete))
    assert Evidence.objects.get(pk=evidence.pk).excerpt == EXCERPT and version_of(claim) == 1
    response = client.post(url, {"source": evidence.source_id, "relation": "supports", "excerpt": EXCERPT,
                                 "locator": "p. 2", "source_value": "244800000000"})  # fmt: skip
    assert response.status_code == 302 and version_of(claim) == 2


# --- the excerpt check --------------------------------------------------------------------------------------------
def test_the_excerpt_check_raises_the_version_of_the_claims_whose_flag_changed_only(django_assert_max_num_queries):
    source = SourceFactory()
    gone, still_there, flagged_before = ClaimFactory(), ClaimFactory(), ClaimFactory()
    EvidenceFactory(claim=gone, source=source, excerpt="A sentence that left the page.")
    EvidenceFactory(claim=still_there, source=source, excerpt="Trade turnover amounted to")
    returned = EvidenceFactory(
        claim=flagged_before, source=source, excerpt="It came back.", excerpt_missing_since=timezone.now()
    )
    elsewhere = EvidenceFactory(claim=ClaimFactory(), excerpt="Another source's excerpt.")
    page = "Trade turnover amounted to $244.8 billion. It came back."
    checked_at = timezone.now()
    with django_assert_max_num_queries(10):  # a statement per kind of change, not one per row
        assert excerpt_check(source_id=source.pk, page_text=page, checked_at=checked_at) == (1, 1)
    assert [version_of(c) for c in (gone, still_there, flagged_before, elsewhere.claim)] == [2, 1, 2, 1]
    assert gone.evidence.get().excerpt_missing_since == checked_at
    assert Evidence.objects.get(pk=returned.pk).excerpt_missing_since is None
    record = gone.evidence.get().history.latest()
    assert record.history_change_reason == "source check: the excerpt is no longer in the page's text"
    assert record.history_user is None  # the system
    # the same page again: nothing changes, no version rises
    assert excerpt_check(source_id=source.pk, page_text=page, checked_at=timezone.now()) == (0, 0)
    assert [version_of(c) for c in (gone, still_there, flagged_before)] == [2, 1, 2]
    assert gone.evidence.get().excerpt_missing_since == checked_at  # the flag keeps its first date


def test_the_excerpt_flag_is_not_what_a_verdict_rests_on(fact_checker):
    claim = verified_claim(fact_checker)
    source_id = claim.evidence.get().source_id
    assert excerpt_check(source_id=source_id, page_text="Nothing of the sort.", checked_at=timezone.now()) == (1, 0)
    assert version_of(claim) == 2 and Claim.objects.get(pk=claim.pk).status == "verified"


def test_a_source_check_raises_the_version_through_its_signal(fact_checker):
    """record_source_check announces the page it read (sources.signals.source_page_read); the claims app's
    excerpt check answers through the write owner."""
    from sources.models import Source
    from sources.signals import source_page_read

    source = SourceFactory()
    flagged, untouched = ClaimFactory(), ClaimFactory()
    EvidenceFactory(claim=flagged, source=source, excerpt="Gone from the page.")
    EvidenceFactory(claim=untouched, source=source, excerpt="Still there")
    source_page_read.send(sender=Source, source_id=source.pk, page_text="Still there.", checked_at=timezone.now())
    assert (version_of(flagged), version_of(untouched)) == (2, 1)


def test_a_claim_added_in_the_admin_with_an_appearance_is_one_version(client, fact_checker):
    client.force_login(fact_checker)
    url = reverse("admin:claims_claim_add")
    data = form_data(client.get(url)) | {
        "subject": "Defence budget", "claim_type": "current_value", "value": "86000000000", "unit": "USD",
        "qualifier": "over", "period": "2024", "key": "defence-2024",
        "appearances-TOTAL_FORMS": "1", "appearances-0-source": SourceFactory().pk,
        "appearances-0-quote": "over $86 billion", "appearances-0-claimant": "", "appearances-0-stated_on": "",
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:3000]
    claim = Claim.objects.get(key="defence-2024")
    assert (claim.status, claim.version, claim.period_start) == ("unverified", 1, dt.date(2024, 1, 1))
    assert claim.history.get().history_change_reason == "created through the admin"
    record = claim.appearances.get().history.get()
    assert record.history_user == fact_checker and record.history_change_reason == "added through the admin"


def test_the_history_pages_cannot_revert_a_claim_past_the_services(client, fact_checker):
    claim = ClaimFactory(subject="Original")
    claim_update(claim=claim, data={"subject": "Edited"}, actor=fact_checker, expected_version=1)
    first = claim.history.earliest()
    client.force_login(fact_checker)
    url = reverse("admin:claims_claim_simple_history", args=[claim.pk, first.history_id])
    assert client.get(url).status_code == 200  # the old version can still be read
    data = {"subject": "Original", "key": claim.key, "claim_type": claim.claim_type, "expected_version": 2}
    assert client.post(url, data).status_code == 403
    assert Claim.objects.get(pk=claim.pk).subject == "Edited"
