"""The desk's charts' figures (claims.charts): each selector's numbers against factory data, and its queries."""

import datetime as dt

import pytest
from django.utils import timezone

from claims.audit import record_history
from claims.charts import (
    NO_PUBLISHER_LABEL,
    NOBODY_LABEL,
    chart_period,
    claims_per_publisher,
    open_claims_by_assignee,
    source_health,
    status_over_time,
    verdict_delays,
    verdicts_by_rating,
)
from claims.choices import Status
from claims.models import Claim
from sources.choices import SourceHealth
from tests.factories import AppearanceFactory, ClaimFactory, PublisherFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db
UTC = dt.UTC
NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def at(day: str, hour: int = 12) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def with_history(claim: Claim, *steps: tuple[str, dict]) -> Claim:
    """Replace the claim's audit trail by rows at the given days, each after writing the given fields."""
    Claim.history.filter(id=claim.pk).delete()
    for number, (day, fields) in enumerate(steps):
        kind = fields.pop("_type", "+" if number == 0 else "~")
        Claim.objects.filter(pk=claim.pk).update(**fields)
        record_history(Claim, [claim.pk], history_type=kind, user_id=None, reason="test", date=at(day))
    claim.refresh_from_db()
    return claim


# --- the period ---------------------------------------------------------------------------------------------------
def test_twelve_months_by_month_ending_now():
    period = chart_period(12, now=NOW)
    assert period.step == "month"
    assert [b.start.date() for b in period.buckets] == [
        dt.date(2025, 7, 1), dt.date(2025, 8, 1), dt.date(2025, 9, 1), dt.date(2025, 10, 1), dt.date(2025, 11, 1),
        dt.date(2025, 12, 1), dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1), dt.date(2026, 4, 1),
        dt.date(2026, 5, 1), dt.date(2026, 6, 1),
    ]  # fmt: skip
    assert [b.end for b in period.buckets[:-1]] == [b.start for b in period.buckets[1:]]
    assert period.end == NOW


def test_three_months_by_week_from_monday():
    period = chart_period(3, now=NOW)
    assert period.step == "week"
    assert period.start.date() == dt.date(2026, 3, 9)  # the Monday of the week of 15 March
    assert all(b.start.weekday() == 0 for b in period.buckets)
    assert period.buckets[-1].start.date() == dt.date(2026, 6, 15) and period.end == NOW
    assert len(period.buckets) == 15


def test_a_period_is_at_least_a_month():
    with pytest.raises(ValueError, match="at least one month"):
        chart_period(0, now=NOW)


# --- claims by status over time -------------------------------------------------------------------------------------
def status_table_data():
    with_history(
        ClaimFactory(),
        ("2025-08-10", {"status": Status.UNVERIFIED}),
        ("2025-10-05", {"status": Status.IN_REVIEW}),
        ("2026-01-20", {"status": Status.VERIFIED}),
    )
    with_history(  # before the period, then deleted in March
        ClaimFactory(), ("2025-06-01", {"status": Status.UNVERIFIED}), ("2026-03-10", {"_type": "-"})
    )
    with_history(  # withdrawn in April
        ClaimFactory(),
        ("2026-02-01", {"status": Status.IN_REVIEW}),
        ("2026-04-01", {"withdrawn_at": at("2026-04-01"), "withdrawal_reason": "A duplicate"}),
    )
    with_history(ClaimFactory(), ("2026-06-20", {"status": Status.FALSE}))  # after now: not yet there


U, R, V = Status.UNVERIFIED, Status.IN_REVIEW, Status.VERIFIED
STATUS_TABLE = [
    ("2025-07-01", {U: 1}),
    ("2025-08-01", {U: 2}),
    ("2025-09-01", {U: 2}),
    ("2025-10-01", {U: 1, R: 1}),
    ("2025-11-01", {U: 1, R: 1}),
    ("2025-12-01", {U: 1, R: 1}),
    ("2026-01-01", {U: 1, V: 1}),
    ("2026-02-01", {U: 1, V: 1, R: 1}),
    ("2026-03-01", {V: 1, R: 1}),
    ("2026-04-01", {V: 1}),
    ("2026-05-01", {V: 1}),
    ("2026-06-01", {V: 1}),
]


def test_claims_by_status_at_each_month_end(django_assert_num_queries):
    status_table_data()
    period = chart_period(12, now=NOW)
    with django_assert_num_queries(1):
        snapshots = status_over_time(period)
    got = [(s.bucket.start.date().isoformat(), {k: v for k, v in s.counts.items() if v}) for s in snapshots]
    assert got == STATUS_TABLE
    assert set(snapshots[0].counts) == set(Status.values)  # every status, zeros included
    assert [s.total for s in snapshots] == [sum(c.values()) for _, c in STATUS_TABLE]


