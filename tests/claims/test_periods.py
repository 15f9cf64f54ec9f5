import datetime as dt

import pytest

from claims.periods import InvalidPeriod, Period, describe_period, format_period, parse_period

d = dt.date

PERIODS = [
    ("2024", Period(d(2024, 1, 1), d(2024, 12, 31), "year"), "2024", "2024"),
    ("2024-02", Period(d(2024, 2, 1), d(2024, 2, 29), "month"), "2024-02", "2024-02"),
    ("2025-05-08", Period(d(2025, 5, 8), d(2025, 5, 8), "day"), "2025-05-08", "2025-05-08"),
    ("2013/2024", Period(d(2013, 1, 1), d(2024, 12, 31), "year"), "2013/2024", "2013–2024"),
    ("2013/", Period(d(2013, 1, 1), None, "year"), "2013/", "since 2013"),
    ("2013/..", Period(d(2013, 1, 1), None, "year"), "2013/", "since 2013"),
    ("/2024", Period(None, d(2024, 12, 31), "year"), "/2024", "until 2024"),
    ("1990s", Period(d(1990, 1, 1), d(1999, 12, 31), "year"), "1990s", "1990s"),
    ("as of 2024", Period(d(2024, 1, 1), d(2024, 12, 31), "year", as_of=True), "as of 2024", "as of 2024"),
    (
        "As of 2024-03-31",
        Period(d(2024, 3, 31), d(2024, 3, 31), "day", as_of=True),
        "as of 2024-03-31",
        "as of 2024-03-31",
    ),
]


@pytest.mark.parametrize(("text", "period", "label", "words"), PERIODS)
def test_parse_format_and_describe(text, period, label, words):
    parsed = parse_period(text)
    assert parsed == period
    assert format_period(parsed) == label
    assert parse_period(label) == parsed
    assert describe_period(parsed) == words


def test_no_period():
    assert parse_period(None).start is None
    assert parse_period("").label == ""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2023-02-30", "not a real date"),
        ("2024-13", "not a real date"),
        ("24", "not a date"),
        ("2024/2013", "ends before it starts"),
        ("2013/2024-05", "same precision"),
        ("/", "neither a start nor an end"),
        ("yesterday", "not a date"),
    ],
)
def test_invalid_periods(text, message):
    with pytest.raises(InvalidPeriod, match=message):
        parse_period(text)
