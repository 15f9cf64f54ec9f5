"""The desk in charts: a staff page of the desk's figures (claims.charts), each chart drawn as SVG on the server with
its numbers in a table beside it.

Server-rendered SVG rather than a JavaScript chart library: the page runs no script (nothing to vendor, pin or keep
within the Content-Security-Policy, which refuses inline scripts and <style> elements), prints as it shows, and a
screen reader gets each chart's title and description and, beside it, the table of the same numbers. The colours
are presentation attributes (fill="…") from the one table of status colours (claims.choices.STATUS_COLOURS) and the
sources' link-health colours (sources.admin.HEALTH_COLOURS); everything else is in claims/static/claims/charts.css.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime

from sources.admin import HEALTH_COLOURS
from sources.choices import SourceHealth

from ..charts import (
    DEFAULT_PERIOD_MONTHS,
    OPEN_STATUSES,
    PERIOD_MONTHS,
    VERDICT_PUBLISHED_AT,
    Bucket,
    ChartPeriod,
    chart_period,
    claims_per_publisher,
    open_claims_by_assignee,
    source_health,
    status_over_time,
    verdict_delays,
    verdicts_by_rating,
)
from ..choices import STATUS_COLOURS, VERDICTS, Status
from ..models import Claim
from ..selectors import can_read_all_claims

WIDTH = 640  # the drawing's own width; shown at the column's width, so a narrower drawing shows bigger text
NARROW = 540  # for a chart that shares the page half and half with a wide table
FONT = 12  # px, the charts' text; labels are placed by it
NEUTRAL_COLOUR = "#1e40af"  # a bar that stands for no status (the median's), dark enough for white text on it


@dataclass(frozen=True)
class Series:
    """A part of a bar: what it counts, its name in the legend, its colour; `hatched` draws stripes over the colour
    (the open statuses: unverified and in review look like unverifiable and misleading in the status colours)."""

    key: str
    label: str
    colour: str
    hatched: bool = False


STATUS_SERIES = [
    Series(status.value, str(status.label), STATUS_COLOURS[status], hatched=status in OPEN_STATUSES)
    for status in Status
]
HEALTH_SERIES = [Series(h.value, str(h.label), HEALTH_COLOURS.get(h, "#6b7280")) for h in SourceHealth]


def nice_ticks(maximum: float, *, count: int = 5) -> list[float]:
    """0 and round steps (1, 2 or 5 × 10ⁿ) up to at least `maximum`, about `count` of them."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(step, 1)
    top = math.ceil(maximum / step) * step
    return [i * step for i in range(int(round(top / step)) + 1)]


def number(value: float) -> str:
    """A count or a number of days as the charts write it: 1,234 or 12.5."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _svg(chart_id: str, width: int, height: float, title: str, description: str, body: SafeString) -> SafeString:
    return format_html(
        '<svg class="chart" id="{}" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
        '<defs><pattern id="{}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="2.5" height="6" fill="#fff" fill-opacity="0.4"></rect>'
        "</pattern></defs>{}</svg>",
        chart_id, width, f"{height:.0f}", chart_id, chart_id, chart_id, title, chart_id, description, chart_id, body,
    )  # fmt: skip


def _area(
    chart_id: str, item: Series, x: float, y: float, w: float, h: float, tip: str, css: str = "segment"
) -> SafeString:
    """A rectangle of the series' colour (striped when hatched), with its words as a tooltip."""
    rect = format_html(
        '<rect class="{}" x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>',
        css, f"{x:.1f}", f"{y:.1f}", f"{w:.1f}", f"{h:.1f}", item.colour, tip,
    )  # fmt: skip
    if not item.hatched:
        return rect
    hatch = format_html(
        '<rect class="hatch" x="{}" y="{}" width="{}" height="{}" fill="url(#{}-hatch)"><title>{}</title></rect>',
        f"{x:.1f}", f"{y:.1f}", f"{w:.1f}", f"{h:.1f}", chart_id, tip,
    )  # fmt: skip
    return mark_safe(rect + hatch)  # both built by format_html


def _legend(
    chart_id: str, series: Sequence[Series], y: float, left: float, right_edge: float
) -> tuple[SafeString, float]:
    """Swatches and names in a row, wrapping to more rows when they don't fit; and the last row's baseline."""
    parts, x = [], left
    for item in series:
        width = 18 + len(item.label) * FONT * 0.6 + 16
        if x + width > right_edge:
            x, y = left, y + FONT + 8
        parts.append(_area(chart_id, item, x, y - 11, 13, 13, item.label, css="swatch"))
        parts.append(
            format_html('<text class="legend" x="{}" y="{}">{}</text>', f"{x + 18:.1f}", f"{y:.1f}", item.label)
        )
        x += width
    return mark_safe("".join(parts)), y  # each part built by format_html


