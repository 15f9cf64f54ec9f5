"""Decimal → text: one rule for the API's JSON, the claims' representations and the quantity display."""

import random
from decimal import Decimal

import orjson
import pytest

from claims.quantities import format_quantity, parse_quantity
from factcheck.api.renderers import dumps
from factcheck.numbers import decimal_text, normalized_decimal

TEXTS = [
    ("245000000000.0000", "245000000000", "245,000,000,000"),
    ("2.45E+11", "245000000000", "245,000,000,000"),
    ("3.500", "3.5", "3.5"),
    ("-0.2500", "-0.25", "-0.25"),
    ("0E-8", "0", "0"),
    ("1200", "1200", "1,200"),
    ("0.000001", "0.000001", "0.000001"),
    # An amount's 30 digits, past the 28 of Decimal's default context: never rounded.
    ("999999999999999999999999.999999", "999999999999999999999999.999999", "999,999,999,999,999,999,999,999.999999"),
    ("-123456789012345678901234.500000", "-123456789012345678901234.5", "-123,456,789,012,345,678,901,234.5"),
]


@pytest.mark.parametrize(("stored", "plain", "grouped"), TEXTS)
def test_decimal_text(stored, plain, grouped):
    value = Decimal(stored)
    assert decimal_text(value) == plain
    assert decimal_text(value, grouping=True) == grouped
    assert str(normalized_decimal(value)) == plain  # equal as numbers is not enough: Decimal("1.0") == Decimal("1")


def test_the_text_is_the_normalized_number_for_any_scale_and_sign():
    """decimal_text writes the digits itself (no Decimal context): the same text as normalized_decimal's, for numbers
    of every length the columns hold, at every scale, negative and zero included."""
    rng = random.Random(7)
    for _ in range(5000):
        digits = rng.randint(0, 10 ** rng.randint(0, 24)) * rng.choice((1, -1))
        value = Decimal(digits).scaleb(-rng.randint(0, 8))
        assert decimal_text(value) == f"{normalized_decimal(value):f}", value
        assert decimal_text(value, grouping=True) == f"{normalized_decimal(value):,f}", value


def test_none_stays_none():
    assert decimal_text(None) is None


@pytest.mark.parametrize(("stored", "plain", "grouped"), TEXTS)
def test_the_json_renderer_writes_decimals_by_the_rule(stored, plain, grouped):
    assert orjson.loads(dumps({"value": Decimal(stored)})) == {"value": plain}


def test_quantities_parse_and_display_by_the_rule():
    assert str(parse_quantity("$245 billion").value) == "245000000000"
    assert format_quantity(Decimal("1200.0000"), "count", "exact") == decimal_text(Decimal("1200"), grouping=True)
    assert format_quantity(Decimal("2024.000"), "year", "exact") == "2024"  # years are never grouped
