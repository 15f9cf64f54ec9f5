"""The candidate finder: every quantitative statement of an article, with its sentence and exact character offsets.

    find_candidates(text) -> [Candidate(start, end, text, sentence, quantity fields, period, claim_type, subject,
                              score, reasons)], best first

Sentences come from sentencex (with their offsets). Spans are found by the table of RULES below, each a pattern and
what its match means; the figure a span states is read by claims.quantities.parse_quantity (the one parser: the
finder only rewrites the span into the words it reads, "over 400 billion dollars", "between 10 and 15%" as two
figures) and the period by claims.periods.parse_period.
"""

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import sentencex

from ..choices import CURRENCY_SYMBOLS, QUALIFIER_WORDS, UNIT_WORDS, ClaimType, Qualifier, Unit
from ..periods import InvalidPeriod, Period, describe_period, parse_period
from ..quantities import (
    FRACTION_WORDS,
    MULTIPLE_VERBS,
    NUMBER_WORD_TOKENS,
    SCALES,
    InvalidQuantity,
    Quantity,
    parse_quantity,
)


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    text: str
    sentence: str
    sentence_start: int
    kind: str
    value: Decimal | None
    unit: str
    qualifier: str = Qualifier.EXACT
    lower: Decimal | None = None
    upper: Decimal | None = None
    period: str = ""
    claim_type: str = ClaimType.CURRENT_VALUE
    subject: str = ""
    score: int = 0
    reasons: tuple[str, ...] = field(default_factory=tuple)
    markers: tuple[str, ...] = field(default_factory=tuple)

    @property
    def has_figure(self) -> bool:
        return self.value is not None or self.lower is not None or self.upper is not None


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of the words, longest first (so that "per cent" wins over "per")."""
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORDS = rf"(?:{NUMBER_WORD_TOKENS})(?:(?:-|\s+|\s+and\s+)(?:{NUMBER_WORD_TOKENS}))*"
_NUM = rf"(?:(?<![\w.,])(?<![A-Za-z]-)(?:{_DIGITS})|\b{_WORDS}\b)"
_QUALIFIER = rf"(?:(?<![\w-])(?:{_alternation(k for k in QUALIFIER_WORDS if k[0].isalpha())})\s+|[~≈<>≥≤]\s?)"
_CURRENCY = rf"(?:(?<![\w$€£₽])(?:{_alternation(CURRENCY_SYMBOLS)})\s?)"
_SCALE = rf"(?:\s?(?:{_alternation(SCALES)})\b)"
# Unit words after a figure; "x" and "×" only right after it ("2x"), "-year" as an adjective ("a thirty-year war").
_UNIT_WORDS = [w for w in UNIT_WORDS if w not in ("x", "×", "times")]
_UNIT_SIGNS = _alternation(w for w in _UNIT_WORDS if not w[0].isalnum())
_UNIT_NAMES = _alternation(w for w in _UNIT_WORDS if w[0].isalnum())
_UNIT = rf"(?:\s?(?:{_UNIT_SIGNS})|\s?(?:{_UNIT_NAMES})\b|-(?:year|month|day)s?\b|[x×](?!\w))"
_RATE = r"(?:\s+(?:a|per|each)\s+(?:week|month|year|day)\b)"
_FIGURE = (
    rf"(?P<qual>{_QUALIFIER})?(?P<cur>{_CURRENCY})?(?P<num>{_NUM})(?P<scale>{_SCALE})?(?P<unit>{_UNIT})?"
    rf"(?P<rate>{_RATE})?"
)
# Words after "N times" that make it a multiple ("13 times more likely"); otherwise it counts occasions ("met 42
# times").
_MULTIPLE_AFTER = r"more|less|fewer|higher|lower|larger|bigger|greater|smaller|faster|as|the|that|over"
_YEAR = r"(?:1[5-9]\d\d|20\d\d|2100)"
SUPERLATIVES = (
    "largest|biggest|highest|lowest|smallest|fastest|strongest|richest|poorest|greatest|leading|deadliest|"
    "first time|historical record|all-time high|all-time low|record high|record low"
)
PERIOD_WORDS = r"in|since|by|until|till|from|before|after|as of|during|through|throughout|of"
CHANGE_WORDS = re.compile(
    r"\b(?:rose|risen|rise|fell|fallen|fall|grew|grown|increased|decreased|declined|dropped|jumped|surged|"
    r"doubled|tripled|halved|up from|down from|increase|decrease|growth|drop|change)\b",
    re.IGNORECASE,
)
COMPARISON_WORDS = re.compile(r"\b(?:than|compared|comparable|versus|vs\.?|times more|times less|as many|as much)\b")
PREDICTION_WORDS = re.compile(r"\b(?:will|would|expected|forecast|projected|predicts?|plans? to|aims? to|by 20\d\d)\b")
MARKER_WORDS = re.compile(r"\b(?:only|just|record|nearly|almost|at least|up to|more than|over)\b", re.IGNORECASE)
_ACTOR = re.compile(r"\b(?:[A-Z][a-z]+|[A-Z]{2,})(?:\s+(?:[A-Z][a-z]+|[A-Z]{2,}))*")
# Numbers that are no figures: a note's number ("[1]"), a list's ("1)"), a name's ("World War Two").
_REFERENCE = re.compile(r"\[\d+\]|(?<![\w(])\d\)|\bWorld War (?:One|Two|I|II)\b")
# Text whose numbers are no figures at all, whatever rule would read them: a note's link line ("[2] https://…/69447/…"),
# an address, an e-mail address or handle, a file name, a telephone number. Table: (what, pattern).
_FILE_EXTENSIONS = "pdf|html?|txt|docx?|xlsx?|csv|pptx?|jpe?g|png|gif|svg|zip|json|xml"
NOT_FIGURES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("link line", re.compile(r"^[ \t]*(?:\[\d+\]|\d+[.)])?[ \t]*(?:https?://|www\.)\S*[ \t]*$", re.MULTILINE)),
    ("address", re.compile(r"\b(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)),
    ("e-mail address", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("handle", re.compile(r"(?<![\w@])@\w+")),
    ("file name", re.compile(rf"\b[\w-]+(?:\.[\w-]+)*\.(?:{_FILE_EXTENSIONS})\b", re.IGNORECASE)),
    ("telephone number", re.compile(r"\+\d{1,3}[ \t]?(?:\(\d+\)[ \t]?)?\d[\d \t-]{5,}\d")),
    # "the two countries", "these three leaders": a reference back to what was named, not a count being stated.
    ("reference back", re.compile(r"\b(?:the|these|those)\s+(?:two|three|four|five)\b(?=\s+[a-z])", re.IGNORECASE)),
)


def not_figures(text: str) -> list[tuple[int, int]]:
    """The (start, end) spans of text that hold no figures (NOT_FIGURES)."""
    return sorted(m.span() for _, pattern in NOT_FIGURES for m in pattern.finditer(text))


@dataclass(frozen=True)
class Found:
    """What a rule read from its match: the quantity (or bounds), the kind of statement and its period text."""

    kind: str
    quantity: Quantity | None = None
    lower: Decimal | None = None
    upper: Decimal | None = None
    unit: str = ""
    period: str = ""
    subject: str = ""
    claim_type: str = ""


def _figure_text(match: re.Match[str], prefix: str = "") -> str:
    """A figure's match rewritten into the words parse_quantity reads: rate and adjective hyphens left out."""
    unit = (match.group(f"{prefix}unit") or "").strip().lstrip("-")
    if unit in ("year", "month", "day"):
        unit += "s"
    parts = [
        (match.group(f"{prefix}qual") or "").strip(),
        (match.group(f"{prefix}cur") or "").strip() + match.group(f"{prefix}num"),
        (match.group(f"{prefix}scale") or "").strip(),
        unit,
    ]
    return " ".join(part for part in parts if part)


