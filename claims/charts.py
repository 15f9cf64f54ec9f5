"""The desk in numbers: the figures behind the desk's charts page (claims.admin.charts draws them).

Every number is computed by the database with aggregate queries, a fixed number per chart whatever the data's
size (the tests pin them): no query per claim, publisher or user. Withdrawn claims are left out of every figure:
they stay on record but are no longer the desk's work nor its published word.

    period = chart_period(months=12)            # the last 12 months, by month (by week for 3 months or fewer)
    status_over_time(period)                     # claims by status at the end of each month (the audit trail)
    verdicts_by_rating(period)                   # verdicts published in the period, by rating and status
    verdict_delays(period)                       # median days from first appearance to published verdict
    open_claims_by_assignee()                    # unverified and in-review claims per fact-checker, now
    source_health()                              # sources by what the last check of their link found, now
    claims_per_publisher(period)                 # claims appearing (dated) in the period, per publisher
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, F, FloatField, Func, IntegerField, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.aggregates import Aggregate
from django.db.models.functions import Coalesce, Trunc, TruncDate
from django.utils import timezone

from sources.choices import SourceHealth
from sources.models import Source

from .choices import RATING_SCALE, VERDICTS, Status
from .models import Appearance, Claim
from .selectors import assignable_users

# When a verdict counts as published: the column the "time to verdict" and "verdicts by rating" figures read, the
# publication by a second person (claims.services.publication); a verdict not published yet isn't counted.
VERDICT_PUBLISHED_AT = "published_at"

OPEN_STATUSES = (Status.UNVERIFIED, Status.IN_REVIEW)
PERIOD_MONTHS = (3, 6, 12, 24)
DEFAULT_PERIOD_MONTHS = 12
WEEKLY_UP_TO_MONTHS = 3  # periods this short are shown week by week, longer ones month by month
PUBLISHERS_SHOWN = 15


@dataclass(frozen=True)
class Bucket:
    """One step of a period: from `start` (inclusive) to `end` (exclusive; the last one ends now)."""

    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True)
class ChartPeriod:
    """The months a page of charts covers, in steps of a month or a week, in the site's time zone."""

    months: int
    step: str  # "month" or "week"
    buckets: tuple[Bucket, ...]

    @property
    def start(self) -> dt.datetime:
        return self.buckets[0].start

    @property
    def end(self) -> dt.datetime:
        return self.buckets[-1].end


