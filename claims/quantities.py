"""Quantities: the one place that turns written figures into numbers and numbers back into readable figures.

    parse_quantity("approximately $245 billion") -> Quantity(Decimal("245000000000"), "USD", "approximately")
    format_quantity(Decimal("245000000000"), "USD", "approximately") -> "≈ $245 bn"

The importer, the admin, the API and templates call these; nothing else parses or formats figures.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from factcheck.numbers import decimal_text, normalized_decimal

from .choices import CURRENCIES, CURRENCY_SYMBOLS, QUALIFIER_WORDS, UNIT_WORDS, Qualifier, Unit


class InvalidQuantity(ValueError):
    """Raised for text that doesn't state a figure this module understands."""


@dataclass(frozen=True)
class Quantity:
    value: Decimal
    unit: str
    qualifier: str = Qualifier.EXACT


# The amounts the desk stores (a claim's value and bounds, evidence's source value): 30 digits, 6 of them after the
# point, so up to 10^24 - a trillion trillion, in any unit. The model fields (claims.models.AMOUNT), the API's
# serializers and filters and the importer all take these; amount_problem says why a figure doesn't fit.
AMOUNT_MAX_DIGITS = 30
AMOUNT_DECIMAL_PLACES = 6
AMOUNT_DIGITS_BEFORE_POINT = AMOUNT_MAX_DIGITS - AMOUNT_DECIMAL_PLACES


def amount_problem(number: Decimal) -> str | None:
    """Why this figure can't be stored as an amount, or None. Zeros past the sixth decimal place don't count.

    Read from the digits themselves: Decimal arithmetic (abs, round) would round to its context's 28 digits first.
    """
    _, digits, exponent = number.as_tuple()
    if not isinstance(exponent, int):
        return f"{number} is not a finite number"
    beyond = -exponent - AMOUNT_DECIMAL_PLACES
    if beyond > 0 and any(digits[-beyond:]):
        return f"{number} has more than {AMOUNT_DECIMAL_PLACES} decimal places"
    if digits != (0,) and len(digits) + exponent > AMOUNT_DIGITS_BEFORE_POINT:
        return f"{number} is too large (at most {AMOUNT_DIGITS_BEFORE_POINT} digits before the point)"
    return None


SCALES = {
    "thousand": Decimal(10) ** 3,
    "k": Decimal(10) ** 3,
    "million": Decimal(10) ** 6,
    "mn": Decimal(10) ** 6,
    "m": Decimal(10) ** 6,
    "billion": Decimal(10) ** 9,
    "bn": Decimal(10) ** 9,
    "b": Decimal(10) ** 9,
    "trillion": Decimal(10) ** 12,
    "tn": Decimal(10) ** 12,
    "t": Decimal(10) ** 12,
}

NUMBER_WORDS = {
    word: Decimal(i)
    for i, word in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
} | {"thirty": Decimal(30), "forty": Decimal(40), "fifty": Decimal(50), "hundred": Decimal(100), "a dozen": Decimal(12)}

_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


def _strip_prefix(text: str, prefixes: Iterable[str]) -> tuple[str, str | None]:
    lowered = text.lower()
    for prefix in sorted(prefixes, key=len, reverse=True):
        if lowered.startswith(prefix) and (not prefix[-1].isalpha() or not lowered[len(prefix) :][:1].isalpha()):
            return text[len(prefix) :].lstrip(), prefix
    return text, None


def parse_decimal(raw: object) -> Decimal:
    """A plain number from a JSON number or string ("245000000000", "3.5", "1,000"); never a float's noise."""
    if isinstance(raw, bool):
        raise InvalidQuantity(f"{raw!r} is not a number")
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw))
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise InvalidQuantity(f"{raw} is not a finite number")
        return raw
    if not isinstance(raw, str):
        raise InvalidQuantity(f"{raw!r} is not a number")
    text = raw.strip().replace("\u2212", "-")
    if _NUMBER.fullmatch(text) is None:
        raise InvalidQuantity(f"{raw!r} is not a number")
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - the pattern above admits only valid decimals
        raise InvalidQuantity(f"{raw!r} is not a number") from exc


