import datetime as dt
import json
import re
from pathlib import Path

import pytest

from claims.filters import ClaimFilter
from claims.models import Claim
from claims.periods import (
    NO_PERIOD,
    PERIOD_FIELDS,
    InvalidPeriod,
    Period,
    describe_period,
    format_period,
    parse_period,
    period_fields,
)
from tests.factories import ClaimFactory

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
    # A decade is the range of its years; a part of one is approximate, as written.
    ("1970s", Period(d(1970, 1, 1), d(1979, 12, 31), "year"), "1970s", "1970s"),
    ("late 1980s", Period(d(1985, 1, 1), d(1989, 12, 31), "year", approximate=True), "late 1980s", "late 1980s"),
    ("early 1980s", Period(d(1980, 1, 1), d(1984, 12, 31), "year", approximate=True), "early 1980s", "early 1980s"),
    ("mid-1980s", Period(d(1984, 1, 1), d(1986, 12, 31), "year", approximate=True), "mid-1980s", "mid-1980s"),
    ("late 1950s", Period(d(1955, 1, 1), d(1959, 12, 31), "year", approximate=True), "late 1950s", "late 1950s"),
    ("early 2000s", Period(d(2000, 1, 1), d(2004, 12, 31), "year", approximate=True), "early 2000s", "early 2000s"),
    # An approximate date or range, and an approximate whole decade.
    ("c. 1985", Period(d(1985, 1, 1), d(1985, 12, 31), "year", approximate=True), "c. 1985", "c. 1985"),
    ("c. 1985/1987", Period(d(1985, 1, 1), d(1987, 12, 31), "year", approximate=True), "c. 1985/1987", "c. 1985–1987"),
    ("c. 1980s", Period(d(1980, 1, 1), d(1989, 12, 31), "year", approximate=True), "c. 1980s", "c. 1980s"),
    ("c. 2024-05", Period(d(2024, 5, 1), d(2024, 5, 31), "month", approximate=True), "c. 2024-05", "c. 2024-05"),
]

# Other ways of writing the same periods.
WRITTEN = [
    ("the 1970s", "1970s"),
    ("The 1970s", "1970s"),
    ("the late 1980s", "late 1980s"),
    ("Late 1980s", "late 1980s"),
    ("late-1980s", "late 1980s"),
    ("the early 1980s", "early 1980s"),
    ("mid 1980s", "mid-1980s"),
    ("the mid-1980s", "mid-1980s"),
    ("  late   1980s ", "late 1980s"),
    ("circa 1985", "c. 1985"),
    ("c.1985", "c. 1985"),
    ("ca. 1985", "c. 1985"),
    ("around 1985", "c. 1985"),
    ("about 1985/1987", "c. 1985/1987"),
    ("c. 1985/1989", "late 1980s"),  # an approximate 1985–1989 is the late 1980s
    ("c. late 1980s", "late 1980s"),
]


@pytest.mark.parametrize(("text", "period", "label", "words"), PERIODS)
def test_parse_format_and_describe(text, period, label, words):
    parsed = parse_period(text)
    assert parsed == period
    assert format_period(parsed) == label
    assert parse_period(label) == parsed
    assert describe_period(parsed) == words


@pytest.mark.parametrize(("text", "label"), WRITTEN)
def test_written_forms_of_a_period(text, label):
    assert parse_period(text) == parse_period(label)
    assert parse_period(text).label == label


def test_a_decades_parts_are_approximate_and_the_decade_is_not():
    assert not parse_period("1980s").approximate
    assert all(parse_period(f"{part} 1980s").approximate for part in ("early", "mid", "late"))
    assert not parse_period("1985/1989").approximate
    assert parse_period("1985/1989").label == "1985/1989"  # the same years, not said to be approximate


def test_no_period():
    assert parse_period(None).start is None
    assert parse_period("").label == ""


def test_the_period_fields_are_the_one_mapping_of_the_claims_columns():
    assert tuple(period_fields(NO_PERIOD)) == PERIOD_FIELDS
    assert period_fields(parse_period("late 1980s")) == {
        "period": "late 1980s",
        "period_start": d(1985, 1, 1),
        "period_end": d(1989, 12, 31),
        "period_precision": "year",
        "period_as_of": False,
        "period_approximate": True,
    }


def test_the_import_schema_takes_every_written_form():
    schema = json.loads((Path(__file__).resolve().parents[2] / "docs" / "import-format.schema.json").read_text())
    pattern = re.compile(schema["$defs"]["claim"]["properties"]["period"]["pattern"])
    for _text, _period, label, _words in PERIODS:
        assert pattern.fullmatch(label), label
    for text, _label in WRITTEN:
        if text == text.strip() and "  " not in text and text[0].islower():
            assert pattern.fullmatch(text), text


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
        ("c. 2013/", "only a closed period"),
        ("c. /2024", "only a closed period"),
        ("c. as of 2024", "only a closed period"),
        ("late 1985", "not a date"),
        ("late 80s", "not a date"),
        ("c.", "not a date"),
    ],
)
def test_invalid_periods(text, message):
    with pytest.raises(InvalidPeriod, match=message):
        parse_period(text)


@pytest.mark.django_db
def test_a_claim_about_the_late_1980s_is_stored_with_its_years_and_found_by_them():
    claim = ClaimFactory(value=None, unit="year", lower_bound=1985, upper_bound=1989, claim_type="event_date")
    claim.set_period("the late 1980s")
    claim.save()
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.period, stored.period_start, stored.period_end, stored.period_approximate) == (
        "late 1980s",
        d(1985, 1, 1),
        d(1989, 12, 31),
        True,
    )
    assert stored.parsed_period == parse_period("late 1980s") and stored.display_period == "late 1980s"
    others = [ClaimFactory(), ClaimFactory()]
    others[0].set_period("early 1980s")
    others[0].save()

    def found(**filters):
        return set(ClaimFilter(data=filters, queryset=Claim.objects.all()).qs.values_list("pk", flat=True))

    assert found(period_from="1980", period_to="1989") == {claim.pk, others[0].pk}  # the decade
    assert found(period_from="1986", period_to="1986") == {claim.pk}
    assert found(period_from="1990", period_to="1999") == set()
