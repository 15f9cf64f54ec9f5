"""Checked before? The finder's candidates matched against the desk's claims: same figure, period and wording is a
match (with the claim's status and verdict); same statement and period with another figure is a conflict."""

import datetime as dt
from decimal import Decimal

import pytest

from claims.choices import Status, Unit
from claims.intake.finder import find_candidates
from claims.intake.matching import match_candidates, names_cover
from claims.models import Claim
from tests.factories import AppearanceFactory, ClaimFactory, meetings_claim

pytestmark = pytest.mark.django_db

ARTICLE = (
    "Since 2013, Putin and Xi have met over 42 times. "
    "Russia-China trade reached approximately $245 billion annually by 2024. "
    "The weather was fine."
)


def _by_text(candidates, matches):
    return {candidates[index].text: found for index, found in matches.items()}


def test_the_same_figure_period_and_subject_is_a_match_with_its_status_and_verdict():
    claim = meetings_claim(status=Status.VERIFIED)
    trade = ClaimFactory(subject="Russia–China trade", period="2024")
    candidates = find_candidates(ARTICLE)
    found = _by_text(candidates, match_candidates(candidates))
    assert [(m.claim_id, m.kind, m.status, m.verdict) for m in found["over 42"]] == [
        (claim.pk, "match", "verified", "True")
    ]
    assert [(m.claim_id, m.kind) for m in found["approximately $245 billion"]] == [(trade.pk, "match")]
    assert found["approximately $245 billion"][0].figure == "≈ $245 bn"


def test_a_figure_within_the_tolerance_after_scale_is_the_same_figure():
    trade = ClaimFactory(subject="Russia–China trade", value=Decimal("244800000000"))
    candidates = find_candidates(ARTICLE)
    found = _by_text(candidates, match_candidates(candidates))
    assert [m.claim_id for m in found["approximately $245 billion"]] == [trade.pk]


def test_another_figure_for_the_same_subject_and_period_is_a_conflict():
    claim = meetings_claim(value=Decimal(40), qualifier="exact")
    candidates = find_candidates(ARTICLE)
    found = _by_text(candidates, match_candidates(candidates))
    (conflict,) = found["over 42"]
    assert (conflict.claim_id, conflict.kind) == (claim.pk, "conflict")
    assert conflict.message == f"> 42 here, 40 in claim #{claim.pk} (Putin and Xi meetings)"


def test_no_match_for_another_unit_period_or_subject():
    meetings_claim(unit=Unit.PEOPLE)  # another unit
    meetings_claim(period="2020/", period_start=dt.date(2020, 1, 1), value=Decimal(7))  # another figure, another period
    ClaimFactory(subject="Wheat harvest of Ukraine", value=Decimal("245000000000"), unit=Unit.USD)  # other subject
    ClaimFactory(subject="Russia–China trade", period="2019", period_start=dt.date(2019, 1, 1),
                 period_end=dt.date(2019, 12, 31))  # another period  # fmt: skip
    candidates = find_candidates(ARTICLE)
    found = _by_text(candidates, match_candidates(candidates))
    assert "approximately $245 billion" not in found
    assert "over 42" not in found  # a conflict is of the same period: 7 since 2020 is not 42 since 2013


def test_a_quote_with_the_same_wording_matches_when_the_subject_is_worded_otherwise():
    claim = ClaimFactory(subject="Bilateral turnover", period="2024")
    AppearanceFactory(claim=claim, quote="Russia-China trade reached approximately $245 billion annually by 2024.")
    candidates = find_candidates(ARTICLE)
    found = _by_text(candidates, match_candidates(candidates))
    assert [m.claim_id for m in found["approximately $245 billion"]] == [claim.pk]