def _figure(match: re.Match[str]) -> Found | None:
    number = match.group("num")
    if re.match(r"[^\W\d_]", match.string[match.end() : match.end() + 1]):  # part of a name: "19FortyFive"
        return None
    if not (match.group("cur") or match.group("scale") or match.group("unit")):
        if re.fullmatch(_YEAR, number) and not match.group("qual"):
            return Found("year", parse_quantity(number, default_unit=Unit.YEAR), period=number)
        if number.lower() == "one":  # "one of the …": a pronoun far more often than a count
            return None
    quantity = parse_quantity(_figure_text(match))
    subject = ""
    if quantity.unit == Unit.COUNT and not match.group("unit"):
        after = match.string[match.end() : match.end() + 60]
        if re.match(rf"\s+times\s+(?:{_MULTIPLE_AFTER})\b", after):
            return Found("multiple", Quantity(quantity.value, Unit.MULTIPLE, quantity.qualifier))
        noun = re.match(r"\s+((?:(?:main|other|leading|new|more|of)\s+)?[A-Za-z][\w’'-]*)", after)
        if noun and not re.match(r"\s+(?:and|or|to|in|of|the|a|an|per|by|on|at|with|for|from)\b", after):
            subject = noun.group(1)
    return Found("figure", quantity, subject=subject)


