from decimal import Decimal

import pytest

from claims.choices import CURRENCIES, UNIT_WORDS, Unit
from claims.quantities import (
    UNIT_NAMES,
    InvalidQuantity,
    Quantity,
    amount_text,
    format_gap,
    format_quantity,
    gap_percent,
    parse_decimal,
    parse_quantity,
    read_figure,
    read_source_value,
)

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
    # What the desk's fact-checkers type in the admin, and what the display writes (which reads back).
    ("244.8 bn", Quantity(D("244800000000"), "count", "exact")),
    ("$244.8 bn", Quantity(D("244800000000"), "USD", "exact")),
    ("2,500", Quantity(D("2500"), "count", "exact")),
    ("1.2 trillion yuan", Quantity(D("1200000000000"), "CNY", "exact")),
    ("CNY 1.2 tn", Quantity(D("1200000000000"), "CNY", "exact")),
    ("RUB 10 bn", Quantity(D("10000000000"), "RUB", "exact")),
    ("₽10 bn", Quantity(D("10000000000"), "RUB", "exact")),
    ("108 million tonnes", Quantity(D("108000000"), "tonnes", "exact")),
    ("108 m tonnes", Quantity(D("108000000"), "tonnes", "exact")),
    ("5 metric tons", Quantity(D("5"), "tonnes", "exact")),
    ("1 tonne", Quantity(D("1"), "tonnes", "exact")),
    ("40,000 troops", Quantity(D("40000"), "people", "exact")),
    ("about 200 soldiers", Quantity(D("200"), "people", "approximately")),
    ("1.4 bn people", Quantity(D("1400000000"), "people", "exact")),
    ("12 aircraft", Quantity(D("12"), "count", "exact")),  # things counted one by one are a count
    ("300 tanks", Quantity(D("300"), "count", "exact")),
    ("2 million barrels per day", Quantity(D("2000000"), "barrels_per_day", "exact")),
    ("2 m barrels/day", Quantity(D("2000000"), "barrels_per_day", "exact")),
    ("5 b/d", Quantity(D("5"), "barrels_per_day", "exact")),  # not 5 billion
    ("1.5 mn bpd", Quantity(D("1500000"), "barrels_per_day", "exact")),
    ("over 1 billion barrels", Quantity(D("1000000000"), "barrels", "over")),
    ("4,209 km", Quantity(D("4209"), "kilometres", "exact")),
    ("4,209 kilometres", Quantity(D("4209"), "kilometres", "exact")),
    ("17.1 million square kilometres", Quantity(D("17100000"), "square_kilometres", "exact")),
    ("17.1 m km²", Quantity(D("17100000"), "square_kilometres", "exact")),
    ("300 ha", Quantity(D("300"), "hectares", "exact")),
    ("2.5 million hectares", Quantity(D("2500000"), "hectares", "exact")),
    # Without a space between the number and its scale, as articles write it.
    ("3.5bn", Quantity(D("3500000000"), "count", "exact")),
    ("€40m", Quantity(D("40000000"), "EUR", "exact")),
    ("$45m", Quantity(D("45000000"), "USD", "exact")),
    ("£20bn", Quantity(D("20000000000"), "GBP", "exact")),
    # Numbers in words, read by text2num: compounds, hyphens, "and", with scales and units after them.
    ("forty-two", Quantity(D("42"), "count", "exact")),
    ("Ninety-three per cent", Quantity(D("93"), "percent", "exact")),
    ("two hundred and fifty soldiers", Quantity(D("250"), "people", "exact")),
    ("over sixty-four", Quantity(D("64"), "count", "over")),
    ("three thousand people", Quantity(D("3000"), "people", "exact")),
    ("two million people", Quantity(D("2000000"), "people", "exact")),
    ("nearly ninety tanks", Quantity(D("90"), "count", "approximately")),
    ("thirty years", Quantity(D("30"), "years", "exact")),
    ("a dozen", Quantity(D("12"), "count", "exact")),
    ("hundred", Quantity(D("100"), "count", "exact")),
    # Fractions in words are a ratio, to the amounts' six decimals.
    ("a fifth", Quantity(D("0.2"), "ratio", "exact")),
    ("two-thirds", Quantity(D("0.666667"), "ratio", "exact")),
    ("three quarters", Quantity(D("0.75"), "ratio", "exact")),
    ("a third", Quantity(D("0.333333"), "ratio", "exact")),
    ("half", Quantity(D("0.5"), "ratio", "exact")),
    ("about a quarter", Quantity(D("0.25"), "ratio", "approximately")),
    # Ratios as part of a whole, and changes written as a verb (a multiple of what was before).
    ("1 in 4", Quantity(D("0.25"), "ratio", "exact")),
    ("one in five", Quantity(D("0.2"), "ratio", "exact")),
    ("3 out of 10", Quantity(D("0.3"), "ratio", "exact")),
    ("two in three", Quantity(D("0.666667"), "ratio", "exact")),
    ("nearly 1 in 3", Quantity(D("0.333333"), "ratio", "approximately")),
    ("doubled", Quantity(D("2"), "multiple", "exact")),
    ("tripled", Quantity(D("3"), "multiple", "exact")),
    ("more than doubled", Quantity(D("2"), "multiple", "over")),
    ("halved", Quantity(D("0.5"), "multiple", "exact")),
]


