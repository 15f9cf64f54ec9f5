from decimal import Decimal

import pytest

from claims.quantities import InvalidQuantity, Quantity, format_quantity, gap_percent, parse_decimal, parse_quantity

D = Decimal

PARSE = [
    ("approximately $245 billion", Quantity(D("245000000000"), "USD", "approximately")),
    ("$245 billion", Quantity(D("245000000000"), "USD", "exact")),
    ("$3.5 billion", Quantity(D("3500000000"), "USD", "exact")),
    ("over 400 billion dollars", Quantity(D("400000000000"), "USD", "over")),
    ("over 42", Quantity(D("42"), "count", "over")),
    ("more than 20", Quantity(D("20"), "count", "over")),
    ("at least 7", Quantity(D("7"), "count", "over")),
    ("under 5%", Quantity(D("5"), "percent", "under")),
    ("11 percent", Quantity(D("11"), "percent", "exact")),
    ("44%", Quantity(D("44"), "percent", "exact")),
    ("2.5 percentage points", Quantity(D("2.5"), "percentage_points", "exact")),
    ("1,000", Quantity(D("1000"), "count", "exact")),
    ("€1.2bn", Quantity(D("1200000000"), "EUR", "exact")),
    ("£30 million", Quantity(D("30000000"), "GBP", "exact")),
    ("about 3 trillion yuan", Quantity(D("3000000000000"), "CNY", "approximately")),
    ("twenty years", Quantity(D("20"), "years", "exact")),
    ("three years", Quantity(D("3"), "years", "exact")),
    ("six months", Quantity(D("6"), "months", "exact")),
    ("13 times", Quantity(D("13"), "multiple", "exact")),  # "times" is a multiple: claims.choices.UNIT_WORDS
    ("42", Quantity(D("42"), "count", "exact")),
    ("2x", Quantity(D("2"), "multiple", "exact")),
    ("≈ 10k", Quantity(D("10000"), "count", "approximately")),
]


@pytest.mark.parametrize(("text", "expected"), PARSE)
def test_parse_quantity(text, expected):
    assert parse_quantity(text) == expected


def test_scale_words_are_resolved_to_plain_integers():
    assert str(parse_quantity("$245 billion").value) == "245000000000"


@pytest.mark.parametrize("text", ["", "   ", "lots", "$ billion", "42 bananas", "5 percent dollars", "$5 euros"])
def test_parse_quantity_refuses_what_it_cannot_read(text):
    with pytest.raises(InvalidQuantity):
        parse_quantity(text)


FORMAT = [
    ((D("245000000000"), "USD", "approximately"), "≈ $245 bn"),
    ((D("3500000000"), "USD", "exact"), "$3.5 bn"),
    ((D("42"), "count", "over"), "> 42"),
    ((D("11"), "percent", "exact"), "11 %"),
    ((D("11.000000"), "percent", "exact"), "11 %"),
    ((D("5"), "percent", "under"), "< 5 %"),
    ((D("1200"), "count", "exact"), "1,200"),
    ((D("2500000"), "count", "exact"), "2.5 m"),
    ((D("1969"), "year", "exact"), "1969"),
    ((D("20"), "years", "exact"), "20 years"),
    ((D("1"), "years", "exact"), "1 year"),
    ((D("2"), "multiple", "exact"), "2×"),
    ((D("2.5"), "percentage_points", "exact"), "2.5 pp"),
    ((D("3000000000000"), "CNY", "exact"), "CNY 3 tn"),
    ((D("-4000000000"), "USD", "exact"), "-$4 bn"),
    ((D("30000000"), "GBP", "exact"), "£30 m"),
]


@pytest.mark.parametrize(("args", "expected"), FORMAT)
def test_format_quantity(args, expected):
    assert format_quantity(*args) == expected


def test_format_quantity_with_bounds_and_without_value():
    assert format_quantity(None, "", "exact") == ""
    assert format_quantity(None, "percent", "exact", D("10"), D("20")) == "10 %–20 %"
    assert format_quantity(D("15"), "percent", "approximately", D("10"), D("20")) == "≈ 15 % (10 %–20 %)"
    assert format_quantity(None, "count", "exact", D("3"), None) == "≥ 3"


def test_parse_decimal_accepts_strings_and_numbers_and_refuses_the_rest():
    assert parse_decimal("245000000000") == D("245000000000")
    assert parse_decimal(3.5) == D("3.5")
    assert parse_decimal(42) == D(42)
    assert parse_decimal("1,234.5") == D("1234.5")
    for bad in ("abc", "1.2.3", "", True, None, [1], "1e5", "NaN"):
        with pytest.raises(InvalidQuantity):
            parse_decimal(bad)


def test_gap_percent():
    assert gap_percent(D("245"), D("244.8")) == D("0.1")
    assert gap_percent(D("42"), D("40")) == D("5.0")
    assert gap_percent(D("30"), D("40")) == D("-25.0")
    assert gap_percent(None, D("1")) is None
    assert gap_percent(D("1"), D("0")) is None