def _range(match: re.Match[str]) -> Found | None:
    """ "between 10 and 15%", "€5–7bn", "from 1917 to 1939": the currency, scale and unit written once serve both."""
    years = re.fullmatch(_YEAR, match.group("b_num")) and re.fullmatch(_YEAR, match.group("a_num"))
    if years and not any(match.group(f"{side}_{part}") for side in "ab" for part in ("cur", "scale", "unit", "qual")):
        period = f"{match.group('a_num')}/{match.group('b_num')}"
        return Found("range", None, Decimal(match.group("a_num")), Decimal(match.group("b_num")), Unit.YEAR, period)

    def side(name: str, other: str) -> str:
        def part(key: str) -> str:
            return (match.group(f"{name}_{key}") or match.group(f"{other}_{key}") or "").strip()

        unit = part("unit").lstrip("-")
        currency = part("cur")
        return " ".join(p for p in (currency + match.group(f"{name}_num"), part("scale"), unit) if p)

    low, high = parse_quantity(side("a", "b")), parse_quantity(side("b", "a"))
    if low.unit != high.unit or high.value < low.value:
        return None
    return Found("range", None, low.value, high.value, high.unit)


def _ratio(match: re.Match[str]) -> Found | None:
    return Found("ratio", parse_quantity(match.group(0)))


def _multiple_verb(match: re.Match[str]) -> Found:
    return Found("multiple", parse_quantity(match.group(0)), claim_type=ClaimType.CHANGE)


def _fraction(match: re.Match[str]) -> Found:
    return Found("fraction", parse_quantity(match.group(0)))


def _decade(match: re.Match[str]) -> Found | None:
    try:
        period = parse_period(match.group("decade"))
    except InvalidPeriod:
        return None
    assert period.start is not None and period.end is not None
    return Found(
        "decade",
        None,
        Decimal(period.start.year),
        Decimal(period.end.year),
        Unit.YEAR,
        period=match.group("decade"),
        claim_type=ClaimType.EVENT_DATE,
    )


def _date(match: re.Match[str]) -> Found | None:
    month = MONTHS.split("|").index(match.group("month").capitalize()) + 1
    day = match.group("day") or match.group("day2")
    year = match.group("year")
    period = f"{year}-{month:02d}-{int(day):02d}" if day else f"{year}-{month:02d}"
    return Found("date", parse_quantity(year, default_unit=Unit.YEAR), period=period, claim_type=ClaimType.EVENT_DATE)


# A year named by reference to the last one written before it ("in May of the same year", "the following year"):
# the words and how many years they move from it.
RELATIVE_YEARS: dict[str, int] = {
    "the same year": 0,
    "that same year": 0,
    "later that year": 0,
    "earlier that year": 0,
    "the following year": 1,
    "a year later": 1,
    "the previous year": -1,
    "the year before": -1,
    "a year earlier": -1,
}


_RELATIVE_WORDS = "|".join(r"\s+".join(words.split()) for words in sorted(RELATIVE_YEARS, key=len, reverse=True))


