"""The verification workflow, assignments, withdrawals and the version check, as plain functions."""

import pytest

from claims.choices import ALLOWED_TRANSITIONS, Status
from claims.models import Appearance, Claim, Evidence
from claims.services import (
    CircularEvidence,
    StaleVersion,
    TransitionError,
    allowed_moves,
    appearance_save,
    can_delete_claim,
    circular_appearance_problem,
    circular_evidence_problem,
    claim_assign,
    claim_change,
    claim_take_version,
    claim_transition,
    claim_withdraw,
    evidence_save,
)
from tests.factories import AppearanceFactory, ClaimFactory, EvidenceFactory, SourceFactory

pytestmark = pytest.mark.django_db
S = Status
EVERY_MOVE = [(a, b) for a in S.values for b in S.values if a != b]


def claim_in(status, *, evidence=True, **fields):
    claim = ClaimFactory(status=status, **fields)
    if evidence:
        EvidenceFactory(claim=claim, relation="supports", excerpt="Trade reached $244.8bn in 2024.")
    return claim


@pytest.mark.parametrize(("start", "goal"), EVERY_MOVE)
def test_the_transition_table(start, goal, fact_checker):
    claim = claim_in(start)
    if goal in ALLOWED_TRANSITIONS[start]:
        moved = claim_transition(claim=claim, to=goal, actor=fact_checker, note="checked against the customs data")
        assert moved.status == goal
    else:
        with pytest.raises(TransitionError, match="can't go from"):
            claim_transition(claim=claim, to=goal, actor=fact_checker, note="x")
        assert Claim.objects.get(pk=claim.pk).status == start


def test_allowed_moves_follow_the_table():
    assert allowed_moves(ClaimFactory(status=S.UNVERIFIED)) == (S.IN_REVIEW,)
    assert set(allowed_moves(ClaimFactory(status=S.IN_REVIEW))) == {
        S.VERIFIED,
        S.FALSE,
        S.MISLEADING,
        S.UNVERIFIABLE,
        S.UNVERIFIED,
    }
    assert allowed_moves(ClaimFactory(status=S.FALSE)) == (S.IN_REVIEW,)


@pytest.mark.parametrize("verdict", [S.VERIFIED, S.FALSE, S.MISLEADING])
def test_verdicts_need_supporting_or_contradicting_evidence_with_an_excerpt(verdict, fact_checker):
    claim = claim_in(S.IN_REVIEW, evidence=False)
    EvidenceFactory(claim=claim, relation="context", excerpt="Background")
    EvidenceFactory(claim=claim, relation="cited", excerpt="The article cites it")
    EvidenceFactory(claim=claim, relation="supports", excerpt="")
    with pytest.raises(TransitionError, match="first add evidence that supports or contradicts"):
        claim_transition(claim=claim, to=verdict, actor=fact_checker)
    EvidenceFactory(claim=claim, relation="contradicts", excerpt="Trade was $190bn.")
    assert claim_transition(claim=claim, to=verdict, actor=fact_checker).status == verdict


def test_unverifiable_needs_a_note(fact_checker):
    claim = claim_in(S.IN_REVIEW, evidence=False)
    with pytest.raises(TransitionError, match="why"):
        claim_transition(claim=claim, to=S.UNVERIFIABLE, actor=fact_checker, note="  ")
    moved = claim_transition(claim=claim, to=S.UNVERIFIABLE, actor=fact_checker, note="No public data.")
    assert moved.verdict_note == "No public data." and moved.textual_rating == "Unverifiable"
    assert moved.rating_value is None


def test_a_verdict_records_reviewer_time_and_ratings(fact_checker):
    claim = claim_in(S.IN_REVIEW)
    moved = claim_transition(claim=claim, to=S.FALSE, actor=fact_checker, note="Customs data says $190bn.")
    assert moved.reviewer == fact_checker and moved.reviewed_at is not None
    assert (moved.textual_rating, moved.rating_value, moved.verdict_note) == ("False", 1, "Customs data says $190bn.")
    custom = claim_transition(
        claim=claim_in(S.IN_REVIEW), to=S.MISLEADING, actor=fact_checker, textual_rating="Exaggerated", rating_value=2
    )
    assert (custom.textual_rating, custom.rating_value) == ("Exaggerated", 2)
    with pytest.raises(TransitionError, match="between 1 and 5"):
        claim_transition(claim=claim_in(S.IN_REVIEW), to=S.VERIFIED, actor=fact_checker, rating_value=9)


def test_reopening_clears_the_published_verdict_but_history_keeps_it(fact_checker):
    claim = claim_transition(claim=claim_in(S.IN_REVIEW), to=S.VERIFIED, actor=fact_checker, note="Matches.")
    reopened = claim_transition(claim=claim, to=S.IN_REVIEW, actor=fact_checker, note="New data came out.")
    assert (reopened.textual_rating, reopened.rating_value, reopened.reviewer) == ("", None, None)
    entries = list(reopened.history.order_by("history_id").values_list("status", "history_change_reason"))
    assert entries[-2:] == [
        ("verified", "In review → Verified: Matches."),
        ("in_review", "Verified → In review: New data came out."),
    ]
    assert reopened.history.latest().history_user == fact_checker