def test_the_query_count_does_not_grow_with_the_claims(django_assert_num_queries):
    for _ in range(3):
        status_table_data()
    with django_assert_num_queries(1):
        snapshots = status_over_time(chart_period(12, now=NOW))
    assert snapshots[-1].counts[V] == 3


# --- verdicts by rating ---------------------------------------------------------------------------------------------
def verdict(status: str, rating: int | None, reviewed: str, **fields) -> Claim:
    return ClaimFactory(
        status=status, rating_value=rating, reviewed_at=at(reviewed), published_at=at(reviewed), **fields
    )


def test_verdicts_published_in_the_period_by_rating(django_assert_num_queries):
    verdict(Status.VERIFIED, 5, "2026-01-10")
    verdict(Status.VERIFIED, 5, "2026-06-01")
    verdict(Status.VERIFIED, 4, "2026-03-01")
    verdict(Status.FALSE, 1, "2025-09-30")
    verdict(Status.MISLEADING, 1, "2025-12-24")
    verdict(Status.UNVERIFIABLE, None, "2026-02-02")
    verdict(Status.MISLEADING, 2, "2025-06-30")  # before the period
    verdict(Status.VERIFIED, 5, "2026-02-01", withdrawn_at=at("2026-03-01"), withdrawal_reason="Superseded")
    ClaimFactory(status=Status.IN_REVIEW, reviewed_at=at("2026-02-01"))  # reopened: no verdict stands
    with django_assert_num_queries(1):
        rows = verdicts_by_rating(chart_period(12, now=NOW))
    got = [(row.label, {k: v for k, v in row.counts.items() if v}, row.total) for row in rows]
    assert got == [
        ("5 · True", {Status.VERIFIED: 2}, 2),
        ("4 · Mostly true", {Status.VERIFIED: 1}, 1),
        ("3 · Half true", {}, 0),
        ("2 · Mostly false", {}, 0),
        ("1 · False", {Status.FALSE: 1, Status.MISLEADING: 1}, 2),
        ("No rating", {Status.UNVERIFIABLE: 1}, 1),
    ]


# --- time to verdict ------------------------------------------------------------------------------------------------
def appeared(claim: Claim, *, stated_on: str | None = None, published_on: str | None = None) -> None:
    source = SourceFactory(
        published_on=dt.date.fromisoformat(published_on) if published_on else None,
        published_precision="day" if published_on else "",
    )
    AppearanceFactory(claim=claim, source=source, stated_on=dt.date.fromisoformat(stated_on) if stated_on else None)


def test_median_days_from_first_appearance_to_verdict(django_assert_num_queries):
    first = verdict(Status.VERIFIED, 5, "2026-05-01")
    appeared(first, stated_on="2026-04-28")
    appeared(first, published_on="2026-04-21")  # the earlier of the two: 10 days
    appeared(first)  # undated: doesn't count
    second = verdict(Status.FALSE, 1, "2026-05-31")
    appeared(second, stated_on="2026-05-11", published_on="2026-01-01")  # stated on wins: 20 days
    third = verdict(Status.MISLEADING, 2, "2026-06-03")
    appeared(third, published_on="2026-06-01")  # 2 days
    verdict(Status.UNVERIFIABLE, None, "2026-06-05")  # no appearance: counted, no delay
    old = verdict(Status.VERIFIED, 5, "2025-01-05")  # before the period
    appeared(old, published_on="2024-01-01")
    period = chart_period(12, now=NOW)
    with django_assert_num_queries(2):
        delays = verdict_delays(period)
    assert (delays.overall.verdicts, delays.overall.dated, delays.overall.median_days) == (4, 3, 10.0)
    by_month = {row.bucket.start.date().isoformat(): (row.verdicts, row.dated, row.median_days) for row in delays.steps}
    assert by_month["2026-05-01"] == (2, 2, 15.0)
    assert by_month["2026-06-01"] == (2, 1, 2.0)
    assert by_month["2026-04-01"] == (0, 0, None)
    assert len(delays.steps) == 12


def test_no_verdicts_no_median(django_assert_num_queries):
    with django_assert_num_queries(2):
        delays = verdict_delays(chart_period(3, now=NOW))
    assert (delays.overall.verdicts, delays.overall.median_days) == (0, None)
    assert all(row.verdicts == 0 for row in delays.steps)


