"""Quantities: the one place that turns written figures into numbers and numbers back into readable figures.

    parse_quantity("approximately $245 billion") -> Quantity(Decimal("245000000000"), "USD", "approximately")
    format_quantity(Decimal("245000000000"), "USD", "approximately") -> "≈ $245 bn"
    amount_text(Decimal("244800000000")) -> "244.8 bn"  (an input's text; parse_quantity reads it back)
    read_figure(value="over $3.5 billion", unit="", qualifier="exact") -> the figure with its unit and qualifier
        filled from the text, or the problems of each field ("the unit is Euros, but the value is in US dollars")

The importer, the admin (its forms, its read-back of what was typed), the API and templates call these; nothing else
parses or formats figures.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext

from text_to_num import text2num

from factcheck.numbers import decimal_text, normalized_decimal

from .choices import CURRENCIES, CURRENCY_SYMBOLS, QUALIFIER_WORDS, UNIT_WORD_HINTS, UNIT_WORDS, Qualifier, Unit


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

# Numbers written in words ("forty-two", "Ninety-three", "two hundred and fifty"): the words of a run are found
# here, and text2num (a library, not a table of ours) says what number they make. A scale word at the end of a run
# ("two million") is left to SCALES, as after digits.
NUMBER_WORD_TOKENS = (
    "zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    "seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand"
)
_NUMBER_WORDS_RUN = re.compile(
    rf"^(?:{NUMBER_WORD_TOKENS})(?:(?:-|\s+|\s+and\s+)(?:{NUMBER_WORD_TOKENS}))*\b", re.IGNORECASE
)
# Fractions written in words, as a ratio: "a fifth" is 0.2, "two-thirds" 0.666667 (the amounts' six decimals).
FRACTION_WORDS: dict[str, Decimal] = {
    f"{count}{sep}{name}": Decimal(number) / Decimal(denominator)
    for name, plural, denominator in (
        ("half", "halves", 2),
        ("third", "thirds", 3),
        ("quarter", "quarters", 4),
        ("fifth", "fifths", 5),
        ("sixth", "sixths", 6),
        ("eighth", "eighths", 8),
        ("tenth", "tenths", 10),
    )
    for count, number, sep in (
        ("a", 1, " "),
        ("one", 1, " "),
        ("one", 1, "-"),
        ("two", 2, " "),
        ("two", 2, "-"),
        ("three", 3, " "),
        ("three", 3, "-"),
        ("four", 4, " "),
        ("four", 4, "-"),
    )
    if number < denominator
    for name in ((name,) if number == 1 else (plural,))
} | {"half": Decimal("0.5")}


# A change written as a verb, as a multiple of what was before: "exports doubled" is 2×, "halved" 0.5×.
MULTIPLE_VERBS: dict[str, Decimal] = {
    "doubled": Decimal(2),
    "tripled": Decimal(3),
    "trebled": Decimal(3),
    "quadrupled": Decimal(4),
    "halved": Decimal("0.5"),
}
# "1 in 4", "one in five", "3 out of 10": a ratio, part over whole.
_PART_OF = re.compile(r"^(?P<part>.+?)\s+(?:in|out\s+of)\s+(?P<whole>.+)$", re.IGNORECASE)


def _ratio_of(text: str) -> Decimal | None:
    """The ratio "N in M" states (to the amounts' six decimals), None if text isn't one; a part above its whole
    is refused."""
    match = _PART_OF.match(text)
    if match is None:
        return None
    try:
        part, whole = (parse_quantity(match.group(side)) for side in ("part", "whole"))
    except InvalidQuantity:
        return None
    if part.unit != Unit.COUNT or whole.unit != Unit.COUNT or part.qualifier != Qualifier.EXACT or whole.value <= 0:
        return None
    if part.value > whole.value:
        raise InvalidQuantity(f"{text!r}: the part is larger than the whole")
    return (part.value / whole.value).quantize(Decimal(1).scaleb(-AMOUNT_DECIMAL_PLACES))


def _number_in_words(text: str) -> tuple[Decimal, str] | None:
    """The number a run of number words at the start of text makes, and the rest: "forty-two years" -> 42, "years"."""
    match = _NUMBER_WORDS_RUN.match(text)
    if match is None:
        return None
    words = match.group(0)
    try:
        number = text2num(words.lower().replace("-", " "), "en")
    except ValueError:
        return None
    return Decimal(number), text[match.end() :].lstrip()


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


def parse_quantity(text: str, *, default_unit: str = Unit.COUNT, default_qualifier: str = Qualifier.EXACT) -> Quantity:
    """Parse a figure as written in an article: "approximately $245 billion", "over 42", "11 percent", "44%",
    "108 million tonnes", "forty-two", "a fifth", "1 in 4", "doubled". What the text doesn't say is the default: a
    number alone is a count, exact. Give "" as a default to learn what the text itself says (the admin's forms fill
    the unit and qualifier fields from it)."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidQuantity("is empty")
    rest = " ".join(text.replace("\u00a0", " ").split())
    rest, found = _strip_prefix(rest, QUALIFIER_WORDS)
    qualifier = QUALIFIER_WORDS[found] if found else default_qualifier
    if rest.lower() in MULTIPLE_VERBS:
        return Quantity(value=MULTIPLE_VERBS[rest.lower()], unit=str(Unit.MULTIPLE), qualifier=str(qualifier))
    ratio = _ratio_of(rest)
    if ratio is not None:
        return Quantity(value=normalized_decimal(ratio), unit=str(Unit.RATIO), qualifier=str(qualifier))
    unit = None
    minus = rest[:1] if rest[:1] in ("-", "\u2212") else ""
    after_symbol, symbol = _strip_prefix(rest[len(minus) :], CURRENCY_SYMBOLS)
    if symbol:  # "$4 bn", and "-$4 bn" as the display writes a negative amount
        unit = CURRENCY_SYMBOLS[symbol]
        rest = minus + after_symbol
    match = _NUMBER.match(rest)
    if match:
        value = parse_decimal(match.group(0))
        rest = rest[match.end() :].strip()
    elif (fraction_rest := _strip_prefix(rest, FRACTION_WORDS))[1] is not None:
        rest, fraction = fraction_rest
        if rest:
            raise InvalidQuantity(f"{text!r}: unexpected {rest!r} after the fraction")
        value = FRACTION_WORDS[str(fraction)].quantize(Decimal(1).scaleb(-AMOUNT_DECIMAL_PLACES))
        return Quantity(value=normalized_decimal(value), unit=str(Unit.RATIO), qualifier=str(qualifier))
    elif (in_words := _number_in_words(rest)) is not None:
        value, rest = in_words
    else:
        rest, word = _strip_prefix(rest, NUMBER_WORDS)
        if word is None:
            raise InvalidQuantity(f"{text!r} has no number")
        value = NUMBER_WORDS[word]
    scaled_rest, scale = _strip_prefix(rest, SCALES)
    _, unit_word = _strip_prefix(rest, UNIT_WORDS)
    if scale and not (unit_word and len(unit_word) > len(scale)):  # "5 b/d" is barrels a day, not 5 billion "/d"
        value *= SCALES[scale]
        rest = scaled_rest
    if rest:
        rest, word = _strip_prefix(rest, UNIT_WORDS)
        if word is None:
            hint = UNIT_WORD_HINTS.get(rest.lower())
            raise InvalidQuantity(f"{text!r}: {hint}" if hint else f"{text!r}: don't know the unit {rest!r}")
        word_unit = UNIT_WORDS[word]
        if unit and word_unit != unit:
            raise InvalidQuantity(f"{text!r} names two units")
        unit = word_unit
        if rest:
            raise InvalidQuantity(f"{text!r}: unexpected {rest!r} after the unit")
    return Quantity(value=normalized_decimal(value), unit=str(unit or default_unit), qualifier=str(qualifier))


SCALE_NAMES = [(Decimal(10) ** 12, "tn"), (Decimal(10) ** 9, "bn"), (Decimal(10) ** 6, "m")]
QUALIFIER_SIGNS: dict[str, str] = {Qualifier.APPROXIMATELY: "≈ ", Qualifier.OVER: "> ", Qualifier.UNDER: "< "}
CURRENCY_SIGNS: dict[str, str] = {Unit.USD: "$", Unit.EUR: "€", Unit.GBP: "£"}
# The words after a figure, (one, several), for the units that show one: "20 years", "1 person", "108 m tonnes".
# Each is a word of claims.choices.UNIT_WORDS, so that what is shown parses back to the same unit. Durations are
# never scaled ("1,500 days"); the rest are ("1.4 bn people", "17.1 m km²").
UNIT_NAMES: dict[str, tuple[str, str]] = {
    Unit.YEARS: ("year", "years"),
    Unit.MONTHS: ("month", "months"),
    Unit.DAYS: ("day", "days"),
    Unit.PEOPLE: ("person", "people"),
    Unit.TONNES: ("tonne", "tonnes"),
    Unit.BARRELS: ("barrel", "barrels"),
    Unit.BARRELS_PER_DAY: ("barrel/day", "barrels/day"),
    Unit.KILOMETRES: ("km", "km"),
    Unit.SQUARE_KILOMETRES: ("km²", "km²"),
    Unit.HECTARES: ("ha", "ha"),
}
DURATIONS = frozenset({Unit.YEARS, Unit.MONTHS, Unit.DAYS})
# An input shows a scaled amount ("244.8 bn") when it has at most this many decimals, else every digit
# ("1,234,567,891"): what is typed back is what was shown, and a long fraction of billions is hard to check.
INPUT_SCALED_DECIMALS = 3


def _exactly_scaled(value: Decimal, size: Decimal) -> Decimal:
    with localcontext() as context:
        context.prec = AMOUNT_MAX_DIGITS + 20  # a power of ten's division, exact for any amount
        return value / size


def _scaled(value: Decimal) -> str:
    """245000000000 -> "245 bn"; 3500000000 -> "3.5 bn"; 1200 -> "1,200"."""
    magnitude = abs(value)
    for size, name in SCALE_NAMES:
        if magnitude >= size:
            return f"{decimal_text(_exactly_scaled(value, size), grouping=True)} {name}"
    return decimal_text(value, grouping=True)


def amount_text(value: Decimal | None, unit: str = "") -> str:
    """An amount as people type it, for an input: "244.8 bn", "2,500", "1969" (a year), "1,234,567,891"; "" for none.

    parse_quantity reads it back to the same number, never the padded "244800000000.000000" of the column.
    """
    if value is None:
        return ""
    if unit == Unit.YEAR:
        return decimal_text(value)
    magnitude = abs(value)
    for size, name in SCALE_NAMES:
        if magnitude >= size:
            scaled = normalized_decimal(_exactly_scaled(value, size))
            exponent = scaled.as_tuple().exponent
            if isinstance(exponent, int) and -exponent <= INPUT_SCALED_DECIMALS:
                return f"{decimal_text(scaled, grouping=True)} {name}"
            break
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
    if unit in UNIT_NAMES:
        one, several = UNIT_NAMES[unit]
        number = decimal_text(value, grouping=True) if unit in DURATIONS else _scaled(value)
        return f"{number} {one if value == 1 else several}"
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


def format_gap(gap: Decimal | None) -> str:
    """A gap in percent as people read it: "+0.1 %", "-25 %", "0 %", "+1,900 %"; "" for none."""
    if gap is None:
        return ""
    sign = "+" if gap > 0 else ""
    return f"{sign}{decimal_text(gap, grouping=True)} %"


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

    def shown(number: Decimal) -> str:
        return decimal_text(number, grouping=True)

    if lower is not None and value is not None and lower > value:
        problems.append(("lower", f"{shown(lower)} is above the value {shown(value)}"))
    if upper is not None and value is not None and upper < value:
        problems.append(("upper", f"{shown(upper)} is below the value {shown(value)}"))
    if lower is not None and upper is not None and lower > upper:
        problems.append(("lower", f"{shown(lower)} is above the upper bound {shown(upper)}"))
    if unit == "percent" and not is_change:
        for field, number in (("value", value), ("lower", lower), ("upper", upper)):
            if number is not None and not 0 <= number <= 100:
                problems.append((field, f"{shown(number)} percent is outside 0–100 (only a change may be)"))
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


# --- a figure as an editor types it -----------------------------------------------------------------------------
# The admin's claim form has a value and two bounds typed as text, beside a unit and a qualifier chosen from lists;
# evidence has the source's figure, in its claim's unit. These read what was typed, for the forms (which store it)
# and for the admin's read-back beside each input (which shows it before saving): the same answer in both.

UNIT_NAMES_IN_WORDS: dict[str, str] = dict(Unit.choices)
QUALIFIER_NAMES_IN_WORDS: dict[str, str] = dict(Qualifier.choices)


@dataclass(frozen=True)
class FigureReading:
    """A claim's figure as read from its fields, with the problems of each field: (field, message), the fields
    being value, unit, qualifier, lower and upper. A field with a problem has no amount here."""

    value: Decimal | None
    unit: str
    qualifier: str
    lower: Decimal | None
    upper: Decimal | None
    problems: tuple[tuple[str, str], ...] = ()

    @property
    def display(self) -> str:
        """The whole figure: "≈ $244.8 bn ($200 bn–$300 bn)"."""
        return format_quantity(self.value, self.unit, self.qualifier, self.lower, self.upper)

    def problem_of(self, field: str) -> str:
        return next((message for name, message in self.problems if name == field), "")

    def display_of(self, field: str) -> str:
        """One input's reading: the value with its qualifier ("≈ $244.8 bn"), a bound alone ("$200 bn"); "" while
        the input (or, for the value, the unit or qualifier it disagrees with) has a problem: the message says it."""
        if field == "value":
            if any(self.problem_of(name) for name in ("value", "unit", "qualifier")):
                return ""
            return format_quantity(self.value, self.unit, self.qualifier)
        amount = {"lower": self.lower, "upper": self.upper}.get(field)
        return format_quantity(amount, self.unit) if amount is not None else ""


def _unit_name(unit: str) -> str:
    return UNIT_NAMES_IN_WORDS.get(unit, unit or "no unit")


def _read_amount(text: str | None) -> tuple[Quantity | None, str]:
    """What one input says, with nothing assumed (unit and qualifier "" when not written), or why it can't be read."""
    if text is None or not str(text).strip():
        return None, ""
    try:
        quantity = parse_quantity(str(text), default_unit="", default_qualifier="")
    except InvalidQuantity as exc:
        return None, str(exc)
    problem = amount_problem(quantity.value)
    return (None, problem) if problem else (quantity, "")


def read_figure(
    *, value: str | None, unit: str, qualifier: str, lower: str | None = "", upper: str | None = ""
) -> FigureReading:
    """A claim's figure from its fields as an editor fills them in: the value and bounds as written ("244.8 bn",
    "$3.5 billion", "over 40", "42%", "108 million tonnes"), the unit and qualifier as chosen ("" for none).

    The rules:
    - A unit written in the value or a bound fills a unit left empty. One that differs from the chosen unit is a
      problem of the unit field (for the value) or of the bound, naming both: the bounds agree with the unit.
    - A figure with no unit written or chosen is a count: a number alone is a count (as in the import's `quantity`).
    - A qualifier written in the value ("over", "about", "≈") fills a qualifier left exact (the default); one that
      differs from a qualifier chosen otherwise is a problem of the qualifier field, naming both. A bound is a number:
      it takes no qualifier.
    - Each amount fits the columns (amount_problem).
    The figure's order and range rules (lower ≤ value ≤ upper, percentages) are quantity_problems', which the model's
    clean and the importer apply to the result.
    """
    texts = {"value": value, "lower": lower, "upper": upper}
    problems: list[tuple[str, str]] = []
    read: dict[str, Quantity] = {}
    for field, text in texts.items():
        quantity, problem = _read_amount(text)
        if problem:
            problems.append((field, problem))
        elif quantity is not None:
            read[field] = quantity
    chosen = qualifier or Qualifier.EXACT
    final_qualifier = chosen
    written = read.get("value")
    if written is not None and written.qualifier:
        if chosen in (Qualifier.EXACT, written.qualifier):
            final_qualifier = written.qualifier
        else:
            problems.append(
                (
                    "qualifier",
                    f"the qualifier is {_qualifier_name(chosen)}, but the value {_typed(value)} says "
                    f"{_qualifier_name(written.qualifier)}: change one of them",
                )
            )
    for field in ("lower", "upper"):
        bound = read.get(field)
        if bound is not None and bound.qualifier:
            problems.append((field, f"{_typed(texts[field])}: a bound is a number, without a qualifier"))
            del read[field]
    final_unit, unit_from = unit, ""  # "": the unit chosen in its field; else the field whose text gave it
    for field in ("value", "lower", "upper"):
        quantity = read.get(field)
        if quantity is None or not quantity.unit or quantity.unit == final_unit:
            continue
        if not final_unit:
            final_unit, unit_from = quantity.unit, field
            continue
        said = f"{_typed(texts[field])} is in {_unit_name(quantity.unit)}"
        if field == "value":  # the value is read first: its unit can only disagree with the unit chosen
            problems.append(("unit", f"the unit is {_unit_name(final_unit)}, but the value {said}: change one of them"))
            continue
        if unit_from:
            basis = f"the value {_typed(texts[unit_from])} is in {_unit_name(final_unit)}"
        else:
            basis = f"the unit is {_unit_name(final_unit)}"
        problems.append((field, f"{basis}, but {said}: a bound is in the claim's unit"))
        del read[field]
    if read and not final_unit:
        final_unit = Unit.COUNT
    return FigureReading(
        value=read["value"].value if "value" in read else None,
        unit=final_unit,
        qualifier=final_qualifier,
        lower=read["lower"].value if "lower" in read else None,
        upper=read["upper"].value if "upper" in read else None,
        problems=tuple(problems),
    )


def _typed(text: str | None) -> str:
    """What was typed, quoted for a message: “$3.5 bn”."""
    return f"“{str(text or '').strip()}”"


def _qualifier_name(qualifier: str) -> str:
    return QUALIFIER_NAMES_IN_WORDS.get(qualifier, qualifier).lower()


@dataclass(frozen=True)
class AmountReading:
    """The source's own figure of a piece of evidence as read from its input, in its claim's unit."""

    value: Decimal | None
    unit: str
    problem: str = ""

    @property
    def display(self) -> str:
        return format_quantity(self.value, self.unit) if self.value is not None else ""


def read_source_value(text: str | None, *, claim_unit: str) -> AmountReading:
    """A piece of evidence's source value as written ("244.8 bn", "$244.8 billion"): a number in the claim's unit.

    A unit written with it must be the claim's (naming both when it isn't; a claim without a unit takes none), and
    it takes no qualifier: the evidence stores the number, its excerpt keeps the source's words ("about").
    """
    quantity, problem = _read_amount(text)
    if problem or quantity is None:
        return AmountReading(value=None, unit=claim_unit, problem=problem)
    if quantity.qualifier:
        return AmountReading(
            value=None,
            unit=claim_unit,
            problem=f"{_typed(text)}: the source's value is a number, without a qualifier (the excerpt keeps the "
            "source's words)",
        )
    if quantity.unit and quantity.unit != claim_unit:
        claims_unit = f"the claim's unit is {_unit_name(claim_unit)}" if claim_unit else "the claim has no unit"
        return AmountReading(
            value=None,
            unit=claim_unit,
            problem=f"{_typed(text)} is in {_unit_name(quantity.unit)}, but {claims_unit}: the source's value is in "
            "the claim's unit",
        )
    return AmountReading(value=quantity.value, unit=claim_unit)