def _column_label(centre: float, baseline: float, first: str, second: str) -> SafeString:
    """A column's label in two lines under the plot's baseline (a month, and its year where it changes)."""
    return format_html(
        '<text class="tick-x" x="{}" y="{}">{}</text><text class="tick-x" x="{}" y="{}">{}</text>',
        f"{centre:.1f}",
        baseline + FONT + 4,
        first,
        f"{centre:.1f}",
        baseline + 2 * FONT + 6,
        second,
    )


def _segment_label(x: float, y: float, value: int) -> SafeString:
    return format_html('<text class="segment" x="{}" y="{}">{}</text>', f"{x:.1f}", f"{y:.1f}", number(value))


def stacked_columns(
    chart_id: str,
    *,
    title: str,
    description: str,
    labels: Sequence[tuple[str, str]],
    values: Sequence[dict[str, int]],
    series: Sequence[Series],
    width: int = WIDTH,
) -> SafeString:
    """Vertical columns, one per step (`labels`: two lines each, the second may be ""), stacked by `series` from
    the bottom in their order, a count inside each segment that has room, the column's total above it."""
    left, right, top, plot = 44, 8, 14, 240
    legend_y = top + plot + 2 * FONT + 26
    height = legend_y + 8
    totals = [sum(v.get(s.key, 0) for s in series) for v in values]
    ticks = nice_ticks(max(totals, default=0))
    scale = plot / ticks[-1]
    slot = (width - left - right) / max(len(values), 1)
    bar = min(slot * 0.7, 48)
    parts = [_y_axis(ticks, left, top, plot, scale, width - right)]
    for index, (counts, total, (first, second)) in enumerate(zip(values, totals, labels, strict=True)):
        x = left + index * slot + (slot - bar) / 2
        y: float = top + plot
        for item in series:
            value = counts.get(item.key, 0)
            if not value:
                continue
            h = value * scale
            y -= h
            parts.append(_area(chart_id, item, x, y, bar, h, f"{item.label}: {number(value)}"))
            if h >= FONT + 3:
                parts.append(_segment_label(x + bar / 2, y + h / 2 + FONT / 2 - 2, value))
        centre = x + bar / 2
        parts.append(format_html('<text class="total" x="{}" y="{}">{}</text>', f"{centre:.1f}", f"{y - 4:.1f}", total))
        parts.append(_column_label(centre, top + plot, first, second))
    key, last = _legend(chart_id, series, legend_y, left, width)
    parts.append(key)
    return _svg(chart_id, width, max(height, last + 8), title, description, mark_safe("".join(parts)))


def _y_axis(
    ticks: Sequence[float], left: float, top: float, plot: float, scale: float, right_edge: float
) -> SafeString:
    lines = []
    for tick in ticks:
        y = top + plot - tick * scale
        lines.append(
            format_html(
                '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"></line>'
                '<text class="tick-y" x="{}" y="{}">{}</text>',
                left,
                right_edge,
                f"{y:.1f}",
                f"{y:.1f}",
                left - 6,
                f"{y + 4:.1f}",
                number(tick),
            )  # fmt: skip
        )
    return mark_safe("".join(lines))


def stacked_bars(
    chart_id: str,
    *,
    title: str,
    description: str,
    rows: Sequence[tuple[str, dict[str, int]]],
    series: Sequence[Series],
    legend: bool = True,
    width: int = WIDTH,
) -> SafeString:
    """Horizontal bars, one per row (its label on the left, its total on the right), stacked by `series`."""
    left, right, top, row_height = 200, 48, 8, 26
    totals = [sum(counts.get(s.key, 0) for s in series) for _, counts in rows]
    ticks = nice_ticks(max(totals, default=0))
    scale = (width - left - right) / ticks[-1]
    plot = row_height * len(rows)
    parts = []
    for tick in ticks:
        x = left + tick * scale
        parts.append(
            format_html(
                '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"></line>'
                '<text class="tick-x" x="{}" y="{}">{}</text>',
                f"{x:.1f}",
                f"{x:.1f}",
                top,
                top + plot,
                f"{x:.1f}",
                top + plot + FONT + 4,
                number(tick),
            )  # fmt: skip
        )
    for index, ((label, counts), total) in enumerate(zip(rows, totals, strict=True)):
        y = top + index * row_height + 4
        bar = row_height - 8
        shown = label if len(label) <= 30 else label[:29] + "…"
        parts.append(
            format_html(
                '<text class="row-label" x="{}" y="{}">{}<title>{}</title></text>',
                left - 8,
                f"{y + bar / 2 + 4:.1f}",
                shown,
                label,
            )  # fmt: skip
        )
        x = left
        for item in series:
            value = counts.get(item.key, 0)
            if not value:
                continue
            w = value * scale
            parts.append(_area(chart_id, item, x, y, w, bar, f"{item.label}: {number(value)}"))
            if w >= len(number(value)) * FONT * 0.6 + 6:
                parts.append(_segment_label(x + w / 2, y + bar / 2 + 4, value))
            x += w
        parts.append(
            format_html(
                '<text class="total-x" x="{}" y="{}">{}</text>', f"{x + 6:.1f}", f"{y + bar / 2 + 4:.1f}", total
            )
        )
    height: float = top + plot + FONT + 14
    if legend:
        key, last = _legend(chart_id, series, height + FONT + 4, left, width)
        parts.append(key)
        height = last + 8
    return _svg(chart_id, width, height, title, description, mark_safe("".join(parts)))


