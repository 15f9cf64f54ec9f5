"""Publication as a step of its own: a second person publishes a verdict; unpublishing and correcting are recorded
moves with a note; only published verdicts are public (claims.services.publication, claims.selectors.PUBLISHED)."""

import pytest
from django.test import override_settings
from django.urls import reverse

from claims.choices import Status
from claims.models import Claim, VerdictCorrection
from claims.selectors import claim_list, published_claims, removed_claims
from claims.services import (
    TransitionError,
    claim_correct,
    claim_publish,
    claim_transition,
    claim_unpublish,
)
from tests.factories import AppearanceFactory, ClaimFactory, EvidenceFactory

pytestmark = pytest.mark.django_db


def _verdict(reviewer, status=Status.FALSE):
    claim = ClaimFactory(status=Status.IN_REVIEW)
    AppearanceFactory(claim=claim)
    EvidenceFactory(claim=claim, relation="contradicts", excerpt="Customs data say 244.8 bn.")
    return claim_transition(claim=claim, to=status, actor=reviewer, note="The customs data disagree.")


def test_a_new_verdict_is_not_public_until_a_second_person_publishes_it(fact_checker, second_checker):
    claim = _verdict(fact_checker)
    assert claim.published_at is None
    assert not claim_list(user=None).filter(pk=claim.pk).exists()

    with pytest.raises(TransitionError, match="another fact-checker or an admin must publish it"):
        claim_publish(claim=claim, actor=fact_checker)
    claim.refresh_from_db()
    assert claim.published_at is None

    published = claim_publish(claim=claim, actor=second_checker, note="Read it twice.")
    assert published.published_at is not None and published.published_by == second_checker
    assert claim_list(user=None).filter(pk=claim.pk).exists()
    assert published_claims().filter(pk=claim.pk).exists()
    last = published.history.first()
    assert last.history_change_reason == "published: Read it twice." and last.history_user == second_checker


def test_an_admin_may_publish_and_a_one_person_desk_may_publish_its_own(fact_checker, desk_admin):
    claim = _verdict(fact_checker)
    assert claim_publish(claim=claim, actor=desk_admin).published_by == desk_admin
    own = _verdict(fact_checker)
    with override_settings(PUBLISH_OWN_VERDICTS=True):
        assert claim_publish(claim=own, actor=fact_checker).published_by == fact_checker


def test_only_final_verdicts_are_published_and_journalists_cant(fact_checker, second_checker, journalist):
    claim = ClaimFactory(status=Status.IN_REVIEW)
    with pytest.raises(TransitionError, match="Only a final verdict can be published"):
        claim_publish(claim=claim, actor=second_checker)
    verdict = _verdict(fact_checker)
    with pytest.raises(TransitionError, match="fact-checker role"):
        claim_publish(claim=verdict, actor=journalist)
    claim_publish(claim=verdict, actor=second_checker)
    with pytest.raises(TransitionError, match="already published"):
        claim_publish(claim=verdict, actor=second_checker)


def test_unpublishing_needs_a_note_and_leaves_a_tombstone_and_a_removed_entry(fact_checker, second_checker):
    claim = claim_publish(claim=_verdict(fact_checker), actor=second_checker)
    since = claim.published_at
    with pytest.raises(TransitionError, match="Say in the note why the verdict is taken down"):
        claim_unpublish(claim=claim, actor=second_checker, note=" ")
    taken = claim_unpublish(claim=claim, actor=fact_checker, note="The source was misread.")
    assert taken.published_at is None and taken.unpublished_at is not None
    assert taken.unpublished_note == "The source was misread."
    assert taken.status == Status.FALSE  # the verdict stays for the desk
    assert not claim_list(user=None).filter(pk=claim.pk).exists()
    assert claim_list(user=fact_checker).filter(pk=claim.pk).exists()
    removed = removed_claims(user=None, since=since)
    assert [(r["id"], r["reason"]) for r in removed] == [(claim.pk, "unpublished")]
    assert taken.history.first().history_change_reason == "unpublished: The source was misread."
    # Published again: back in sight, no longer in the removed list.
    claim_publish(claim=taken, actor=second_checker)
    assert removed_claims(user=None, since=since) == []


def test_reopening_a_published_verdict_takes_it_down_until_the_new_one_is_published(fact_checker, second_checker):
    claim = claim_publish(claim=_verdict(fact_checker), actor=second_checker)
    reopened = claim_transition(claim=claim, to=Status.IN_REVIEW, actor=fact_checker, note="New data.")
    assert reopened.published_at is None and reopened.unpublished_at is not None
    again = claim_transition(claim=reopened, to=Status.MISLEADING, actor=fact_checker, note="Close, but not quite.")
    assert again.published_at is None
    assert not claim_list(user=None).filter(pk=claim.pk).exists()