def test_only_the_fact_checker_role_changes_status(journalist, desk_admin, fact_checker):
    claim = claim_in(S.UNVERIFIED)
    with pytest.raises(TransitionError, match="fact-checker role"):
        claim_transition(claim=claim, to=S.IN_REVIEW, actor=journalist)
    assert claim_transition(claim=claim, to=S.IN_REVIEW, actor=desk_admin).status == S.IN_REVIEW
    assert claim_transition(claim=claim, to=S.UNVERIFIED, actor=None).status == S.UNVERIFIED  # the system


def test_transitions_raise_the_version_and_refuse_a_stale_one(fact_checker):
    claim = claim_in(S.UNVERIFIED)
    assert claim.version == 1
    moved = claim_transition(claim=claim, to=S.IN_REVIEW, actor=fact_checker, expected_version=1)
    assert moved.version == 2
    with pytest.raises(StaleVersion, match="changed by someone else"):
        claim_transition(claim=moved, to=S.UNVERIFIED, actor=fact_checker, expected_version=1)
    assert Claim.objects.get(pk=claim.pk).status == S.IN_REVIEW


def test_take_version_lets_one_of_two_editors_through():
    claim = ClaimFactory()
    claim_take_version(claim=claim, expected_version=1)
    with pytest.raises(StaleVersion):
        claim_take_version(claim=Claim.objects.get(pk=claim.pk), expected_version=1)
    assert Claim.objects.get(pk=claim.pk).version == 2


def test_assignments_are_recorded(fact_checker, desk_admin):
    claims = [ClaimFactory(), ClaimFactory()]
    assert claim_assign(claims=claims, assignee=fact_checker, actor=desk_admin) == 2
    assert claim_assign(claims=claims, assignee=fact_checker, actor=desk_admin) == 0
    assert set(fact_checker.assigned_claims.all()) == set(claims)
    entry = claims[0].history.latest()
    assert entry.history_change_reason == "assigned to checker" and entry.history_user == desk_admin


def test_withdrawal_keeps_the_claim_with_reason_and_successor(fact_checker):
    old, new = claim_in(S.IN_REVIEW), ClaimFactory()
    withdrawn = claim_withdraw(claim=old, actor=fact_checker, reason="Duplicate of a clearer claim", superseded_by=new)
    assert withdrawn.withdrawn_at and withdrawn.superseded_by == new
    assert allowed_moves(withdrawn) == ()
    with pytest.raises(TransitionError, match="withdrawn"):
        claim_transition(claim=withdrawn, to=S.UNVERIFIED, actor=fact_checker)
    with pytest.raises(TransitionError, match="why"):
        claim_withdraw(claim=new, actor=fact_checker, reason=" ")
    with pytest.raises(TransitionError, match="itself"):
        claim_withdraw(claim=new, actor=fact_checker, reason="x", superseded_by=new)


def test_reviewed_claims_are_deleted_by_admins_only(fact_checker, desk_admin):
    fresh, reviewed = ClaimFactory(), claim_in(S.IN_REVIEW)
    assert not can_delete_claim(claim=fresh, user=fact_checker)  # fact-checkers never delete
    assert can_delete_claim(claim=reviewed, user=desk_admin)
    assert can_delete_claim(claim=fresh, user=desk_admin)


# --- circular verification ------------------------------------------------------------------------------------------
def test_the_circular_rule_in_words():
    article = SourceFactory.build(title="Russia and China: the reverse Kissinger")
    problem = circular_evidence_problem(relation="supports", source=article, appears_in_source=True)
    assert problem is not None
    assert problem.startswith("The claim appears in “Russia and China: the reverse Kissinger”, so that source can't")
    assert "support it" in problem and "“cited” or “context”" in problem
    contradicts = circular_evidence_problem(relation="contradicts", source=article, appears_in_source=True)
    assert contradicts is not None and "can't contradict it" in contradicts
    for relation in ("cited", "context"):
        assert circular_evidence_problem(relation=relation, source=article, appears_in_source=True) is None
    assert circular_evidence_problem(relation="supports", source=article, appears_in_source=False) is None
    appearance = circular_appearance_problem(source=article, relations=["context", "supports", "contradicts"])
    assert appearance is not None
    assert appearance.startswith("“Russia and China: the reverse Kissinger” is evidence that supports and contradicts")
    assert "the claim can't appear in it" in appearance
    assert circular_appearance_problem(source=article, relations=["cited", "context"]) is None