@pytest.mark.parametrize(("text", "expected"), PARSE)
def test_parse_quantity(text, expected):
    assert parse_quantity(text) == expected


def test_scale_words_are_resolved_to_plain_integers():
    assert str(parse_quantity("$245 billion").value) == "245000000000"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "lots",
        "$ billion",
        "42 bananas",
        "a fifth dollars",
        "forty bananas",
        "5 percent dollars",
        "$5 euros",
        "€5 dollars",
        "5 km tonnes",
    ],
)
def test_parse_quantity_refuses_what_it_cannot_read(text):
    with pytest.raises(InvalidQuantity):
        parse_quantity(text)


def test_tons_are_refused_with_advice_instead_of_guessed():
    for text in ("108 million tons", "1 ton"):
        with pytest.raises(InvalidQuantity, match='write "tonnes" for metric tons'):
            parse_quantity(text)


def test_what_the_text_leaves_unsaid_is_the_default_or_nothing():
    assert parse_quantity("244.8 bn") == Quantity(D("244800000000"), "count", "exact")
    assert parse_quantity("244.8 bn", default_unit="", default_qualifier="") == Quantity(D("244800000000"), "", "")
    assert parse_quantity("exactly 5", default_qualifier="") == Quantity(D("5"), "count", "exact")


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
    ((D("108000000"), "tonnes", "approximately"), "≈ 108 m tonnes"),
    ((D("1"), "tonnes", "exact"), "1 tonne"),
    ((D("40000"), "people", "exact"), "40,000 people"),
    ((D("1"), "people", "exact"), "1 person"),
    ((D("1400000000"), "people", "over"), "> 1.4 bn people"),
    ((D("2000000"), "barrels_per_day", "exact"), "2 m barrels/day"),
    ((D("1"), "barrels_per_day", "exact"), "1 barrel/day"),
    ((D("1000000000"), "barrels", "exact"), "1 bn barrels"),
    ((D("4209"), "kilometres", "exact"), "4,209 km"),
    ((D("17100000"), "square_kilometres", "exact"), "17.1 m km²"),
    ((D("300"), "hectares", "exact"), "300 ha"),
    ((D("1500"), "days", "exact"), "1,500 days"),  # durations are never scaled
    ((D("10000000000"), "RUB", "exact"), "RUB 10 bn"),
]


@pytest.mark.parametrize(("args", "expected"), FORMAT)
def test_format_quantity(args, expected):
    assert format_quantity(*args) == expected


def test_format_quantity_with_bounds_and_without_value():
    assert format_quantity(None, "", "exact") == ""
    assert format_quantity(None, "percent", "exact", D("10"), D("20")) == "10 %–20 %"
    assert format_quantity(D("15"), "percent", "approximately", D("10"), D("20")) == "≈ 15 % (10 %–20 %)"
    assert format_quantity(None, "count", "exact", D("3"), None) == "≥ 3"