def test_a_correction_keeps_the_earlier_verdict_dated_and_follows_the_second_person_rule(fact_checker, second_checker):
    claim = claim_publish(claim=_verdict(fact_checker), actor=second_checker)
    with pytest.raises(TransitionError, match="another fact-checker or an admin must correct it"):
        claim_correct(claim=claim, actor=fact_checker, note="Fix.", to=Status.MISLEADING)
    with pytest.raises(TransitionError, match="Say in the note why the verdict is corrected"):
        claim_correct(claim=claim, actor=second_checker, note="", to=Status.MISLEADING)
    corrected = claim_correct(
        claim=claim,
        actor=second_checker,
        note="The gap is 0.1 %, within rounding: misleading rather than false.",
        to=Status.MISLEADING,
        verdict_note="Rounded, but the source's own figure.",
    )
    assert corrected.status == Status.MISLEADING and corrected.textual_rating == "Misleading"
    assert corrected.rating_value == 2 and corrected.published_at == claim.published_at
    (entry,) = VerdictCorrection.objects.filter(claim=claim)
    assert (entry.earlier_status, entry.earlier_textual_rating, entry.earlier_rating_value) == ("false", "False", 1)
    assert entry.earlier_verdict_note == "The customs data disagree."
    assert entry.corrected_by == second_checker
    assert corrected.history.first().history_change_reason.startswith("verdict corrected: The gap is 0.1 %")


def test_a_correction_obeys_the_verdicts_rules(fact_checker, second_checker):
    claim = claim_publish(claim=_verdict(fact_checker), actor=second_checker)
    with pytest.raises(TransitionError, match="can't be verified"):
        claim_correct(claim=claim, actor=second_checker, note="Unsure now.", to=Status.UNVERIFIABLE, verdict_note="")
    with pytest.raises(TransitionError, match="A correction gives a verdict"):
        claim_correct(claim=claim, actor=second_checker, note="Back.", to=Status.IN_REVIEW)
    unpublished = _verdict(fact_checker)
    with pytest.raises(TransitionError, match="isn't published"):
        claim_correct(claim=unpublished, actor=second_checker, note="Fix.")


def test_the_database_refuses_a_published_claim_without_a_verdict(fact_checker):
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    claim = ClaimFactory(status=Status.IN_REVIEW)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(published_at=timezone.now())


# --- the admin's door -----------------------------------------------------------------------------------------------


def _post(client, claim, **data):
    url = reverse("admin:claims_claim_publication", args=[claim.pk])
    return client.post(url, {"expected_version": claim.version, **data}, follow=True)


def _messages(response):
    return [str(m) for m in response.context["messages"]]


def test_admin_refuses_the_reviewer_publishing_and_lets_a_second_person(client, fact_checker, second_checker):
    claim = _verdict(fact_checker)
    client.force_login(fact_checker)
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk]))
    assert b'id="publication-publish"' not in page.content
    assert "another fact-checker or an admin must publish it" in page.content.decode()
    refused = _post(client, claim, move="publish", note="")
    assert any("another fact-checker or an admin must publish it" in m for m in _messages(refused))
    claim.refresh_from_db()
    assert claim.published_at is None

    client.force_login(second_checker)
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk]))
    assert b'id="publication-publish"' in page.content
    done = _post(client, claim, move="publish", note="Second reading.")
    assert "The verdict is published." in _messages(done)
    claim.refresh_from_db()
    assert claim.published_by == second_checker
    body = done.content.decode()
    assert "Second reading." in body[body.index('id="claim-history"') :]  # the move, with its note, in the history


def test_admin_unpublishes_and_corrects_with_notes(client, fact_checker, second_checker):
    claim = claim_publish(claim=_verdict(fact_checker), actor=second_checker)
    client.force_login(second_checker)
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk]))
    assert b'id="publication-unpublish"' in page.content and b'id="publication-correct"' in page.content
    done = _post(client, claim, move="correct", note="Misleading, not false.", to="misleading")
    assert any("corrected" in m for m in _messages(done))
    claim.refresh_from_db()
    assert claim.status == Status.MISLEADING
    refused = _post(client, claim, move="unpublish", note="")
    assert any("Say in the note" in m for m in _messages(refused))
    done = _post(client, claim, move="unpublish", note="Under review again.")
    claim.refresh_from_db()
    assert claim.published_at is None and claim.unpublished_note == "Under review again."


def test_admin_correction_by_the_reviewer_is_refused(client, fact_checker, second_checker):
    claim = claim_publish(claim=_verdict(fact_checker), actor=second_checker)
    client.force_login(fact_checker)
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk]))
    assert b'id="publication-correct"' not in page.content
    refused = _post(client, claim, move="correct", note="Mine to fix.", to="misleading")
    assert any("another fact-checker or an admin must correct it" in m for m in _messages(refused))
    claim.refresh_from_db()
    assert claim.status == Status.FALSE