def _relative_date(match: re.Match[str]) -> Found | None:
    """ "in May of the same year": the year is the last one written before it in the text, moved as the words say."""
    years = re.findall(rf"(?<!\d)({_YEAR})(?!\d)", match.string[max(0, match.start() - 2000) : match.start()])
    if not years:
        return None
    year = str(int(years[-1]) + RELATIVE_YEARS[re.sub(r"\s+", " ", match.group("words").lower())])
    month = MONTHS.split("|").index(match.group("month").capitalize()) + 1 if match.group("month") else 0
    period = f"{year}-{month:02d}" if month else year
    return Found("date", parse_quantity(year, default_unit=Unit.YEAR), period=period, claim_type=ClaimType.EVENT_DATE)


def _none(match: re.Match[str]) -> Found:
    """ "has not had any obligations", "not a single soldier": a count of none, of the noun that follows."""
    return Found("figure", parse_quantity("0"), subject=match.group("noun"))


def _ordinal(match: re.Match[str]) -> Found:
    return Found("ordinal", parse_quantity(match.group("n")), subject=match.group("noun"), claim_type=ClaimType.RANKING)


def _superlative(match: re.Match[str]) -> Found:
    return Found("ranking", None, claim_type=ClaimType.RANKING, subject=match.group(0))


def _figure_pattern(prefix: str) -> str:
    return _FIGURE.replace("(?P<", f"(?P<{prefix}")


# The table: (name, pattern, reader). Earlier rules win where matches overlap and are as long.
RULES: tuple[tuple[str, re.Pattern[str], Callable[[re.Match[str]], Found | None]], ...] = (
    (
        "date",
        re.compile(
            rf"\b(?:(?P<day2>\d{{1,2}})\s+)?(?P<month>{MONTHS})(?:\s+(?P<day>\d{{1,2}}),?)?(?:\s+of)?\s+(?P<year>{_YEAR})\b"
        ),
        _date,
    ),
    (
        "relative date",
        re.compile(
            rf"\b(?:(?P<month>{MONTHS})\s+(?:of\s+)?)?(?P<words>{_RELATIVE_WORDS})\b",
            re.IGNORECASE,
        ),
        _relative_date,
    ),
    (
        "none",
        re.compile(
            r"\b(?:(?:not|never)\s+(?:(?:had|have|has|been|got|made|received|seen|given)\s+)?(?:any|a\s+single)"
            r"|not\s+one)\s+(?P<noun>[a-z][\w-]*)",
            re.IGNORECASE,
        ),
        _none,
    ),
    (
        "decade",
        re.compile(r"(?P<decade>\b(?:the\s+)?(?:(?:early|mid|late)(?:\s+|\s*-\s*))?\d{3}0s)\b", re.IGNORECASE),
        _decade,
    ),
    (
        "range",
        re.compile(
            rf"(?:\b(?:between|from)\s+)?{_figure_pattern('a_')}(?:\s*(?:-|–|to|and)\s*|-\s+and\s+){_figure_pattern('b_')}",
            re.IGNORECASE,
        ),
        _range,
    ),
    ("ratio", re.compile(rf"\b(?P<a>{_NUM})\s+(?:in|out of)\s+(?P<b>{_NUM})\b(?!\s*(?:%|per))", re.IGNORECASE), _ratio),
    ("fraction", re.compile(rf"\b(?:{_alternation(FRACTION_WORDS)})\b(?=\s+of\b)", re.IGNORECASE), _fraction),
    ("multiple", re.compile(rf"\b(?:{'|'.join(MULTIPLE_VERBS)})\b", re.IGNORECASE), _multiple_verb),
    (
        "ordinal",
        re.compile(r"\b(?P<n>\d+)(?:st|nd|rd|th)\s+(?P<noun>[a-z][\w-]*)", re.IGNORECASE),
        _ordinal,
    ),
    ("figure", re.compile(_FIGURE, re.IGNORECASE), _figure),
    ("ranking", re.compile(rf"\b(?:{SUPERLATIVES})\b", re.IGNORECASE), _superlative),
)


def sentences(text: str) -> list[tuple[int, int]]:
    """The sentences' (start, end) offsets, from sentencex."""
    return [(s["start_index"], s["end_index"]) for s in sentencex.get_sentence_boundaries("en", text)]