def _month_start(day: dt.date, back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def chart_period(months: int = DEFAULT_PERIOD_MONTHS, *, now: dt.datetime | None = None) -> ChartPeriod:
    """The last `months` months up to `now`: calendar months (the current one so far), or for WEEKLY_UP_TO_MONTHS
    or fewer, the weeks (Monday to Sunday) since the same day `months` months ago."""
    if months < 1:
        raise ValueError(f"A chart period is at least one month; got {months}.")
    now = now or timezone.now()
    zone = timezone.get_current_timezone()
    today = timezone.localtime(now, zone).date()

    def midnight(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time.min, tzinfo=zone)

    if months <= WEEKLY_UP_TO_MONTHS:
        step = "week"
        first = _month_start(today, months)
        first = first.replace(day=min(today.day, 28))
        first -= dt.timedelta(days=first.weekday())
        starts = []
        day = first
        while day <= today:
            starts.append(day)
            day += dt.timedelta(days=7)
        ends = [*starts[1:], None]
    else:
        step = "month"
        starts = [_month_start(today, back) for back in range(months - 1, -1, -1)]
        ends = [*starts[1:], None]
    buckets = tuple(
        Bucket(midnight(start), midnight(end) if end is not None else now)
        for start, end in zip(starts, ends, strict=True)
    )
    return ChartPeriod(months=months, step=step, buckets=buckets)


# --- claims by status over time ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StatusSnapshot:
    """How many claims had each status at the end of a step (`counts` has every status, zeros included)."""

    bucket: Bucket
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def status_over_time(period: ChartPeriod) -> list[StatusSnapshot]:
    """Each step's claims by the status they had at its end, read from the claims' audit trail (simple-history
    rows): a history row holds from its date until the claim's next row; deleted claims and claims withdrawn by
    then are left out. One query."""
    history = Claim.history.model
    table = connection.ops.quote_name(history._meta.db_table)
    ends = [bucket.end for bucket in period.buckets]
    sql = f"""
        WITH spans AS (
            SELECT status, history_type, withdrawn_at, history_date AS since,
                   lead(history_date) OVER (PARTITION BY id ORDER BY history_date, history_id) AS until
            FROM {table}
            WHERE history_date < %s
        ), ends AS (SELECT unnest(%s::timestamptz[]) AS at)
        SELECT ends.at, spans.status, count(*)
        FROM ends JOIN spans ON spans.since < ends.at AND (spans.until IS NULL OR spans.until >= ends.at)
        WHERE spans.history_type <> '-' AND (spans.withdrawn_at IS NULL OR spans.withdrawn_at >= ends.at)
        GROUP BY ends.at, spans.status
    """  # the table's name is the model's; the values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [max(ends), ends])
        rows = cursor.fetchall()
    counts: dict[dt.datetime, dict[str, int]] = {end: dict.fromkeys(Status.values, 0) for end in ends}
    for at, status, count in rows:
        counts[at][status] = count  # aware datetimes: equal (and hashed alike) in any time zone
    return [StatusSnapshot(bucket, counts[bucket.end]) for bucket in period.buckets]


# --- verdicts -----------------------------------------------------------------------------------------------------
def published_verdicts(period: ChartPeriod) -> QuerySet[Claim]:
    """Claims standing on a verdict that was published (VERDICT_PUBLISHED_AT) within the period, not withdrawn."""
    return Claim.objects.filter(
        status__in=VERDICTS,
        withdrawn_at__isnull=True,
        **{f"{VERDICT_PUBLISHED_AT}__gte": period.start, f"{VERDICT_PUBLISHED_AT}__lt": period.end},
    ).order_by()


@dataclass(frozen=True)
class RatingRow:
    """The verdicts of one rating (None: no numeric rating), by verdict status (every verdict, zeros included)."""

    rating: int | None
    label: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


NO_RATING_LABEL = "No rating"


def verdicts_by_rating(period: ChartPeriod) -> list[RatingRow]:
    """Verdicts published in the period by their rating, best first, then those without one. One query."""
    rows = (
        published_verdicts(period)
        .values("rating_value", "status")
        .annotate(verdicts=Count("id"))
        .values_list("rating_value", "status", "verdicts")
    )
    ratings: list[int | None] = [*sorted(RATING_SCALE, reverse=True), None]
    table = {rating: dict.fromkeys((str(v) for v in VERDICTS), 0) for rating in ratings}
    for rating, status, verdicts in rows:
        table.setdefault(rating, dict.fromkeys((str(v) for v in VERDICTS), 0))[status] = verdicts
    return [
        RatingRow(rating, f"{rating} · {RATING_SCALE[rating]}" if rating in RATING_SCALE else NO_RATING_LABEL, counts)
        for rating, counts in table.items()
    ]


class Median(Aggregate):
    """PostgreSQL's continuous median (percentile_cont(0.5)); NULLs are left out, no rows give NULL."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class DaysBetween(Func):
    """later - earlier, both dates: whole days (PostgreSQL's date subtraction)."""

    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = IntegerField()


def first_appearance_dates() -> Subquery:
    """The claim's first appearance's date (claims.appearances.appearance_date: stated on, else the source's
    publication date; the earliest, undated ones last, as claims.appearances.first_appearance): NULL if none."""
    dates = (
        Appearance.objects.filter(claim_id=OuterRef("pk"))
        .order_by()
        .values("claim_id")
        .annotate(first=Min(Coalesce("stated_on", "source__published_on")))
        .values("first")
    )
    return Subquery(dates)


@dataclass(frozen=True)
class DelayRow:
    """Verdicts published in a step (or the whole period: bucket None): how many, how many of them have a dated
    appearance, and the median days from that first appearance to the published verdict (None without any)."""

    bucket: Bucket | None
    verdicts: int
    dated: int
    median_days: float | None


@dataclass(frozen=True)
class VerdictDelays:
    steps: list[DelayRow]
    overall: DelayRow


def verdict_delays(period: ChartPeriod) -> VerdictDelays:
    """The median time from a claim's first appearance to its published verdict, per step and over the period.
    Two queries."""
    zone = timezone.get_current_timezone()
    verdicts = published_verdicts(period).annotate(
        first=first_appearance_dates(),
        days=DaysBetween(TruncDate(VERDICT_PUBLISHED_AT, tzinfo=zone), F("first")),
    )
    figures: dict[str, Any] = {"verdicts": Count("id"), "dated": Count("days"), "median": Median("days")}
    stepped: Iterable[Mapping[str, Any]] = (
        verdicts.annotate(step=Trunc(VERDICT_PUBLISHED_AT, period.step, tzinfo=zone)).values("step").annotate(**figures)
    )
    by_step = {row["step"]: row for row in stepped}
    overall = verdicts.aggregate(**figures)
    steps = []
    for bucket in period.buckets:
        row: Mapping[str, Any] = by_step.get(bucket.start, {})
        steps.append(DelayRow(bucket, row.get("verdicts", 0), row.get("dated", 0), row.get("median")))
    return VerdictDelays(steps, DelayRow(None, overall["verdicts"], overall["dated"], overall["median"]))


# --- open claims per fact-checker -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class AssigneeRow:
    """One assignee's open claims by status (OPEN_STATUSES); user_id None: claims assigned to nobody."""

    user_id: int | None
    name: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


NOBODY_LABEL = "Nobody"


def _person(first_name: str, last_name: str, username: str) -> str:
    return f"{first_name} {last_name}".strip() or username


def open_claims_by_assignee() -> list[AssigneeRow]:
    """Open claims (unverified, in review; not withdrawn) per assignee now: every user who takes claims, with none
    too, anyone else who holds some, most first; then the claims assigned to nobody. Two queries."""
    counts = {status: Count("id", filter=Q(status=status)) for status in OPEN_STATUSES}
    held: Iterable[Mapping[str, Any]] = (
        Claim.objects.filter(status__in=OPEN_STATUSES, withdrawn_at__isnull=True)
        .order_by()
        .values("assignee_id", "assignee__first_name", "assignee__last_name", "assignee__username")
        .annotate(**counts)
    )
    rows: dict[int | None, AssigneeRow] = {}
    for user_id, first_name, last_name, username in assignable_users().values_list(
        "id", "first_name", "last_name", "username"
    ):
        rows[user_id] = AssigneeRow(user_id, _person(first_name, last_name, username), dict.fromkeys(OPEN_STATUSES, 0))
    nobody = AssigneeRow(None, NOBODY_LABEL, dict.fromkeys(OPEN_STATUSES, 0))
    for row in held:
        user_id = row["assignee_id"]
        by_status: dict[str, int] = {status: row[status] for status in OPEN_STATUSES}
        if user_id is None:
            nobody = AssigneeRow(None, NOBODY_LABEL, by_status)
        else:
            name = _person(row["assignee__first_name"], row["assignee__last_name"], row["assignee__username"])
            rows[user_id] = AssigneeRow(user_id, name, by_status)
    people = sorted(rows.values(), key=lambda row: (-row.total, row.name.lower()))
    return [*people, nobody]


# --- sources --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class HealthRow:
    """Sources whose last check found `health` (SourceHealth), and how many of them have no address to check."""

    health: str
    label: str
    sources: int
    without_url: int


def source_health() -> list[HealthRow]:
    """Every source by its link's health now, in SourceHealth's order, zeros included. One query."""
    counted: Iterable[Mapping[str, Any]] = (
        Source.objects.order_by()
        .values("health")
        .annotate(sources=Count("id"), without_url=Count("id", filter=Q(url="")))
    )
    rows = {row["health"]: row for row in counted}
    return [
        HealthRow(str(health), str(health.label), rows.get(health, {}).get("sources", 0),
                  rows.get(health, {}).get("without_url", 0))
        for health in SourceHealth
    ]  # fmt: skip


# --- claims per publisher -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PublisherRow:
    """The claims that appeared in a publisher's sources in the period, by their status now (publisher_id None:
    sources without a publisher)."""

    publisher_id: int | None
    name: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class PublisherCounts:
    rows: list[PublisherRow]
    publishers: int  # how many publishers (and "no publisher") had claims in the period, shown or not


NO_PUBLISHER_LABEL = "No publisher"


def claims_per_publisher(period: ChartPeriod, *, limit: int = PUBLISHERS_SHOWN) -> PublisherCounts:
    """Claims (not withdrawn) with an appearance dated (claims.appearances.appearance_date) within the period, per
    publisher of its source, by the claim's status now; the `limit` publishers with most, most first. A claim that
    appeared with several publishers counts once for each. Two queries."""
    dated = Coalesce("stated_on", "source__published_on")
    appearances = (
        Appearance.objects.annotate(day=dated)
        .filter(
            day__gte=timezone.localtime(period.start).date(),
            day__lte=timezone.localtime(period.end).date(),
            claim__withdrawn_at__isnull=True,
        )
        .order_by()
    )
    counts = {status: Count("claim_id", distinct=True, filter=Q(claim__status=status)) for status in Status.values}
    rows: Iterable[Mapping[str, Any]] = (
        appearances.values("source__publisher_id", "source__publisher__name")
        .annotate(**counts, total=Count("claim_id", distinct=True))
        .order_by("-total", F("source__publisher__name").asc(nulls_last=True))[:limit]
    )
    publishers = appearances.aggregate(
        named=Count("source__publisher_id", distinct=True),
        unnamed=Count("id", filter=Q(source__publisher_id__isnull=True)),
    )
    shown = [
        PublisherRow(
            row["source__publisher_id"],
            row["source__publisher__name"] or NO_PUBLISHER_LABEL,
            {status: row[status] for status in Status.values},
        )
        for row in rows
    ]
    return PublisherCounts(shown, publishers["named"] + (1 if publishers["unnamed"] else 0))