def test_the_claims_looked_at_can_be_narrowed_and_it_takes_one_query(django_assert_num_queries):
    claim = meetings_claim()
    candidates = find_candidates(ARTICLE)
    with django_assert_num_queries(1):
        assert match_candidates(candidates, Claim.objects.exclude(pk=claim.pk)) == {}
    with django_assert_num_queries(1):
        assert match_candidates(candidates)
    assert match_candidates([]) == {}


def test_a_conflict_names_one_of_the_sentences_names():
    meetings_claim(subject="Meetings of the two leaders", value=Decimal(40))
    text = "Since 2013, the two leaders have met over 42 times."
    candidates = find_candidates(text)
    assert match_candidates(candidates) == {}  # no name in the sentence: no claim to be in conflict with


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Putin and Xi meetings", "Since 2013, Putin and Xi have met over 42 times."),
        ("Russia–China trade", "Russia-China trade reached approximately $245 billion annually by 2024."),
        ("Ünïcode_words 2024", "unicode words in 2024"),
        ("", "anything"),
    ],
)
def test_the_wording_similarity_is_the_sql_functions(a, b):
    """The matcher scores its pool in Python with the trigrams of the SQL functions (migration 0017): the same."""
    from django.db import connection

    from claims.intake.matching import similarity, trigrams, word_similarity

    with connection.cursor() as cursor:
        cursor.execute("SELECT desk_word_similarity(%s, %s), desk_similarity(%s, %s)", [a, b, a, b])
        sql_word, sql_whole = cursor.fetchone()
    assert word_similarity(trigrams(a), trigrams(b)) == pytest.approx(sql_word, abs=1e-6)
    assert similarity(trigrams(a), trigrams(b)) == pytest.approx(sql_whole, abs=1e-6)


def test_a_conflict_needs_the_sentence_to_name_every_name_of_the_claims_subject():
    """After "Russia–China trade $245 bn (2024)" was accepted, "US-Russia trade $3.5 bn as of 2024" shares one name
    with it: no conflict."""
    ClaimFactory(
        subject="Russia–China trade",
        value=Decimal("245000000000"),
        unit=Unit.USD,
        qualifier="approximately",
        period="2024",
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
    )
    text = "By contrast, US-Russia trade remains relatively low, amounting to just $3.5 billion as of 2024 [3]."
    candidates = find_candidates(text)
    assert "$3.5 billion" not in _by_text(candidates, match_candidates(candidates))


def test_a_sentence_naming_every_name_of_the_subject_in_another_form_still_conflicts():
    claim = ClaimFactory(
        subject="Russia–China trade",
        value=Decimal("190000000000"),
        unit=Unit.USD,
        period="2024",
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
    )
    text = "Russian-Chinese trade, the Russia–China trade, reached $245 billion in 2024."
    candidates = find_candidates(text)
    (conflict,) = _by_text(candidates, match_candidates(candidates))["$245 billion"]
    assert (conflict.claim_id, conflict.kind) == (claim.pk, "conflict")


@pytest.mark.parametrize(
    ("sentence_names", "subject", "covered"),
    [
        (["Putin", "Xi"], "Putin and Xi meetings", True),
        (["US", "Russia"], "Russia–China trade", False),
        (["Russian", "Chinese"], "Russia–China trade", True),
        (["USSR", "China"], "US–China trade", False),
        (["Russia"], "Bilateral trade", True),  # a subject without names asks for none
    ],
)
def test_names_cover(sentence_names, subject, covered):
    assert names_cover(sentence_names, subject) is covered


@pytest.mark.parametrize(
    ("sentence_names", "subject", "covered"),
    [
        (["Russia"], "Collapse of the Soviet Union", False),
        (["Soviet", "Union"], "Collapse of the Soviet Union", True),
        (["Crimea"], "Russia's annexation of Crimea", False),
        (["CSIS"], "CSIS survey of experts", True),
    ],
)
def test_a_subjects_first_word_is_a_name_only_when_it_reads_as_one(sentence_names, subject, covered):
    assert names_cover(sentence_names, subject) is covered