def _spans(text: str) -> list[tuple[int, int, str, Found]]:
    found: list[tuple[int, int, int, str, Found]] = []
    references = [m.span() for m in _REFERENCE.finditer(text)]
    excluded = not_figures(text)
    for priority, (name, pattern, reader) in enumerate(RULES):
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(s <= start < e for s, e in references) and name != "ranking":
                continue
            if any(start < e and s < end for s, e in excluded):
                continue
            try:
                result = reader(match)
            except (InvalidQuantity, InvalidPeriod, ArithmeticError):
                continue
            if result is not None:
                found.append((start, end, priority, name, result))
    found.sort(key=lambda f: (-(f[1] - f[0]), f[2], f[0]))
    taken: list[tuple[int, int, str, Found]] = []
    for start, end, _, name, result in found:
        if all(end <= s or start >= e for s, e, _, _ in taken):
            taken.append((start, end, name, result))
    taken.sort()
    return taken


_PERIOD_BEFORE = re.compile(
    rf"\b({PERIOD_WORDS})(?:\s+the\s+(?:spring|summer|autumn|fall|winter|end|start)\s+of)?\s+$", re.IGNORECASE
)


def _period_text(text: str, start: int, found: Found) -> str:
    """The written period of a year or date, with the word before it: "since 2013" -> "2013/"."""
    word = _PERIOD_BEFORE.search(text[max(0, start - 30) : start])
    preposition = word.group(1).lower() if word else ""
    if found.kind == "year":
        if preposition == "since" or preposition == "from":
            return f"{found.period}/"
        if preposition in ("until", "till", "before"):
            return f"/{found.period}"
        if preposition == "as of":
            return f"as of {found.period}"
    return found.period


# The proposed subject: a short noun phrase naming what the figure measures, from the sentence around it, or nothing
# rather than a wrong one. Read by the table SUBJECT_RULES, first that gives a phrase wins.
# Verbs that state a figure: the subject is the noun phrase before them ("US-Russia trade remains …").
STATING_VERBS = frozenset(
    re.findall(
        r"\w+",
        "is are was were be been being has have had remains remain remained stood stands stand reached reaches "
        "totalled totaled totals amounted amounts grew grown grows rose risen rises fell fallen falls increased "
        "decreased declined dropped jumped surged doubled tripled halved met meet meets signed agreed became "
        "become becomes will would could can may might did do does says said believed defined answered estimated "
        "estimates counted exceeded accounted represented spent received lost killed made led left took saw set "
        "began came went gave got won ran paid sent held built",
    )
)
# A clause that opens with these words goes on stating the figure of the clause before it ("…, reaching $245 bn").
_CONTINUING = re.compile(
    r"^\s*(?:reaching|amounting|totall?ing|standing|rising|falling|growing|climbing|up|down|worth|some|about|"
    r"around|approximately|roughly|just|only|nearly|almost|or|and|to)\b",
    re.IGNORECASE,
)
# Verbs whose figure counts occasions: the subject names the occasions ("the two leaders have met over 42 times").
OCCASIONS = {"met": "meetings", "meet": "meetings", "visited": "visits", "spoke": "talks", "clashed": "clashes"}
# Words a subject neither starts nor ends with, besides the stop words.
_EDGE = frozenset(
    re.findall(
        r"\w+",
        "by contrast however moreover meanwhile already also still even relatively substantially significantly "
        "increasingly so much early late as then now today while when whose who which what where there here "
        "total some all both each every other such same certain first last next previous between through during under "
        "towards toward into upon within without against among across after before they he she we you i them those "
        "spring summer autumn fall winter end start beginning middle",
    )
)
_NOT_SUBJECT = re.compile(r"//|www\.|@|^\W*$")
_WORD = r"[\w’'‘-]+"
_SUBJECT_WORDS = 7