def columns(
    chart_id: str,
    *,
    title: str,
    description: str,
    labels: Sequence[tuple[str, str]],
    values: Sequence[float | None],
    reference: float | None,
    reference_label: str,
    width: int = WIDTH,
) -> SafeString:
    """Vertical bars (None: no bar), with a dashed line across at `reference` (the whole period's) and its key."""
    left, right, top, plot = 44, 8, 14, 200
    key_y = top + plot + 3 * FONT + 22
    height = key_y + 10
    ticks = nice_ticks(max([v for v in values if v is not None] + [reference or 0]))
    scale = plot / ticks[-1]
    slot = (width - left - right) / max(len(values), 1)
    bar = min(slot * 0.6, 40)
    parts = [_y_axis(ticks, left, top, plot, scale, width - right)]
    for index, (value, (first, second)) in enumerate(zip(values, labels, strict=True)):
        x = left + index * slot + (slot - bar) / 2
        centre = x + bar / 2
        if value is not None:
            h = max(value * scale, 1)
            y = top + plot - h
            parts.append(
                format_html(
                    '<rect class="segment" x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>'
                    '<text class="total" x="{}" y="{}">{}</text>',
                    f"{x:.1f}",
                    f"{y:.1f}",
                    f"{bar:.1f}",
                    f"{h:.1f}",
                    NEUTRAL_COLOUR,
                    number(value),
                    f"{centre:.1f}",
                    f"{y - 4:.1f}",
                    number(value),
                )  # fmt: skip
            )
        parts.append(_column_label(centre, top + plot, first, second))
    if reference is not None:
        y = top + plot - reference * scale
        parts.append(
            format_html(
                '<line class="reference" x1="{}" x2="{}" y1="{}" y2="{}"></line>'
                '<line class="reference" x1="{}" x2="{}" y1="{}" y2="{}"></line>'
                '<text class="legend" x="{}" y="{}">{}</text>',
                left,
                width - right,
                f"{y:.1f}",
                f"{y:.1f}",
                left,
                left + 28,
                key_y - 4,
                key_y - 4,
                left + 34,
                key_y,
                reference_label,
            )  # fmt: skip
        )
    return _svg(chart_id, width, height, title, description, mark_safe("".join(parts)))


# --- the page -------------------------------------------------------------------------------------------------------
class PeriodForm(forms.Form):
    months = forms.TypedChoiceField(
        label="Period",
        coerce=int,
        choices=[(months, f"Last {months} months") for months in PERIOD_MONTHS],
        initial=DEFAULT_PERIOD_MONTHS,
        required=False,
    )


def step_labels(period: ChartPeriod) -> list[tuple[str, str]]:
    """Two lines under each step: a month's abbreviation, and its year in January and at the first step; a week's
    first day, and its month when it changes ("31" "Aug", "7" "Sep", "14" "")."""
    labels = []
    previous = None
    for bucket in period.buckets:
        start = localtime(bucket.start)
        if period.step == "month":
            labels.append((date_format(start, "M"), str(start.year) if previous is None or start.month == 1 else ""))
        else:
            changed = previous is None or previous.month != start.month
            labels.append((date_format(start, "j"), date_format(start, "M") if changed else ""))
        previous = start
    return labels


def period_span(period: ChartPeriod) -> str:
    """The period in words: "Jan 2026 – Dec 2026", or by weeks "31 Aug 2026 – 1 Dec 2026" (up to today)."""
    first, last = localtime(period.start), localtime(period.end)
    if period.step == "month":
        return f"{date_format(first, 'M Y')} – {date_format(last, 'M Y')}"
    return f"{date_format(first, 'j M Y')} – {date_format(last, 'j M Y')}"


def step_name(period: ChartPeriod, bucket: Bucket) -> str:
    """A step as the tables name it: "Jan 2026", or the week "9 Mar 2026"."""
    start = localtime(bucket.start)
    return date_format(start, "M Y") if period.step == "month" else f"week of {date_format(start, 'j M Y')}"


