"""Decimal → text, the one rule: the API's JSON, the claims' representations, exports and the quantity display.

A stored Decimal carries its column's scale (245000000000.0000); what people and clients read is the number
itself: trailing zeros of the fraction dropped, integers in plain notation, never an exponent (2.45E+11), and
exact (a string, safe from float rounding in any JSON reader). This module belongs to the framework layer: it
imports no app.
"""

from decimal import Decimal, localcontext
from typing import overload


def normalized_decimal(value: Decimal) -> Decimal:
    """The same number without trailing zeros in its fraction, integers in plain notation (245000000000).

    Exact for any number of digits: Decimal's default context would round to 28 of them, and an amount has 30.
    """
    with localcontext() as context:
        context.prec = max(context.prec, len(value.as_tuple().digits))
        normalized = value.normalize()
        if normalized == normalized.to_integral_value():
            return normalized.quantize(Decimal(1))
        return normalized


@overload
def decimal_text(value: Decimal, *, grouping: bool = False) -> str: ...
@overload
def decimal_text(value: None, *, grouping: bool = False) -> None: ...
def decimal_text(value: Decimal | None, *, grouping: bool = False) -> str | None:
    """ "245000000000", "3.5", "-0.25" (None stays None); `grouping` separates thousands: "245,000,000,000"."""
    if value is None:
        return None
    # The text of normalized_decimal(value), written from the exact digits: format "f" never rounds nor uses an
    # exponent, and dropping the fraction's trailing zeros is the normalization (six times cheaper, no context).
    text = f"{value:,f}" if grouping else f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