def test_evidence_from_a_source_the_claim_appears_in_cant_support_or_contradict_it(fact_checker):
    claim = ClaimFactory()
    article = AppearanceFactory(claim=claim).source
    for relation in ("supports", "contradicts"):
        with pytest.raises(CircularEvidence) as refused:
            evidence_save(
                evidence=Evidence(),
                data={"claim": claim, "source": article, "relation": relation, "excerpt": "It was $245bn."},
                actor=fact_checker,
                expected_version=1,
            )
        assert refused.value.status_code == 400 and refused.value.code == "circular_evidence"
        assert list(refused.value.fields) == ["relation"] and f"appears in “{article.title}”" in refused.value.message
    assert not claim.evidence.exists() and Claim.objects.get(pk=claim.pk).version == 1
    for relation in ("cited", "context"):
        evidence_save(evidence=Evidence(), data={"claim": claim, "source": article, "relation": relation},
                      actor=fact_checker, expected_version=None)  # fmt: skip
    assert set(claim.evidence.values_list("relation", flat=True)) == {"cited", "context"}
    cited = claim.evidence.get(relation="cited")
    with pytest.raises(CircularEvidence):  # turning a cited link into support is the same link
        evidence_save(evidence=cited, data={"relation": "supports"}, actor=fact_checker, expected_version=None)
    assert Evidence.objects.get(pk=cited.pk).relation == "cited"


def test_an_appearance_in_a_source_that_supports_the_claim_is_refused(fact_checker):
    claim = ClaimFactory()
    customs = EvidenceFactory(claim=claim, relation="supports").source
    with pytest.raises(CircularEvidence) as refused:
        appearance_save(appearance=Appearance(), data={"claim": claim, "source": customs, "quote": "$245 billion"},
                        actor=fact_checker, expected_version=1)  # fmt: skip
    assert list(refused.value.fields) == ["source"]
    assert refused.value.message.startswith(f"“{customs.title}” is evidence that supports this claim")
    assert not claim.appearances.exists() and Claim.objects.get(pk=claim.pk).version == 1
    # moving an appearance there is the same
    elsewhere = AppearanceFactory(claim=claim)
    where = elsewhere.source_id
    with pytest.raises(CircularEvidence):
        appearance_save(appearance=elsewhere, data={"source": customs}, actor=fact_checker, expected_version=None)
    assert Appearance.objects.get(pk=elsewhere.pk).source_id == where


def test_one_change_is_judged_as_it_leaves_the_claim_whatever_the_order_of_its_writes(fact_checker):
    claim = ClaimFactory()
    evidence = EvidenceFactory(claim=claim, relation="supports")
    customs = evidence.source
    # the support becomes a citation and the claim is found in that source, in one save: allowed, in either order
    with claim_change(claim=claim, expected_version=1, actor=fact_checker) as change:
        change.save_appearance(Appearance(), {"source": customs, "quote": "$245 billion"})
        change.save_evidence(evidence, {"relation": "cited"})
    assert (claim.appearances.get().source_id, Evidence.objects.get(pk=evidence.pk).relation) == (customs.pk, "cited")
    # an appearance and the support of its own source, added together: refused, nothing written
    other = SourceFactory()
    with pytest.raises(CircularEvidence), claim_change(claim=claim, expected_version=2, actor=fact_checker) as change:
        change.save_evidence(Evidence(), {"source": other, "relation": "contradicts", "excerpt": "It was $190bn."})
        change.save_appearance(Appearance(), {"source": other, "quote": "$245 billion"})
    assert (claim.appearances.count(), claim.evidence.count(), Claim.objects.get(pk=claim.pk).version) == (1, 1, 2)


def test_a_verdict_doesnt_rest_on_circular_evidence_linked_before_the_rule(fact_checker):
    claim = ClaimFactory(status=S.IN_REVIEW)
    article = AppearanceFactory(claim=claim, source=SourceFactory(title="The op-ed")).source
    EvidenceFactory(claim=claim, source=article, relation="supports")  # existing data, written past the services
    with pytest.raises(TransitionError) as refused:
        claim_transition(claim=claim, to=S.VERIFIED, actor=fact_checker, note="The article says so.")
    message = refused.value.message
    assert "from another source" in message and "the claim appears in “The op-ed”" in message
    assert "doesn't count" in message
    assert Claim.objects.get(pk=claim.pk).status == S.IN_REVIEW
    EvidenceFactory(claim=claim, relation="supports", excerpt="Customs: $244.8bn.")  # an independent source
    assert claim_transition(claim=claim, to=S.VERIFIED, actor=fact_checker, note="Customs agree.").status == S.VERIFIED


def test_editing_circular_evidence_linked_before_the_rule_asks_to_make_it_cited(fact_checker):
    claim = ClaimFactory()
    article = AppearanceFactory(claim=claim).source
    legacy = EvidenceFactory(claim=claim, source=article, relation="supports")
    with pytest.raises(CircularEvidence, match="Link it as “cited” or “context”"):
        evidence_save(evidence=legacy, data={"locator": "p. 2"}, actor=fact_checker, expected_version=None)
    evidence_save(evidence=legacy, data={"locator": "p. 2", "relation": "cited"}, actor=fact_checker,
                  expected_version=None)  # fmt: skip
    assert Evidence.objects.get(pk=legacy.pk).relation == "cited"
    # an appearance's other fields are not what makes the link: its claimant may change
    appearance = claim.appearances.get()
    EvidenceFactory(claim=claim, source=article, relation="contradicts")  # existing data again
    appearance_save(appearance=appearance, data={"claimant": "The minister"}, actor=fact_checker,
                    expected_version=None)  # fmt: skip
    assert Appearance.objects.get(pk=appearance.pk).claimant == "The minister"