# --- open claims per fact-checker -----------------------------------------------------------------------------------
def test_open_claims_per_assignee(django_assert_num_queries):
    ada = UserFactory(username="ada", first_name="Ada", last_name="Byron", role="fact-checker")
    UserFactory(username="bob", role="fact-checker")  # takes claims, holds none
    jo = UserFactory(username="jo", role="journalist")  # can't be given claims, but holds one from before
    UserFactory(username="sam", role="journalist")  # neither
    for status in (U, U, R):
        ClaimFactory(status=status, assignee=ada)
    ClaimFactory(status=V, assignee=ada)  # a verdict: not open
    ClaimFactory(status=R, assignee=jo)
    ClaimFactory(status=U)
    ClaimFactory(status=U, withdrawn_at=NOW, withdrawal_reason="Duplicate")
    with django_assert_num_queries(2):
        rows = open_claims_by_assignee()
    assert [(row.name, row.counts[U], row.counts[R], row.total) for row in rows] == [
        ("Ada Byron", 2, 1, 3),
        ("jo", 0, 1, 1),
        ("bob", 0, 0, 0),
        (NOBODY_LABEL, 1, 0, 1),
    ]


# --- source health --------------------------------------------------------------------------------------------------
def test_sources_by_health(django_assert_num_queries):
    SourceFactory.create_batch(2, health=SourceHealth.OK)
    SourceFactory(health=SourceHealth.BROKEN)
    SourceFactory(url="")
    SourceFactory()
    with django_assert_num_queries(1):
        rows = source_health()
    assert [(row.health, row.sources, row.without_url) for row in rows] == [
        (SourceHealth.NEVER_CHECKED, 2, 1),
        (SourceHealth.OK, 2, 0),
        (SourceHealth.REDIRECTED, 0, 0),
        (SourceHealth.CHANGED, 0, 0),
        (SourceHealth.BROKEN, 1, 0),
        (SourceHealth.UNREACHABLE, 0, 0),
        (SourceHealth.REFUSED, 0, 0),
    ]
    assert rows[0].label == "Never checked"


# --- claims per publisher -------------------------------------------------------------------------------------------
def test_claims_per_publisher_in_the_period(django_assert_num_queries):
    rusi, tass = PublisherFactory(name="RUSI"), PublisherFactory(name="TASS")
    one, two = ClaimFactory(status=V), ClaimFactory(status=U)
    AppearanceFactory(claim=one, source=SourceFactory(publisher=rusi), stated_on=dt.date(2026, 2, 1))
    AppearanceFactory(claim=one, source=SourceFactory(publisher=rusi), stated_on=dt.date(2026, 3, 1))  # once
    AppearanceFactory(
        claim=two, source=SourceFactory(publisher=rusi, published_on=dt.date(2026, 1, 5), published_precision="day")
    )
    AppearanceFactory(claim=two, source=SourceFactory(publisher=tass), stated_on=dt.date(2026, 5, 5))
    AppearanceFactory(claim=ClaimFactory(status=R), source=SourceFactory(publisher=None), stated_on=dt.date(2026, 6, 1))
    late = ClaimFactory(status=Status.FALSE)
    AppearanceFactory(claim=late, source=SourceFactory(publisher=tass), stated_on=dt.date(2025, 6, 30))  # before
    AppearanceFactory(claim=late, source=SourceFactory(publisher=tass))  # undated
    gone = ClaimFactory(status=U, withdrawn_at=NOW, withdrawal_reason="Duplicate")
    AppearanceFactory(claim=gone, source=SourceFactory(publisher=tass), stated_on=dt.date(2026, 5, 5))
    period = chart_period(12, now=NOW)
    with django_assert_num_queries(2):
        counted = claims_per_publisher(period)
    assert [(row.name, {k: v for k, v in row.counts.items() if v}, row.total) for row in counted.rows] == [
        ("RUSI", {V: 1, U: 1}, 2),
        ("TASS", {U: 1}, 1),
        (NO_PUBLISHER_LABEL, {R: 1}, 1),  # ties by name, sources without a publisher last
    ]
    assert counted.publishers == 3
    shortened = claims_per_publisher(period, limit=1)
    assert [row.name for row in shortened.rows] == ["RUSI"] and shortened.publishers == 3


def test_the_current_step_counts_today():
    claim = ClaimFactory(status=U)
    AppearanceFactory(claim=claim, stated_on=timezone.localdate())
    assert [row.total for row in claims_per_publisher(chart_period(12)).rows] == [1]


def test_the_first_appearance_date_is_the_rule_of_claims_appearances():
    """The database's reading (first_appearance_dates) gives the date of claims.models.first_appearance_of."""
    from claims.charts import first_appearance_dates
    from claims.models import first_appearance_of

    cases = [
        [("2026-04-28", None), (None, "2026-04-21"), (None, None)],
        [("2026-05-11", "2026-01-01")],
        [(None, None)],
        [],
    ]
    claims = []
    for appearances in cases:
        claim = ClaimFactory()
        for stated_on, published_on in appearances:
            appeared(claim, stated_on=stated_on, published_on=published_on)
        claims.append(claim)
    dated = dict(Claim.objects.annotate(first=first_appearance_dates()).values_list("id", "first"))
    for claim in claims:
        first = first_appearance_of(claim.appearances.select_related("source"))
        assert dated[claim.pk] == (first.date if first else None)