SAMPLE_AMOUNTS = [D("1"), D("42"), D("2500"), D("108000000"), D("244800000000"), D("-4000000000"), D("0.5")]


@pytest.mark.parametrize("unit", Unit.values)
def test_every_unit_is_shown_as_it_reads_back(unit):
    """What the desk shows parses back to the same figure: the display and the parser share one table."""
    for value in SAMPLE_AMOUNTS:
        for qualifier in ("exact", "approximately", "over", "under"):
            shown = format_quantity(value, unit, qualifier)
            # A calendar year and a ratio are shown as the number alone, which reads as a count: the field says which.
            default = unit if unit in (Unit.YEAR, Unit.RATIO) else Unit.COUNT
            assert parse_quantity(shown, default_unit=default) == Quantity(value, unit, qualifier), shown


def test_the_display_names_units_in_words_the_parser_knows():
    for unit, (one, several) in UNIT_NAMES.items():
        assert UNIT_WORDS[one] == UNIT_WORDS[several] == unit
    assert {Unit(code).value.lower() for code in CURRENCIES} <= set(UNIT_WORDS)


AMOUNT_TEXTS = [
    # (stored, unit, as an input shows it)
    (D("244800000000.000000"), "USD", "244.8 bn"),
    (D("245000000000"), "", "245 bn"),
    (D("3500000000"), "USD", "3.5 bn"),
    (D("1234567891"), "USD", "1,234,567,891"),  # a long fraction of billions: every digit instead
    (D("1234500000"), "USD", "1,234,500,000"),
    (D("1234000000"), "USD", "1.234 bn"),
    (D("2500.000000"), "count", "2,500"),
    (D("42"), "percent", "42"),
    (D("0.25"), "ratio", "0.25"),
    (D("1969.000000"), "year", "1969"),  # a year is never grouped
    (D("-4000000000"), "USD", "-4 bn"),
    (D("999999999999999999999999.999999"), "count", "999,999,999,999,999,999,999,999.999999"),
    (D("123456789012345678901234"), "count", "123,456,789,012,345,678,901,234"),
    (D("120000000000000000000000"), "count", "120,000,000,000 tn"),
]


@pytest.mark.parametrize(("stored", "unit", "shown"), AMOUNT_TEXTS)
def test_an_input_shows_an_amount_as_people_read_it_and_reads_it_back(stored, unit, shown):
    assert amount_text(stored, unit) == shown
    assert parse_quantity(shown).value == stored
    assert amount_text(None) == ""


