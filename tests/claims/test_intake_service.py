"""The intake's writes (claims.services.intake): accept a candidate figure as a claim with its appearance at exact
offsets, attach it to an existing claim, dismiss it (remembered), accept several all or nothing — each by whoever
may create claims, each named in the audit trail."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from claims.choices import ClaimType, Qualifier, Status, Unit
from claims.models import Appearance, Claim, IntakeDismissal
from claims.services import (
    CandidateGone,
    CandidateRefused,
    CandidateTaken,
    IntakeForbidden,
    StaleVersion,
    accept_candidate,
    accept_candidates,
    attach_candidate,
    dismiss_candidate,
    parse_span_key,
    pending_candidates,
    span_key,
)
from factcheck.errors import DeskError
from tests.factories import AppearanceFactory, SourceFactory, meetings_claim

pytestmark = pytest.mark.django_db

ARTICLE = (
    "Moscow and Beijing, a history.\n"
    "Since 2013, Putin and Xi have met over 42 times. "
    "Russia-China trade reached approximately $245 billion annually by 2024. "
    "The weather was fine.\n"
)


@pytest.fixture
def source():
    return SourceFactory(title="Two leaders", text=ARTICLE)


def _span(text):
    start = ARTICLE.index(text)
    return start, start + len(text)


def _pending(source):
    return {review.candidate.text: review for review in pending_candidates(source)}


def _meetings(**fields):
    claim = meetings_claim(**fields)
    AppearanceFactory(
        claim=claim,
        quote="Putin and Xi have met over 42 times",
        source__text="Putin and Xi have met over 42 times, a record.",
    )
    return claim


# --- pending ----------------------------------------------------------------------------------------------------
def test_pending_candidates_are_ranked_with_keys_quotes_and_matches(source):
    claim = _meetings()
    reviews = pending_candidates(source)
    assert [r.rank for r in reviews] == list(range(1, len(reviews) + 1))
    by_text = {r.candidate.text: r for r in reviews}
    trade = by_text["approximately $245 billion"]
    assert trade.key == span_key(*_span("approximately $245 billion"))
    assert trade.quote == "Russia-China trade reached approximately $245 billion annually by 2024."
    assert ARTICLE[trade.quote_start : trade.quote_start + len(trade.quote)] == trade.quote
    assert trade.kind == "new"
    meetings = by_text["over 42"]
    assert [(m.claim_id, m.kind) for m in meetings.matches] == [(claim.pk, "match")]
    assert meetings.kind == "match"


def test_the_quote_stays_within_its_line(source):
    # "Moscow and Beijing, a history." has no figure; the sentence of "2013" starts on the next line.
    review = _pending(source)["2013"]
    assert review.quote.startswith("Since 2013")
    assert "\n" not in review.quote


def test_a_source_without_text_has_no_candidates():
    assert pending_candidates(SourceFactory(text="")) == []


def test_pending_candidates_query_count(source, django_assert_num_queries, fact_checker):
    accept_candidate(
        source=source,
        start=_span("over 42")[0],
        end=_span("over 42")[1],
        actor=fact_checker,
        overrides={"subject": "Putin and Xi meetings"},
    )
    dismiss_candidate(source=source, start=_span("2024")[0], end=_span("2024")[1], actor=fact_checker)
    with django_assert_num_queries(3):  # dismissals, appearances, the matching
        pending_candidates(source)


# --- accept -----------------------------------------------------------------------------------------------------
def test_accept_writes_the_claim_and_its_appearance_at_exact_offsets(source, fact_checker):
    start, end = _span("approximately $245 billion")
    claim = accept_candidate(
        source=source, start=start, end=end, actor=fact_checker, overrides={"subject": "Russia–China trade"}
    )
    claim.refresh_from_db()
    assert (claim.value, claim.unit, claim.qualifier) == (Decimal("245000000000"), Unit.USD, Qualifier.APPROXIMATELY)
    assert (claim.period, claim.period_start, claim.status) == ("2024", dt.date(2024, 1, 1), Status.UNVERIFIED)
    assert claim.subject == "Russia–China trade"
    assert claim.version == 1  # the claim and its first appearance: one version
    appearance = claim.appearances.get()
    assert appearance.source_id == source.pk
    assert appearance.quote == "Russia-China trade reached approximately $245 billion annually by 2024."
    assert ARTICLE[appearance.start_offset : appearance.end_offset] == appearance.quote
    assert appearance.start_offset <= start and end <= appearance.end_offset
    # taken: no longer pending
    assert "approximately $245 billion" not in _pending(source)


def test_accept_uses_the_proposal_when_nothing_is_overridden(source, fact_checker):
    start, end = _span("over 42")
    claim = accept_candidate(source=source, start=start, end=end, actor=fact_checker)
    proposal = next(r.candidate for r in pending_candidates(SourceFactory(text=ARTICLE)) if r.candidate.start == start)
    assert (claim.subject, claim.claim_type, claim.period) == (proposal.subject, proposal.claim_type, "2013/")
    assert (claim.value, claim.qualifier) == (Decimal(42), Qualifier.OVER)


def test_overrides_win(source, fact_checker):
    start, end = _span("approximately $245 billion")
    claim = accept_candidate(
        source=source,
        start=start,
        end=end,
        actor=fact_checker,
        overrides={
            "subject": "Russia–China trade",
            "value": Decimal("244800000000"),
            "qualifier": Qualifier.EXACT,
            "period": "2023",
            "claim_type": ClaimType.CURRENT_VALUE,
            "quote": "trade reached approximately $245 billion",
            "claimant": "Anadolu",
        },
    )
    claim.refresh_from_db()
    assert (claim.value, claim.qualifier, claim.period, claim.claim_type) == (
        Decimal("244800000000"),
        Qualifier.EXACT,
        "2023",
        ClaimType.CURRENT_VALUE,
    )
    appearance = claim.appearances.get()
    assert (appearance.quote, appearance.claimant) == ("trade reached approximately $245 billion", "Anadolu")
    assert ARTICLE[appearance.start_offset : appearance.end_offset] == appearance.quote


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"claim_type": "guess"}, "claim_type"),
        ({"subject": ""}, "subject"),
        ({"period": "sometime soon"}, "period"),
        ({"status": "verified"}, "status"),
        ({"quote": "the weather was fine"}, "quote"),
        ({"lower_bound": Decimal(10), "upper_bound": Decimal(1)}, "upper_bound"),
    ],
)
def test_a_bad_override_is_refused_naming_the_field_and_writes_nothing(source, fact_checker, overrides, field):
    start, end = _span("approximately $245 billion")
    with pytest.raises((DeskError, ValidationError)) as refused:
        accept_candidate(
            source=source, start=start, end=end, actor=fact_checker, overrides={"subject": "Trade"} | overrides
        )
    error = refused.value
    fields = error.fields if isinstance(error, DeskError) else error.message_dict
    assert any(name == field or name.startswith(field) for name in fields), fields
    assert not Claim.objects.exists() and not Appearance.objects.exists()


def test_accept_refuses_a_span_with_no_candidate(source, fact_checker):
    start, _end = _span("approximately $245 billion")
    with pytest.raises(CandidateGone, match="text changed"):
        accept_candidate(source=source, start=start, end=start + 3, actor=fact_checker)
    assert not Claim.objects.exists()


def test_accept_refuses_a_candidate_already_taken(source, fact_checker):
    start, end = _span("approximately $245 billion")
    first = accept_candidate(source=source, start=start, end=end, actor=fact_checker, overrides={"subject": "Trade"})
    with pytest.raises(CandidateTaken, match=f"#{first.pk}"):
        accept_candidate(source=source, start=start, end=end, actor=fact_checker, overrides={"subject": "Trade 2"})
    assert Claim.objects.count() == 1


def test_a_taken_sentence_leaves_its_other_figures_pending(source, fact_checker):
    start, end = _span("approximately $245 billion")
    accept_candidate(source=source, start=start, end=end, actor=fact_checker, overrides={"subject": "Trade"})
    pending = _pending(source)
    assert "2024" in pending  # same sentence, another figure
    assert "approximately $245 billion" not in pending


def test_the_audit_trail_names_the_intake(source, fact_checker):
    start, end = _span("approximately $245 billion")
    claim = accept_candidate(source=source, start=start, end=end, actor=fact_checker, overrides={"subject": "Trade"})
    record = claim.history.get()
    assert record.history_user_id == fact_checker.pk
    assert "intake of “Two leaders”" in record.history_change_reason
    assert "accepted candidate “approximately $245 billion”" in record.history_change_reason
    appearance_record = claim.appearances.get().history.get()
    assert "intake of “Two leaders”" in appearance_record.history_change_reason


# --- roles --------------------------------------------------------------------------------------------------------
def test_only_those_who_may_create_claims_take_intake_actions(source, journalist, fact_checker, desk_admin):
    start, end = _span("approximately $245 billion")
    claim = _meetings()
    for action in (
        lambda: accept_candidate(source=source, start=start, end=end, actor=journalist),
        lambda: accept_candidates(source=source, spans=[(start, end)], actor=journalist),
        lambda: attach_candidate(source=source, start=start, end=end, claim=claim, actor=journalist),
        lambda: dismiss_candidate(source=source, start=start, end=end, actor=journalist),
    ):
        with pytest.raises(IntakeForbidden):
            action()
    assert Claim.objects.count() == 1 and not IntakeDismissal.objects.exists()
    assert accept_candidate(source=source, start=start, end=end, actor=desk_admin, overrides={"subject": "T"}).pk


# --- attach -------------------------------------------------------------------------------------------------------
def test_attach_adds_another_appearance_of_the_existing_claim(source, fact_checker):
    claim = _meetings()
    start, end = _span("over 42")
    appearance = attach_candidate(
        source=source, start=start, end=end, claim=claim, actor=fact_checker, expected_version=claim.version
    )
    assert appearance.claim_id == claim.pk and claim.appearances.count() == 2
    assert appearance.quote == "Since 2013, Putin and Xi have met over 42 times."
    assert ARTICLE[appearance.start_offset : appearance.end_offset] == appearance.quote
    assert "attached candidate “over 42”" in appearance.history.get().history_change_reason
    assert "over 42" not in _pending(source)
    assert Claim.objects.get(pk=claim.pk).version == claim.version + 1


def test_attach_to_a_verified_claim_is_allowed_a_new_appearance_adds_to_the_record(source, fact_checker):
    claim = _meetings(status=Status.VERIFIED)
    start, end = _span("over 42")
    attach_candidate(source=source, start=start, end=end, claim=claim.pk, actor=fact_checker)
    assert Claim.objects.get(pk=claim.pk).status == Status.VERIFIED and claim.appearances.count() == 2


def test_attach_refuses_a_stale_version_and_a_second_appearance_in_the_source(source, fact_checker):
    claim = _meetings()
    start, end = _span("over 42")
    with pytest.raises(StaleVersion):
        attach_candidate(
            source=source,
            start=start,
            end=end,
            claim=claim,
            actor=fact_checker,
            expected_version=claim.version - 1 if claim.version > 1 else claim.version + 5,
        )
    AppearanceFactory(claim=claim, source=source, quote="Putin and Xi")
    other_start, other_end = _span("approximately $245 billion")
    with pytest.raises(ValidationError, match="already has an appearance in this source"):
        attach_candidate(source=source, start=other_start, end=other_end, claim=claim, actor=fact_checker)


def test_attach_to_a_missing_claim_names_the_claim(source, fact_checker):
    start, end = _span("over 42")
    with pytest.raises(DeskError) as refused:
        attach_candidate(source=source, start=start, end=end, claim=987654, actor=fact_checker)
    assert "claim" in refused.value.fields


# --- dismiss ------------------------------------------------------------------------------------------------------
def test_dismiss_is_remembered_and_idempotent(source, fact_checker):
    start, end = _span("2013")
    first = dismiss_candidate(source=source, start=start, end=end, actor=fact_checker, reason="a bare date")
    again = dismiss_candidate(source=source, start=start, end=end, actor=fact_checker, reason="other words")
    assert first.pk == again.pk and IntakeDismissal.objects.count() == 1
    assert (first.text, first.reason, first.dismissed_by_id) == ("2013", "a bare date", fact_checker.pk)
    assert "2013" not in _pending(source)
    assert "over 42" in _pending(source)


def test_dismiss_refuses_a_span_with_no_candidate(source, fact_checker):
    with pytest.raises(CandidateGone):
        dismiss_candidate(source=source, start=0, end=6, actor=fact_checker)


# --- bulk ---------------------------------------------------------------------------------------------------------
def test_bulk_accept_creates_each(source, fact_checker):
    spans = [_span("approximately $245 billion"), _span("over 42")]
    claims = accept_candidates(source=source, spans=spans, actor=fact_checker)
    assert [c.appearances.get().source_id for c in claims] == [source.pk, source.pk]
    assert [(c.value, c.unit) for c in claims] == [(Decimal("245000000000"), Unit.USD), (Decimal(42), Unit.COUNT)]


def test_bulk_accept_is_all_or_nothing_naming_the_refused_candidate(source, fact_checker):
    good, bad = _span("approximately $245 billion"), _span("over 42")
    key = span_key(*bad)
    with pytest.raises(CandidateRefused) as refused:
        accept_candidates(
            source=source, spans=[good, bad], actor=fact_checker, overrides={key: {"claim_type": "guess"}}
        )
    assert refused.value.key == key and "claim_type" in refused.value.fields
    assert "“over 42”" in refused.value.message
    assert not Claim.objects.exists() and not Appearance.objects.filter(source=source).exists()


def test_bulk_accept_of_nothing_is_refused(source, fact_checker):
    with pytest.raises(DeskError) as refused:
        accept_candidates(source=source, spans=[], actor=fact_checker)
    assert "spans" in refused.value.fields


def test_span_keys():
    assert parse_span_key("12-20") == (12, 20)
    for bad in ("12", "20-12", "a-b", ""):
        with pytest.raises(DeskError):
            parse_span_key(bad)