def charts_context(period: ChartPeriod) -> dict:
    """The page's charts: each an SVG and the table of its numbers, from the selectors of claims.charts."""
    labels = step_labels(period)
    span = period_span(period)

    snapshots = status_over_time(period)
    statuses = {
        "svg": stacked_columns(
            "chart-status",
            title="Claims by status over time",
            description=f"Claims by their status at the end of each {period.step}, {span}; withdrawn claims left out.",
            labels=labels,
            values=[snapshot.counts for snapshot in snapshots],
            series=STATUS_SERIES,
            width=NARROW,
        ),
        "series": STATUS_SERIES,
        "rows": [(step_name(period, s.bucket), [s.counts[x.key] for x in STATUS_SERIES], s.total) for s in snapshots],
    }

    verdict_series = [series for series in STATUS_SERIES if series.key in VERDICTS]
    ratings = verdicts_by_rating(period)
    verdicts = {
        "svg": stacked_bars(
            "chart-ratings",
            title="Verdicts by rating",
            description=f"Verdicts published {span} by their rating, best first, by verdict.",
            rows=[(row.label, row.counts) for row in ratings],
            series=verdict_series,
        ),
        "series": verdict_series,
        "rows": [(row.label, [row.counts[x.key] for x in verdict_series], row.total) for row in ratings],
        "total": sum(row.total for row in ratings),
    }

    delays = verdict_delays(period)
    overall = delays.overall
    median_words = f"{number(overall.median_days)} days" if overall.median_days is not None else "no verdict dated"
    delay = {
        "svg": columns(
            "chart-delay",
            title="Median time from first appearance to published verdict",
            description=f"Median days from a claim's first appearance to its published verdict, each {period.step}; "
            f"over the period: {median_words}.",
            labels=labels,
            values=[row.median_days for row in delays.steps],
            reference=overall.median_days,
            reference_label=f"whole period: {median_words}",
        ),
        "rows": [
            (step_name(period, bucket), row.verdicts, row.dated, row.median_days)
            for bucket, row in zip(period.buckets, delays.steps, strict=True)
        ],
        "overall": overall,
    }

    open_series = [series for series in STATUS_SERIES if series.key in OPEN_STATUSES]
    people = open_claims_by_assignee()
    workload = {
        "svg": stacked_bars(
            "chart-open",
            title="Open claims per fact-checker",
            description="Unverified and in-review claims now, by assignee; claims assigned to nobody last.",
            rows=[(row.name, row.counts) for row in people],
            series=open_series,
        ),
        "series": open_series,
        "rows": [(row.name, [row.counts[x.key] for x in open_series], row.total) for row in people],
    }

    health_rows = source_health()
    health = {
        "svg": stacked_bars(
            "chart-health",
            title="Source health",
            description="Sources by what the last check of their link found, now.",
            rows=[(row.label, {row.health: row.sources}) for row in health_rows],
            series=HEALTH_SERIES,
            legend=False,
        ),
        "rows": health_rows,
        "total": sum(row.sources for row in health_rows),
    }

    counted = claims_per_publisher(period)
    publishers = {
        "svg": stacked_bars(
            "chart-publishers",
            title="Claims per publisher",
            description=f"Claims with an appearance dated {span}, per publisher, by their status now.",
            rows=[(row.name, row.counts) for row in counted.rows],
            series=STATUS_SERIES,
            width=NARROW,
        ),
        "series": STATUS_SERIES,
        "rows": [(row.name, [row.counts[x.key] for x in STATUS_SERIES], row.total) for row in counted.rows],
        "publishers": counted.publishers,
    }
    return {
        "span": span,
        "statuses": statuses,
        "verdicts": verdicts,
        "delay": delay,
        "workload": workload,
        "health": health,
        "publishers": publishers,
        "published_at": getattr(Claim._meta.get_field(VERDICT_PUBLISHED_AT), "verbose_name", VERDICT_PUBLISHED_AT),
    }


def charts_view(request):
    """The desk in charts, for the desk's staff (who read every claim); the period from ?months= (12 by default)."""
    if not can_read_all_claims(request.user):
        raise PermissionDenied
    form = PeriodForm(request.GET or None)
    months, period_error = DEFAULT_PERIOD_MONTHS, ""
    if form.is_bound and form.is_valid():
        months = form.cleaned_data["months"] or DEFAULT_PERIOD_MONTHS
    elif form.is_bound:
        period_error = (
            f"Unknown period “{request.GET.get('months', '')}” (months): showing the last {months} months; "
            f"choose {', '.join(str(m) for m in PERIOD_MONTHS)}."
        )
        form = PeriodForm(initial={"months": months})
    period = chart_period(months)
    return TemplateResponse(
        request,
        "admin/claims/charts.html",
        {
            **admin.site.each_context(request),
            "title": "The desk in charts",
            "form": form,
            "months": months,
            "period_error": period_error,
            **charts_context(period),
        },
    )