def _trimmed(words: list[str], *, head: bool = False) -> str:
    """The words without the stop and edge words at either end, at most _SUBJECT_WORDS: the first when the phrase's
    head comes first (a noun phrase before its verb, "trade between the two countries"), else the last (the words
    right before the figure)."""

    def edge(word: str) -> bool:
        lower = word.lower().strip("’'‘")
        return lower in _STOP | _EDGE or bool(re.fullmatch(r"\d+|\w+ly", lower))

    for _ in range(2):  # trimmed again after the cut to the last words
        while words and edge(words[0]):
            words = words[1:]
        while words and edge(words[-1]):
            words = words[:-1]
        words = words[:_SUBJECT_WORDS] if head else words[-_SUBJECT_WORDS:]
    return " ".join(words)


def _is_verb(word: str) -> bool:
    """A stating verb, or a past form ("escalated", "contributed") that no subject ends with."""
    lower = word.lower()
    return lower in STATING_VERBS or (len(lower) > 4 and lower.endswith("ed") and lower not in _NOT_VERBS)


_NOT_VERBS = frozenset({"hundred", "indeed", "united", "advanced", "limited", "related", "based"})


def _before_verb(clause: str) -> str:
    """ "US-Russia trade remains relatively low" -> "US-Russia trade"; "the two leaders have met" -> "meetings of the
    two leaders"; "" when the clause has no stating verb after a noun."""
    words = re.findall(_WORD, clause)
    for index, word in enumerate(words):
        if _is_verb(word) and index:
            phrase = _trimmed(words[:index], head=True)
            occasion = next((OCCASIONS[w.lower()] for w in words[index:] if w.lower() in OCCASIONS), "")
            return f"{occasion} of {phrase}" if occasion and phrase else phrase
    return ""


def _clause_before(sentence: str, offset: int) -> str:
    """The clause the figure closes, or the one before it when the figure's own goes on from it (", reaching")."""
    clauses = re.split(r"[,;:()–—]|\[\d+\]", sentence[:offset])
    clause = clauses[-1]
    if len(clauses) > 1 and _CONTINUING.match(clause):
        clause = clauses[-2]
    return clause


def _subject_of_verb(sentence: str, offset: int, end: int, found: Found) -> str:
    return _before_verb(_clause_before(sentence, offset))


def _subject_of_whole(sentence: str, offset: int, end: int, found: Found) -> str:
    """ "11 percent of experts believed …" -> "experts": a share names its whole after "of"."""
    after = re.match(rf"\s+of\s+((?:{_WORD}\s*){{1,4}})", sentence[end:])
    if not after:
        return ""
    words = []
    for word in after.group(1).split():
        if _is_verb(word) or word.lower() in {"that", "which", "who", "in", "on", "at", "by"}:
            break
        words.append(word)
    return _trimmed(words)


def _subject_of_count(sentence: str, offset: int, end: int, found: Found) -> str:
    """The noun a count counts ("200 Su-27s"), unless it counts occasions ("42 times")."""
    return "" if found.subject.lower() in ("times", "time") else found.subject


def _subject_of_clause(sentence: str, offset: int, end: int, found: Found) -> str:
    """The figure's clause's words before it, when they hold no verb: "the 1960s schism …" has none before."""
    clause = _clause_before(sentence, offset)
    words = re.findall(_WORD, clause)
    if any(_is_verb(w) or w.lower().endswith("ing") for w in words):
        return ""
    return _trimmed(words)


def _subject_after(sentence: str, offset: int, end: int, found: Found) -> str:
    """A figure written as the noun's adjective names it after itself: "the 1960s schism between Mao and
    Khrushchev was …" -> "schism between Mao and Khrushchev"."""
    if not re.search(r"\b(?:the|a|an|its|their|his|her)\s+$", sentence[:offset], re.IGNORECASE):
        return ""
    clause = re.split(r"[,;:()–—]|\[\d+\]", sentence[end:])[0]
    words = re.findall(_WORD, clause)
    verb = next((i for i, w in enumerate(words) if _is_verb(w) or w.lower() in {"that", "which", "who"}), None)
    if not verb:
        return ""
    return _trimmed(words[:verb], head=True)


# Who acted, in words that name no event ("the country became a member of the WTO": the event is after the verb).
_GENERIC_ACTORS = frozenset({"country", "countries", "parties", "sides", "states", "nations", "leaders", "government"})