FIGURES = [
    # (value, lower, upper, unit chosen, qualifier chosen) -> (value, unit, qualifier, lower, upper, problems)
    (("$3.5 billion", "", "", "", "exact"), (D("3500000000"), "USD", "exact", None, None, {})),
    (("over 40", "", "", "", "exact"), (D("40"), "count", "over", None, None, {})),
    (("42%", "", "", "", "exact"), (D("42"), "percent", "exact", None, None, {})),
    (("1.2 trillion yuan", "", "", "", ""), (D("1200000000000"), "CNY", "exact", None, None, {})),
    (("2,500", "", "", "people", "exact"), (D("2500"), "people", "exact", None, None, {})),
    (
        ("108 million tonnes", "", "", "tonnes", "approximately"),
        (D("108000000"), "tonnes", "approximately", None, None, {}),
    ),
    (("244.8 bn", "", "", "USD", "approximately"), (D("244800000000"), "USD", "approximately", None, None, {})),
    (
        ("about $245 bn", "$200 bn", "300 bn", "", "exact"),
        (D("245000000000"), "USD", "approximately", D("200000000000"), D("300000000000"), {}),
    ),
    (("", "€10 bn", "€20 bn", "", "exact"), (None, "EUR", "exact", D("10000000000"), D("20000000000"), {})),
    (("", "", "", "", "exact"), (None, "", "exact", None, None, {})),
    (("exactly 5", "", "", "count", "exact"), (D("5"), "count", "exact", None, None, {})),
    # Contradictions: an error on the field to fix, naming both.
    (
        ("$3.5 billion", "", "", "EUR", "exact"),
        (
            D("3500000000"),
            "EUR",
            "exact",
            None,
            None,
            {"unit": "the unit is Euros, but the value “$3.5 billion” is in US dollars"},
        ),
    ),
    (
        ("$3.5 bn", "€3 bn", "", "", "exact"),
        (
            D("3500000000"),
            "USD",
            "exact",
            None,
            None,
            {"lower": "the value “$3.5 bn” is in US dollars, but “€3 bn” is in Euros"},
        ),
    ),
    (
        ("3.5 bn", "", "£4 bn", "USD", "exact"),
        (
            D("3500000000"),
            "USD",
            "exact",
            None,
            None,
            {"upper": "the unit is US dollars, but “£4 bn” is in Pounds sterling"},
        ),
    ),
    (
        ("over 40", "", "", "count", "approximately"),
        (
            D("40"),
            "count",
            "approximately",
            None,
            None,
            {"qualifier": "the qualifier is approximately, but the value “over 40” says over / at least"},
        ),
    ),
    (
        ("40", "over 30", "", "count", "exact"),
        (D("40"), "count", "exact", None, None, {"lower": "a bound is a number, without a qualifier"}),
    ),
    (
        ("42 bananas", "", "", "count", "exact"),
        (None, "count", "exact", None, None, {"value": "don't know the unit 'bananas'"}),
    ),
    (("1" + "0" * 24, "", "", "count", "exact"), (None, "count", "exact", None, None, {"value": "too large"})),
]


@pytest.mark.parametrize(("typed", "expected"), FIGURES)
def test_read_figure(typed, expected):
    value, lower, upper, unit, qualifier = typed
    reading = read_figure(value=value, lower=lower, upper=upper, unit=unit, qualifier=qualifier)
    *figure, problems = expected
    assert (reading.value, reading.unit, reading.qualifier, reading.lower, reading.upper) == tuple(figure)
    assert {field for field, _ in reading.problems} == set(problems)
    for field, words in problems.items():
        assert words in reading.problem_of(field)


def test_a_figure_reading_shows_each_input_and_the_whole():
    reading = read_figure(value="about 244.8 bn", lower="$200 bn", upper="", unit="", qualifier="exact")
    assert reading.display_of("value") == "≈ $244.8 bn"
    assert reading.display_of("lower") == "$200 bn"
    assert reading.display_of("upper") == ""
    assert reading.display == "≈ $244.8 bn ($200 bn–…)"


SOURCE_VALUES = [
    # (typed, claim's unit) -> (value, problem words)
    (("244.8 bn", "USD"), (D("244800000000"), "")),
    (("$244.8 billion", "USD"), (D("244800000000"), "")),
    (("42", "percent"), (D("42"), "")),
    (("42%", "percent"), (D("42"), "")),
    (("", "USD"), (None, "")),
    (("€244.8 bn", "USD"), (None, "“€244.8 bn” is in Euros, but the claim's unit is US dollars")),
    (("$5", ""), (None, "the claim has no unit")),
    (("about 245 bn", "USD"), (None, "without a qualifier")),
    (("lots", "USD"), (None, "has no number")),
]


@pytest.mark.parametrize(("typed", "expected"), SOURCE_VALUES)
def test_read_source_value(typed, expected):
    reading = read_source_value(typed[0], claim_unit=typed[1])
    assert reading.value == expected[0]
    assert (expected[1] in reading.problem) if expected[1] else reading.problem == ""


def test_a_source_value_reads_in_its_claims_unit():
    assert read_source_value("244.8 bn", claim_unit="USD").display == "$244.8 bn"
    assert read_source_value("5", claim_unit="tonnes").display == "5 tonnes"


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


@pytest.mark.parametrize(
    ("gap", "shown"),
    [(D("0.1"), "+0.1 %"), (D("-25.0"), "-25 %"), (D("0.0"), "0 %"), (D("1900.0"), "+1,900 %"), (None, "")],
)
def test_format_gap(gap, shown):
    assert format_gap(gap) == shown
