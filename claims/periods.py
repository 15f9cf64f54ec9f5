"""Periods: the time a figure refers to — a year, a month, a day, a range, or an "as of" date.

Written forms (the import format and the admin use the same):
    "2024"             the year 2024                    "2013/2024"  from 2013 to 2024
    "2024-05"          May 2024                         "2013/"      since 2013 (open end)
    "2025-05-08"       one day                          "/2024"      until 2024
    "1990s"            the decade 1990–1999             "as of 2024" a stock figure at that time
    "early 1980s"      1980–1984, approximate           "c. 1985"    about 1985: approximate ("circa", "around")
    "mid-1980s"        1984–1986, approximate           "c. 1985/1987"  about 1985 to 1987
    "late 1980s"       1985–1989, approximate

A decade is the range of its years; "the 1970s" is the same as "1970s". Its early, middle or late part is that range
of years and approximate: what the text says is less sharp than the years stored, which serve the filters (a claim
about the late 1980s is found by a filter on 1985–1989 and on the 1980s). The parts follow the common reading of
"early" and "late" as halves and "mid" as the middle years around the half; they overlap at the fourth year, as the
words do. Approximate periods are closed: an open range or an "as of" date has no "c.".
"""

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass

from sources.choices import DatePrecision
from sources.partial_dates import InvalidDate, format_partial_date, parse_partial_date, period_end


class InvalidPeriod(ValueError):
    """Raised for a period that is malformed, names a day that doesn't exist, or ends before it starts."""


@dataclass(frozen=True)
class Period:
    start: dt.date | None
    end: dt.date | None
    precision: str
    as_of: bool = False
    approximate: bool = False

    @property
    def label(self) -> str:
        return format_period(self)


NO_PERIOD = Period(start=None, end=None, precision="", as_of=False)


def period_fields(period: Period) -> dict[str, object]:
    """The claim's period columns for a parsed period: the canonical text and its parts.

    The one mapping of a period onto Claim's fields (period, period_start, period_end, period_precision,
    period_as_of, period_approximate): Claim.set_period, the editing services and the importer's records use it.
    """
    return {
        "period": period.label,
        "period_start": period.start,
        "period_end": period.end,
        "period_precision": period.precision,
        "period_as_of": period.as_of,
        "period_approximate": period.approximate,
    }


# The claim's columns that hold its period, in period_fields' order.
PERIOD_FIELDS = ("period", "period_start", "period_end", "period_precision", "period_as_of", "period_approximate")

_DECADE = re.compile(r"^(?:the\s+)?(?:(early|mid|late)(?:\s+|\s*-\s*))?(\d{3})0s$", re.IGNORECASE)
_AS_OF = re.compile(r"^as\s+of\s+(.+)$", re.IGNORECASE)
_CIRCA = re.compile(r"^(?:c\.|ca\.|circa\b|around\b|about\b)\s*(.+)$", re.IGNORECASE)
# The years of a decade's part (offsets from its first year), and how each is written: the canonical form first.
DECADE_PARTS: dict[str, tuple[int, int]] = {"early": (0, 4), "mid": (4, 6), "late": (5, 9)}
_DECADE_PART_WRITTEN = {"early": "early {}s", "mid": "mid-{}s", "late": "late {}s"}


def _partial(text: str) -> tuple[dt.date, str]:
    try:
        return parse_partial_date(text)
    except InvalidDate as exc:
        raise InvalidPeriod(str(exc)) from exc


def parse_period(text: str | None) -> Period:
    """Parse a written period; "" or None is no period."""
    if text is None or not str(text).strip():
        return NO_PERIOD
    if not isinstance(text, str):
        raise InvalidPeriod(f"{text!r} is not a period")
    text = " ".join(text.split())
    circa = _CIRCA.match(text)
    if circa:
        period = _parse_exact(circa.group(1).strip())
        if period.as_of or period.start is None or period.end is None:
            raise InvalidPeriod(f"{text!r}: only a closed period can be approximate (not an open range or 'as of')")
        return dataclasses.replace(period, approximate=True)
    return _parse_exact(text)


def _parse_exact(text: str) -> Period:
    as_of = _AS_OF.match(text)
    if as_of:
        start, precision = _partial(as_of.group(1))
        return Period(start=start, end=period_end(start, precision), precision=precision, as_of=True)
    decade = _DECADE.match(text)
    if decade:
        part, first = (decade.group(1) or "").lower(), int(decade.group(2)) * 10
        low, high = DECADE_PARTS.get(part, (0, 9))
        return Period(
            start=dt.date(first + low, 1, 1),
            end=dt.date(first + high, 12, 31),
            precision=DatePrecision.YEAR,
            approximate=bool(part),
        )
    if "/" in text:
        left, _, right = text.partition("/")
        left, right = left.strip(), right.strip().removesuffix("..")
        if not left and not right:
            raise InvalidPeriod(f"{text!r} has neither a start nor an end")
        range_start: dt.date | None = None
        range_end: dt.date | None = None
        start_precision: str | None = None
        end_precision: str | None = None
        if left:
            range_start, start_precision = _partial(left)
        if right:
            first_of_end, end_precision = _partial(right)
            range_end = period_end(first_of_end, end_precision)
        if start_precision and end_precision and start_precision != end_precision:
            raise InvalidPeriod(f"{text!r}: both ends of a range must be given to the same precision")
        if range_start and range_end and range_end < range_start:
            raise InvalidPeriod(f"{text!r} ends before it starts")
        return Period(start=range_start, end=range_end, precision=str(start_precision or end_precision))
    start, precision = _partial(text)
    return Period(start=start, end=period_end(start, precision), precision=precision)


def format_period(period: Period) -> str:
    """The canonical written form; parse_period(format_period(p)) == p."""
    if period.start is None and period.end is None:
        return ""
    if period.approximate:
        part = _decade_part(period)
        if part:
            return part
        return f"c. {format_period(dataclasses.replace(period, approximate=False))}"
    precision = period.precision
    if period.as_of:
        return f"as of {format_partial_date(period.start, precision)}"
    if period.start is not None and period.end is not None:
        if period.end == period_end(period.start, precision):
            return format_partial_date(period.start, precision)
        if precision == DatePrecision.YEAR and period.start.year % 10 == 0 and period.end.year == period.start.year + 9:
            return f"{period.start.year}s"
    left = format_partial_date(period.start, precision)
    right = format_partial_date(period.end, precision) if period.end else ""
    return f"{left}/{right}"


def _decade_part(period: Period) -> str:
    """ "late 1980s" for an approximate 1985–1989, and so on; "" for a period that isn't a part of a decade."""
    if period.start is None or period.end is None or period.precision != DatePrecision.YEAR:
        return ""
    if (period.start.month, period.start.day, period.end.month, period.end.day) != (1, 1, 12, 31):
        return ""
    decade = period.start.year // 10 * 10
    for part, (low, high) in DECADE_PARTS.items():
        if (period.start.year, period.end.year) == (decade + low, decade + high):
            return _DECADE_PART_WRITTEN[part].format(decade)
    return ""


def describe_period(period: Period) -> str:
    """The period in words for readers: "2024", "since 2013", "until 2024", "2013–2024", "as of 2024",
    "late 1980s", "c. 1985–1987"."""
    if period.approximate and not _decade_part(period):
        return f"c. {describe_period(dataclasses.replace(period, approximate=False))}"
    label = format_period(period)
    if "/" not in label:
        return label
    left, right = label.split("/")
    if not right:
        return f"since {left}"
    if not left:
        return f"until {right}"
    return f"{left}–{right}"
