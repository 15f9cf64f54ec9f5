"""The consistency report: each kind of disagreement found, with the records and a message naming them, and the
near-misses each must leave alone."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from claims.choices import ClaimType, Status, Unit
from claims.consistency import (
    _VALUES,
    KINDS,
    change_mismatches,
    consistency_report,
    evidence_gaps,
    share_overruns,
    value_disagreements,
)
from tests.factories import ClaimFactory, EvidenceFactory

pytestmark = pytest.mark.django_db


def _year(year: int) -> dict:
    return dict(
        period=str(year), period_start=dt.date(year, 1, 1), period_end=dt.date(year, 12, 31), period_precision="year"
    )


def _span(first: int, last: int) -> dict:
    return dict(
        period=f"{first}/{last}",
        period_start=dt.date(first, 1, 1),
        period_end=dt.date(last, 12, 31),
        period_precision="year",
    )


def _ids(disagreement) -> set[int]:
    return {claim.id for claim in disagreement.claims}


# --- values -----------------------------------------------------------------------------------------------------


def test_the_same_subject_and_period_with_values_apart_is_a_disagreement():
    one = ClaimFactory(subject="Russia–China trade", value=Decimal("245000000000"), qualifier="exact")
    other = ClaimFactory(subject="russia-china trade", value=Decimal("200000000000"), qualifier="exact")
    (found,) = value_disagreements()
    assert _ids(found) == {one.pk, other.pk}
    assert found.message == (f"Russia–China trade (2024): $200 bn in claim #{other.pk}, $245 bn in claim #{one.pk}")


def test_values_within_the_tolerance_another_period_unit_or_subject_are_no_disagreement():
    ClaimFactory(subject="Russia–China trade", value=Decimal("245000000000"))
    ClaimFactory(subject="Russia–China trade", value=Decimal("244800000000"))  # 0.08 %: rounding
    ClaimFactory(subject="Russia–China trade", value=Decimal("100000000000"), **_year(2019))  # another period
    ClaimFactory(subject="Russia–China trade", value=Decimal("100000000000"), unit=Unit.EUR)  # another unit
    ClaimFactory(subject="Russia–India trade", value=Decimal("100000000000"))  # another subject
    ClaimFactory(
        subject="Russia–China trade",
        value=Decimal("1"),
        withdrawn_at=timezone.now(),
        withdrawal_reason="A typing error.",
    )  # withdrawn
    assert value_disagreements() == []


# --- shares -----------------------------------------------------------------------------------------------------


def _share(part: str, value: str, **fields) -> object:
    defaults = dict(subject=f"{part} share of Russian oil exports", value=Decimal(value), unit=Unit.PERCENT)
    return ClaimFactory(**(defaults | dict(qualifier="exact") | fields))


def test_shares_of_one_whole_over_100_percent_are_a_disagreement():
    china, india, turkey = _share("China's", "55"), _share("India's", "38"), _share("Turkey's", "12")
    (found,) = share_overruns()
    assert _ids(found) == {china.pk, india.pk, turkey.pk}
    assert found.message == (
        f"shares of Russian oil exports (2024) add up to 105 %: 55 % in claim #{china.pk}, 38 % in claim "
        f"#{india.pk}, 12 % in claim #{turkey.pk}"
    )


def test_shares_within_100_percent_of_other_wholes_or_periods_are_no_disagreement():
    _share("China's", "55")
    _share("India's", "38")  # 93 %
    _share("China's", "50")  # the same part again: its lowest counts, not both
    _share("Turkey's", "40", **_year(2019))  # another period
    ClaimFactory(subject="Turkey's share of Russian gas exports", value=Decimal(40), unit=Unit.PERCENT)
    _share("Brazil's", "20", qualifier="under")  # "under 20 %" says nothing at least
    ClaimFactory(subject="Unemployment rate", value=Decimal(60), unit=Unit.PERCENT)  # no whole named
    assert share_overruns() == []


# --- changes ----------------------------------------------------------------------------------------------------


def _trade(year: int, value: str) -> object:
    return ClaimFactory(subject="Russia–China trade", value=Decimal(value), qualifier="exact", **_year(year))


def test_a_change_that_does_not_match_its_two_values_is_a_disagreement():
    earlier, later = _trade(2021, "147000000000"), _trade(2024, "245000000000")
    change = ClaimFactory(
        subject="Russia–China trade",
        claim_type=ClaimType.CHANGE,
        value=Decimal(40),
        unit=Unit.PERCENT,
        qualifier="exact",
        **_span(2021, 2024),
    )
    (found,) = change_mismatches()
    assert [c.id for c in found.claims] == [change.pk, earlier.pk, later.pk]
    assert found.message == (
        f"claim #{change.pk} states a change of 40 %; from $147 bn (claim #{earlier.pk}) to $245 bn "
        f"(claim #{later.pk}) it is 66.7 %"
    )


def test_a_change_that_matches_within_its_rounding_or_relates_no_values_is_no_disagreement():
    _trade(2021, "147000000000")
    _trade(2024, "245000000000")
    change = dict(subject="Russia–China trade", claim_type=ClaimType.CHANGE, qualifier="exact", **_span(2021, 2024))
    ClaimFactory(**change, value=Decimal(67), unit=Unit.PERCENT)  # 66.7 %, written 67
    ClaimFactory(**change | {"key": "doubled"}, value=Decimal("1.7"), unit=Unit.MULTIPLE)  # 1.67 times
    ClaimFactory(**change | {"key": "plus"}, value=Decimal("98000000000"), unit=Unit.USD)  # the difference
    ClaimFactory(**change | {"key": "other", "subject": "Russia–India trade"}, value=Decimal(5), unit=Unit.PERCENT)
    assert change_mismatches() == []


def test_a_change_in_percentage_points_relates_two_percentages():
    ClaimFactory(subject="Unemployment rate", value=Decimal(5), unit=Unit.PERCENT, qualifier="exact", **_year(2020))
    ClaimFactory(subject="Unemployment rate", value=Decimal(8), unit=Unit.PERCENT, qualifier="exact", **_year(2023))
    fields = dict(subject="Unemployment rate", claim_type=ClaimType.CHANGE, qualifier="exact", **_span(2020, 2023))
    ClaimFactory(**fields, value=Decimal(3), unit=Unit.PERCENTAGE_POINTS)  # right
    wrong = ClaimFactory(**fields | {"key": "wrong"}, value=Decimal(5), unit=Unit.PERCENTAGE_POINTS)
    (found,) = change_mismatches()
    assert found.claims[0].id == wrong.pk


# --- evidence ---------------------------------------------------------------------------------------------------


def test_evidence_of_a_verified_claim_with_another_figure_is_a_disagreement():
    claim = ClaimFactory(status=Status.VERIFIED, value=Decimal("245000000000"), qualifier="exact")
    evidence = EvidenceFactory(claim=claim, source_value=Decimal("200000000000"))
    (found,) = evidence_gaps()
    assert _ids(found) == {claim.pk} and [e.id for e in found.evidence] == [evidence.pk]
    assert found.evidence[0].gap == "+22.5 %"
    assert found.message == (
        f"claim #{claim.pk} ({claim.subject}) is verified at $245 bn; evidence #{evidence.pk} "
        f"({evidence.source.title}) gives $200 bn, a gap of +22.5 %"
    )


def test_close_evidence_or_a_claim_not_verified_is_no_disagreement():
    verified = ClaimFactory(status=Status.VERIFIED, value=Decimal("245000000000"))
    EvidenceFactory(claim=verified, source_value=Decimal("244800000000"))  # 0.08 %: close
    EvidenceFactory(claim=verified, source_value=None, relation="context")  # no figure
    open_claim = ClaimFactory(status=Status.IN_REVIEW, value=Decimal("245000000000"))
    EvidenceFactory(claim=open_claim, source_value=Decimal("200000000000"))  # not verified (yet)
    assert evidence_gaps() == []


# --- the report -------------------------------------------------------------------------------------------------


def test_the_report_takes_one_query_a_kind_and_is_bounded(django_assert_num_queries):
    for n in range(3):
        ClaimFactory(subject=f"Subject {n}", value=Decimal(10), unit=Unit.COUNT)
        ClaimFactory(subject=f"Subject {n}", value=Decimal(20), unit=Unit.COUNT)
    with django_assert_num_queries(len(KINDS)):
        report = consistency_report(limit=2)
    assert len(report.values) == 2 and report.limit == 2
    with django_assert_num_queries(1):
        assert consistency_report(kinds=["values"]).evidence == []


@pytest.mark.parametrize(
    ("subject", "key", "whole", "part"),
    [
        ("Russia–China trade", "russia china trade", None, None),
        ("  US-Russia  trade!", "us russia trade", None, None),
        (
            "China's share of Russian oil exports",
            "china s share of russian oil exports",
            "russian oil exports",
            "china s share",
        ),  # fmt: skip
        ("Share of A of B", "share of a of b", "b", "share of a"),
    ],
)
def test_the_subject_keys_sql_functions(subject, key, whole, part):
    """The keys the report groups by (migration 0020): case and punctuation left out; a share's whole after its last
    " of ", its part before."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT desk_subject_key(%s), desk_whole_key(%s), desk_part_key(%s)", [subject] * 3)
        assert cursor.fetchone() == (key, whole, part)


def test_the_report_reads_the_subject_key_index():
    """No key computed per claim: the values kind's groups come from the key's expression index (migration 0020)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + _VALUES, [ClaimType.CHANGE, 1, 100, ClaimType.CHANGE])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "claim_subject_key_idx" in plan