def _subject_of_event(sentence: str, offset: int, end: int, found: Found) -> str:
    """A date that opens its clause ("In 1991, Russian-Chinese cooperation was resumed", "in 2001 the country became
    a member of the WTO") names the event after itself: the phrase before its verb when it names something, else the
    one after the verb."""
    if found.kind not in ("year", "date", "decade") or _trimmed(re.findall(_WORD, _clause_before(sentence, offset))):
        return ""
    clause = re.split(r"[;:()–—]|,\s+(?:which|who|while|and|but)\b|\[\d+\]", sentence[end:].lstrip(" ,"))[0]
    words = re.findall(_WORD, clause.split(",")[0])
    verb = next((i for i, w in enumerate(words) if _is_verb(w)), None)
    if verb is None:
        return ""
    actor = _trimmed(words[:verb], head=True)
    if actor and actor.lower() not in _GENERIC_ACTORS:
        return actor
    rest = [w for w in words[verb + 1 :] if not _is_verb(w)]
    return _trimmed(rest, head=True)


SUBJECT_RULES: tuple[Callable[[str, int, int, Found], str], ...] = (
    _subject_of_count,
    _subject_of_whole,
    _subject_of_verb,
    _subject_after,
    _subject_of_event,
    _subject_of_clause,
)


def _subject(sentence: str, offset: int, end: int, found: Found) -> str:
    for rule in SUBJECT_RULES:
        subject = rule(sentence, offset, end, found)
        single = _is_verb(subject) or re.fullmatch(r"\w+ing", subject.lower())
        if subject and not single and not _NOT_SUBJECT.search(subject):
            return subject
    return ""


_STOP = frozenset(
    re.findall(
        r"\w+",
        "the a an of in on at to by for from with and or that which was were is are be been has have had this these "
        "it its their his her since over about around nearly more than less up only just",
    )
)


def _claim_type(found: Found, sentence: str, unit: str) -> str:
    if unit == Unit.YEAR and found.quantity is not None:  # a year to come, in a sentence that looks ahead
        ahead = found.quantity.value >= dt.date.today().year and PREDICTION_WORDS.search(sentence)
        return ClaimType.PREDICTION if ahead else ClaimType.EVENT_DATE
    if found.claim_type:
        return found.claim_type
    if unit == Unit.YEAR:
        return ClaimType.EVENT_DATE
    if unit in (Unit.PERCENTAGE_POINTS,) or CHANGE_WORDS.search(sentence):
        return ClaimType.CHANGE
    if unit == Unit.MULTIPLE or COMPARISON_WORDS.search(sentence):
        return ClaimType.COMPARISON
    if PREDICTION_WORDS.search(sentence):
        return ClaimType.PREDICTION
    return ClaimType.CURRENT_VALUE


def names(sentence: str) -> list[str]:
    """The names a sentence mentions ("Putin", "Xi", "CSIS"), each word once, in order."""
    words = (word for m in _ACTOR.finditer(sentence.strip()) if _is_actor(m) for word in m.group(0).split())
    return list(dict.fromkeys(w for w in words if w.lower() not in _STOP | _SENTENCE_OPENERS))


def _is_actor(match: re.Match[str]) -> bool:
    """A capitalised name ("Russia", "Donald Trump", "CSIS"); a sentence's first word only if not a common word."""
    if re.fullmatch(rf"(?:{MONTHS})", match.group(0)):
        return False
    return match.start() > 0 or match.group(0).split()[0].lower() not in _STOP | _SENTENCE_OPENERS


_SENTENCE_OPENERS = frozenset(
    re.findall(r"\w+", "it see he she they we i there then but yet so if when after before during")
)


