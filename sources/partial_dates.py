"""Dates known to a year, a month or a day: "2025", "2025-05", "2025-05-08".

A source whose text says only "© RUSI, 2025" is stored as 2025-01-01 with precision "year" and shown as "2025",
so that nothing more precise than the text is invented.
"""

import datetime as dt
import re

from .choices import DatePrecision

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class InvalidDate(ValueError):
    """Raised for a string that is not YYYY, YYYY-MM or YYYY-MM-DD, or names a day that doesn't exist."""


def parse_partial_date(text: str) -> tuple[dt.date, str]:
    """Parse "YYYY", "YYYY-MM" or "YYYY-MM-DD" into (first day covered, precision)."""
    match = _PARTIAL_DATE.match(text.strip()) if isinstance(text, str) else None
    if not match:
        raise InvalidDate(f"{text!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    try:
        value = dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise InvalidDate(f"{text!r} is not a real date ({exc})") from exc
    precision = DatePrecision.DAY if day else DatePrecision.MONTH if month else DatePrecision.YEAR
    return value, str(precision)


def parse_full_date(text: str) -> dt.date:
    """Parse a YYYY-MM-DD date; anything less precise is an error."""
    value, precision = parse_partial_date(text)
    if precision != DatePrecision.DAY:
        raise InvalidDate(f"{text!r} must be a full date, YYYY-MM-DD")
    return value


def period_end(start: dt.date, precision: str) -> dt.date:
    """The last day covered by a partial date."""
    if precision == DatePrecision.YEAR:
        return dt.date(start.year, 12, 31)
    if precision == DatePrecision.MONTH:
        next_month = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return next_month - dt.timedelta(days=1)
    return start


def format_partial_date(value: dt.date | None, precision: str) -> str:
    """The inverse of parse_partial_date: "2025", "2025-05" or "2025-05-08"; "" for no date."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def readable_partial_date(value: dt.date | None, precision: str) -> str:
    """A date as people read it, to its precision: "2025", "May 2025", "8 May 2025"; "" for no date."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return f"{value:%B} {value.year}"
    return f"{value.day} {value:%B} {value.year}"