def parse_quantity(text: str, *, default_unit: str = Unit.COUNT) -> Quantity:
    """Parse a figure as written in an article: "approximately $245 billion", "over 42", "11 percent", "44%"."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidQuantity("is empty")
    rest = " ".join(text.replace("\u00a0", " ").split())
    rest, found = _strip_prefix(rest, QUALIFIER_WORDS)
    qualifier = QUALIFIER_WORDS[found] if found else Qualifier.EXACT
    unit = None
    rest, symbol = _strip_prefix(rest, CURRENCY_SYMBOLS)
    if symbol:
        unit = CURRENCY_SYMBOLS[symbol]
    match = _NUMBER.match(rest)
    if match:
        value = parse_decimal(match.group(0))
        rest = rest[match.end() :].strip()
    else:
        rest, word = _strip_prefix(rest, NUMBER_WORDS)
        if word is None:
            raise InvalidQuantity(f"{text!r} has no number")
        value = NUMBER_WORDS[word]
    rest, scale = _strip_prefix(rest, SCALES)
    if scale:
        value *= SCALES[scale]
    if rest:
        rest, word = _strip_prefix(rest, UNIT_WORDS)
        if word is None:
            raise InvalidQuantity(f"{text!r}: don't know the unit {rest!r}")
        word_unit = UNIT_WORDS[word]
        if unit and word_unit != unit:
            raise InvalidQuantity(f"{text!r} names two units")
        unit = word_unit
        if rest:
            raise InvalidQuantity(f"{text!r}: unexpected {rest!r} after the unit")
    return Quantity(value=normalized_decimal(value), unit=str(unit or default_unit), qualifier=str(qualifier))


SCALE_NAMES = [(Decimal(10) ** 12, "tn"), (Decimal(10) ** 9, "bn"), (Decimal(10) ** 6, "m")]
QUALIFIER_SIGNS: dict[str, str] = {Qualifier.APPROXIMATELY: "≈ ", Qualifier.OVER: "> ", Qualifier.UNDER: "< "}
SINGULAR: dict[str, str] = {Unit.YEARS: "year", Unit.MONTHS: "month", Unit.DAYS: "day"}
CURRENCY_SIGNS: dict[str, str] = {Unit.USD: "$", Unit.EUR: "€", Unit.GBP: "£"}


def _scaled(value: Decimal) -> str:
    """245000000000 -> "245 bn"; 3500000000 -> "3.5 bn"; 1200 -> "1,200"."""
    magnitude = abs(value)
    for size, name in SCALE_NAMES:
        if magnitude >= size:
            return f"{decimal_text(value / size, grouping=True)} {name}"
    return decimal_text(value, grouping=True)


def _number(value: Decimal, unit: str) -> str:
    if unit == Unit.YEAR:
        return decimal_text(value)
    if unit in CURRENCIES:
        sign = CURRENCY_SIGNS.get(unit)
        body = _scaled(value)
        if sign:
            return f"-{sign}{body[1:]}" if body.startswith("-") else f"{sign}{body}"
        return f"{unit} {body}"
    if unit == Unit.PERCENT:
        return f"{decimal_text(value, grouping=True)} %"
    if unit == Unit.PERCENTAGE_POINTS:
        return f"{decimal_text(value, grouping=True)} pp"
    if unit == Unit.MULTIPLE:
        return f"{decimal_text(value, grouping=True)}×"
    if unit in SINGULAR:
        word = SINGULAR[unit] if value == 1 else str(unit)
        return f"{decimal_text(value, grouping=True)} {word}"
    return _scaled(value)


def format_quantity(
    value: Decimal | None,
    unit: str,
    qualifier: str = Qualifier.EXACT,
    lower: Decimal | None = None,
    upper: Decimal | None = None,
) -> str:
    """The figure as people read it: "≈ $245 bn", "> 42", "11 %", "20 years", "$10 bn–$20 bn"; "" for none."""
    if value is None and lower is None and upper is None:
        return ""
    if value is None:
        if lower is not None and upper is not None:
            return f"{_number(lower, unit)}–{_number(upper, unit)}"
        if lower is not None:
            return f"≥ {_number(lower, unit)}"
        assert upper is not None  # the first test ruled out a figure with neither value nor bounds
        return f"≤ {_number(upper, unit)}"
    text = QUALIFIER_SIGNS.get(qualifier, "") + _number(value, unit)
    if lower is not None or upper is not None:
        low = _number(lower, unit) if lower is not None else "…"
        high = _number(upper, unit) if upper is not None else "…"
        text = f"{text} ({low}–{high})"
    return text


def gap_percent(claimed: Decimal | None, stated: Decimal | None) -> Decimal | None:
    """How far the claim's figure is from the source's, as a percentage of the source's (None if undefined)."""
    if claimed is None or stated is None or stated == 0:
        return None
    return ((claimed - stated) / abs(stated) * 100).quantize(Decimal("0.1"))


def quantity_problems(
    *, value: Decimal | None, unit: str, lower: Decimal | None, upper: Decimal | None, is_change: bool
) -> list[tuple[str, str]]:
    """The rules a claim's figure obeys, as (field, message) pairs; the importer and the forms both ask this.

    The database enforces the same rules with check constraints (claims.models.Claim.Meta.constraints).
    """
    problems = []
    has_figure = value is not None or lower is not None or upper is not None
    if has_figure and not unit:
        problems.append(("unit", "is required when the claim has a value or bounds"))
    if unit and not has_figure:
        problems.append(("unit", "a claim without a value or bounds has no unit"))
    if lower is not None and value is not None and lower > value:
        problems.append(("lower", f"{lower} is above the value {value}"))
    if upper is not None and value is not None and upper < value:
        problems.append(("upper", f"{upper} is below the value {value}"))
    if lower is not None and upper is not None and lower > upper:
        problems.append(("lower", f"{lower} is above the upper bound {upper}"))
    if unit == "percent" and not is_change:
        for field, number in (("value", value), ("lower", lower), ("upper", upper)):
            if number is not None and not 0 <= number <= 100:
                problems.append((field, f"{number} percent is outside 0–100 (only a change may be)"))
    return problems


# How far a claim's figure may be from its source's before the gap is flagged: under 1 % reads as the same figure
# (rounding), up to 10 % as worth a look, beyond as a discrepancy. The claim page colours the gap by these.
GAP_CLOSE, GAP_LARGE = Decimal(1), Decimal(10)


def gap_severity(gap: Decimal | None) -> str:
    """ "none" (no gap to tell), "close" (< 1 %), "notable" (1–10 %) or "large" (≥ 10 %) for a gap_percent."""
    if gap is None:
        return "none"
    size = abs(gap)
    if size < GAP_CLOSE:
        return "close"
    return "notable" if size < GAP_LARGE else "large"