def _worthiness(found: Found, unit: str, sentence: str, local: str, markers: tuple[str, ...]) -> tuple[int, list[str]]:
    """A check-worthiness score with its reasons: a figure tied to a named actor or measure ranks above a page
    number or a bare date."""
    score, reasons = 0, list[str]()
    if unit in (Unit.USD, Unit.EUR, Unit.GBP, Unit.CNY, Unit.RUB, Unit.JPY):
        score, reasons = score + 4, [*reasons, "an amount of money"]
    elif unit in (Unit.PERCENT, Unit.PERCENTAGE_POINTS, Unit.RATIO, Unit.MULTIPLE):
        score, reasons = score + 4, [*reasons, "a share, ratio or multiple"]
    elif unit == Unit.YEAR:
        score, reasons = score - 1, [*reasons, "a date"]
    elif found.kind == "ranking":
        score, reasons = score + 1, [*reasons, "a ranking without a figure"]
    elif unit == Unit.COUNT and found.kind == "figure" and found.quantity and found.quantity.value < 10:
        score, reasons = score + 1, [*reasons, "a small count"]
    else:
        score, reasons = score + 2, [*reasons, "a count or measure"]
    if any(_is_actor(m) for m in _ACTOR.finditer(sentence.strip())):
        score, reasons = score + 2, [*reasons, "names an actor"]
    if markers:
        score, reasons = score + 1, [*reasons, f"qualified ({', '.join(markers)})"]
    if found.kind in ("range", "multiple", "ratio", "fraction"):
        score, reasons = score + 1, [*reasons, f"a {found.kind}"]
    if re.search(r"\b(?:page|pp?\.)\s*$", local, re.IGNORECASE):
        score, reasons = score - 6, [*reasons, "a page number"]
    return score, reasons


def find_candidates(text: str) -> list[Candidate]:
    """Every quantitative statement of text, best first (ties in reading order)."""
    bounds = sentences(text)
    candidates = []
    sentence_index = 0
    spans = _spans(text)
    periods: dict[int, list[tuple[int, str]]] = {}
    for start, _end, _name, found in spans:
        if found.period:
            while sentence_index + 1 < len(bounds) and bounds[sentence_index][1] <= start:
                sentence_index += 1
            periods.setdefault(sentence_index, []).append((start, _period_text(text, start, found)))
    sentence_index = 0
    for start, end, _name, found in spans:
        while sentence_index + 1 < len(bounds) and bounds[sentence_index][1] <= start:
            sentence_index += 1
        s_start, s_end = bounds[sentence_index] if bounds else (0, len(text))
        sentence = text[s_start:s_end]
        quantity = found.quantity
        unit = quantity.unit if quantity else found.unit
        period = _period_text(text, start, found) if found.period else ""
        if not period and sentence_index in periods:  # the nearest period written in the same sentence
            period = min(periods[sentence_index], key=lambda p: abs(p[0] - start))[1]
        try:
            period = parse_period(period).label if period else ""
        except InvalidPeriod:
            period = ""
        local = text[max(s_start, start - 12) : start]
        around = text[max(s_start, start - 12) : end]
        markers = tuple(dict.fromkeys(m.group(0).lower() for m in MARKER_WORDS.finditer(around)))
        score, reasons = _worthiness(found, unit, sentence, local, markers)
        candidates.append(
            Candidate(
                start=start,
                end=end,
                text=text[start:end],
                sentence=sentence.strip(),
                sentence_start=s_start,
                kind=found.kind,
                value=quantity.value if quantity else None,
                unit=str(unit),
                qualifier=str(quantity.qualifier if quantity else Qualifier.EXACT),
                lower=found.lower,
                upper=found.upper,
                period=period,
                claim_type=str(_claim_type(found, sentence, unit)),
                subject=_subject(sentence, start - s_start, end - s_start, found),
                score=score,
                reasons=tuple(reasons),
                markers=markers,
            )
        )
    return sorted(_unique(candidates), key=lambda c: (-c.score, c.start))


def _unique(candidates: list[Candidate]) -> list[Candidate]:
    """One candidate a span, and one for words written twice (the same figure in the same sentence, as a note
    repeated): the first in the text."""
    seen: set[tuple[int, int] | tuple[str, str]] = set()
    kept = []
    for candidate in candidates:
        keys = ((candidate.start, candidate.end), (candidate.text, candidate.sentence))
        if not any(key in seen for key in keys):
            kept.append(candidate)
        seen.update(keys)
    return kept


def describe(candidate: Candidate) -> str:
    """The candidate's period in words, for the command's listing."""
    try:
        period: Period = parse_period(candidate.period)
    except InvalidPeriod:
        return candidate.period
    return describe_period(period)
