"""Fixed vocabularies of the claims app. Import aliases map the words people write onto them."""

from django.db import models


class ClaimType(models.TextChoices):
    CURRENT_VALUE = "current_value", "Current value"
    CHANGE = "change", "Change over time"
    COMPARISON = "comparison", "Comparison"
    RANKING = "ranking", "Ranking"
    EVENT_DATE = "event_date", "Date of an event"
    PREDICTION = "prediction", "Prediction"


class Status(models.TextChoices):
    UNVERIFIED = "unverified", "Unverified"
    IN_REVIEW = "in_review", "In review"
    VERIFIED = "verified", "Verified"
    FALSE = "false", "False"
    MISLEADING = "misleading", "Misleading"
    UNVERIFIABLE = "unverifiable", "Unverifiable"


class Unit(models.TextChoices):
    USD = "USD", "US dollars"
    EUR = "EUR", "Euros"
    GBP = "GBP", "Pounds sterling"
    CNY = "CNY", "Chinese yuan"
    RUB = "RUB", "Russian roubles"
    JPY = "JPY", "Japanese yen"
    COUNT = "count", "Count"
    PERCENT = "percent", "Percent"
    PERCENTAGE_POINTS = "percentage_points", "Percentage points"
    RATIO = "ratio", "Ratio"
    MULTIPLE = "multiple", "Multiple (×)"
    YEAR = "year", "Calendar year"
    YEARS = "years", "Years (duration)"
    MONTHS = "months", "Months (duration)"
    DAYS = "days", "Days (duration)"
    PEOPLE = "people", "People"
    TONNES = "tonnes", "Tonnes (metric)"
    BARRELS = "barrels", "Barrels (of oil)"
    BARRELS_PER_DAY = "barrels_per_day", "Barrels per day"
    KILOMETRES = "kilometres", "Kilometres"
    SQUARE_KILOMETRES = "square_kilometres", "Square kilometres"
    HECTARES = "hectares", "Hectares"


# The unit filter's and the unit facet's word for claims without a unit (claims without a figure, whose unit is
# blank): `?unit=none`, and the facet's value for them, so that a facet's value always filters to its count.
NO_UNIT = "none"
NO_UNIT_LABEL = "No unit"

CURRENCIES = frozenset({Unit.USD, Unit.EUR, Unit.GBP, Unit.CNY, Unit.RUB, Unit.JPY})


class Qualifier(models.TextChoices):
    EXACT = "exact", "Exact"
    APPROXIMATELY = "approximately", "Approximately"
    OVER = "over", "Over / at least"
    UNDER = "under", "Under / at most"


class EvidenceRelation(models.TextChoices):
    CITED = "cited", "Cited by the article"
    SUPPORTS = "supports", "Supports"
    CONTRADICTS = "contradicts", "Contradicts"
    CONTEXT = "context", "Context"


# The words people write for the vocabularies above: one table each, read by the quantity parser (claims.quantities:
# a word before or after a figure, as in "approximately $245 billion") and by the importer's fields (`unit`,
# `qualifier`: claims.importers.records). A field also takes the choice's own value ("USD", "over"), which wins
# over a word of the same spelling.

# Written before a figure: "about 40", "> 5 %". Lower case; a field may write the spaces as "_" ("at_least").
QUALIFIER_WORDS: dict[str, str] = {
    "exactly": Qualifier.EXACT,
    **dict.fromkeys(
        ("approximately", "approx.", "approx", "about", "around", "roughly", "some", "nearly", "almost", "close to",
         "circa", "c.", "~", "≈"),
        Qualifier.APPROXIMATELY,
    ),
    **dict.fromkeys(
        ("more than", "over", "above", "at least", "exceeding", "in excess of", "upwards of", ">=", "≥", ">"),
        Qualifier.OVER,
    ),
    **dict.fromkeys(
        ("less than", "fewer than", "under", "below", "at most", "up to", "no more than", "<=", "≤", "<"),
        Qualifier.UNDER,
    ),
}  # fmt: skip
QUALIFIER_ALIASES: dict[str, str] = QUALIFIER_WORDS | {
    word.replace(" ", "_"): qualifier for word, qualifier in QUALIFIER_WORDS.items() if " " in word
}

# Written before a figure: "$245 billion", "€1.2bn", "CNY 3 tn" (a code before the figure is how the desk shows the
# currencies without a sign of their own, and reads back). "¥" is left out: yen or yuan.
CURRENCY_SYMBOLS: dict[str, str] = {
    "$": Unit.USD,
    "us$": Unit.USD,
    "€": Unit.EUR,
    "£": Unit.GBP,
    "₽": Unit.RUB,
    **{code.lower(): code for code in (Unit.USD, Unit.EUR, Unit.GBP, Unit.CNY, Unit.RUB, Unit.JPY)},
}

# Written after a figure: "11 percent", "2.5 pp", "3 trillion yuan", "2x", "20 years". Lower case.
# "times" is a multiple (×): "13 times more likely", "three times the 2020 level" compare two figures, and only ×
# keeps that meaning. A count of occasions ("they met 42 times") is written as the number alone, which is a count,
# the subject saying what is counted ("Putin–Xi meetings since 2013": 42).
# "year" after a figure is a duration ("1 year"); the calendar year is the unit field's value `year` (a value wins).
# People are people whoever they are: "40,000 troops", "200 soldiers" (the subject says who). Things counted one by
# one are a count: "12 aircraft", "300 tanks". "tons" is left out on purpose: short (US) tons are 0.907 tonnes, and
# the desk doesn't guess which the article meant (UNIT_WORD_HINTS says so to whoever writes it).
UNIT_WORDS: dict[str, str] = {
    "percentage points": Unit.PERCENTAGE_POINTS,
    "percentage point": Unit.PERCENTAGE_POINTS,
    "pp": Unit.PERCENTAGE_POINTS,
    "per cent": Unit.PERCENT,
    "percent": Unit.PERCENT,
    "pct": Unit.PERCENT,
    "%": Unit.PERCENT,
    "us dollars": Unit.USD,
    "dollars": Unit.USD,
    "usd": Unit.USD,
    "euros": Unit.EUR,
    "eur": Unit.EUR,
    "pounds": Unit.GBP,
    "gbp": Unit.GBP,
    "yuan": Unit.CNY,
    "renminbi": Unit.CNY,
    "cny": Unit.CNY,
    "roubles": Unit.RUB,
    "rubles": Unit.RUB,
    "rub": Unit.RUB,
    "yen": Unit.JPY,
    "jpy": Unit.JPY,
    "times": Unit.MULTIPLE,
    "fold": Unit.MULTIPLE,
    "×": Unit.MULTIPLE,
    "x": Unit.MULTIPLE,
    "years": Unit.YEARS,
    "year": Unit.YEARS,
    "months": Unit.MONTHS,
    "month": Unit.MONTHS,
    "days": Unit.DAYS,
    "day": Unit.DAYS,
    **dict.fromkeys(
        ("people", "persons", "person", "individuals", "inhabitants", "residents", "troops", "soldiers",
         "servicemen", "personnel"),
        Unit.PEOPLE,
    ),
    **dict.fromkeys(
        ("aircraft", "planes", "tanks", "ships", "warships", "submarines", "missiles", "drones"), Unit.COUNT
    ),
    **dict.fromkeys(("tonnes", "tonne", "metric tons", "metric ton"), Unit.TONNES),
    **dict.fromkeys(
        ("barrels per day", "barrels a day", "barrels/day", "barrel/day", "bpd", "b/d", "bbl/d"), Unit.BARRELS_PER_DAY
    ),
    **dict.fromkeys(("barrels", "barrel", "bbl"), Unit.BARRELS),
    **dict.fromkeys(
        ("square kilometres", "square kilometers", "square kilometre", "square kilometer", "sq km", "km²", "km2"),
        Unit.SQUARE_KILOMETRES,
    ),
    **dict.fromkeys(("kilometres", "kilometers", "kilometre", "kilometer", "km"), Unit.KILOMETRES),
    **dict.fromkeys(("hectares", "hectare", "ha"), Unit.HECTARES),
}  # fmt: skip
# Words that look like a unit but would be a guess: the parser refuses them with this advice.
UNIT_WORD_HINTS: dict[str, str] = dict.fromkeys(
    ("tons", "ton"), 'tons may be metric tonnes or short (US) tons: write "tonnes" for metric tons'
)
# What a `unit` field may say: a word, a currency symbol, or the unit's value in any case (which wins: "year").
UNIT_ALIASES: dict[str, str] = UNIT_WORDS | CURRENCY_SYMBOLS | {unit.lower(): unit for unit in Unit.values}


# Moves of the verification workflow: status -> the statuses it may go to. claims.services.claim_transition
# is the only code that changes a claim's status, and it consults this table.
VERDICTS = (Status.VERIFIED, Status.FALSE, Status.MISLEADING, Status.UNVERIFIABLE)
ALLOWED_TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.UNVERIFIED: (Status.IN_REVIEW,),
    Status.IN_REVIEW: (*VERDICTS, Status.UNVERIFIED),
    **{verdict: (Status.IN_REVIEW,) for verdict in VERDICTS},
}
# Verdicts that must rest on evidence that supports or contradicts the claim, with an excerpt.
NEEDS_EVIDENCE = (Status.VERIFIED, Status.FALSE, Status.MISLEADING)
# The relations that judge a claim: with an excerpt they can carry a verdict (claims.services.workflow), and they
# can't come from a source the claim appears in (claims.services.circular). Plain strings, compared for every
# imported evidence link.
DECISIVE_RELATIONS = frozenset({str(EvidenceRelation.SUPPORTS), str(EvidenceRelation.CONTRADICTS)})

# The colour of each status wherever one is shown, and of the "withdrawn" mark beside it: the admin's badges in the
# claim list and on the claim page (claims/templatetags/claim_status.py), which draw every badge from this table.
STATUS_COLOURS: dict[str, str] = {
    Status.UNVERIFIED: "#6b7280",
    Status.IN_REVIEW: "#b45309",
    Status.VERIFIED: "#15803d",
    Status.FALSE: "#b91c1c",
    Status.MISLEADING: "#c2410c",
    Status.UNVERIFIABLE: "#4b5563",
}
WITHDRAWN_COLOUR = "#b91c1c"

# The numeric rating published in ClaimReview (reviewRating.ratingValue), worst 1 to best 5, and the textual
# rating a verdict gets unless the fact-checker writes another.
RATING_WORST, RATING_BEST = 1, 5
RATING_SCALE = {1: "False", 2: "Mostly false", 3: "Half true", 4: "Mostly true", 5: "True"}
# The scale in words, for help texts: "1 = False, 2 = Mostly false, …, 5 = True".
RATING_SCALE_WORDS = ", ".join(f"{value} = {words}" for value, words in RATING_SCALE.items())
DEFAULT_RATINGS: dict[str, tuple[str, int | None]] = {
    Status.VERIFIED: ("True", 5),
    Status.MISLEADING: ("Misleading", 2),
    Status.FALSE: ("False", 1),
    Status.UNVERIFIABLE: ("Unverifiable", None),
}


def textual_rating_of(status: str, textual_rating: str) -> str:
    """The verdict in words as readers see it: the fact-checker's own rating, else the verdict's default rating
    (DEFAULT_RATINGS); "" for a claim without a verdict. ClaimReview's alternateName and claims:search's
    textualRating both show this."""
    default = DEFAULT_RATINGS.get(status)
    if default is None:
        return ""
    return textual_rating.strip() or default[0]


# What a standing verdict rests on: while a claim has one of VERDICTS, these claim fields (and its appearances'
# quotes) may not change through any door; reopen the claim (back to in review) first. claims.services owns the
# rule (verdict_lock_problem); the admin, the API and the importer call it.
VERDICT_BASIS_FIELDS = (
    "subject",
    "claim_type",
    "value",
    "unit",
    "qualifier",
    "lower_bound",
    "upper_bound",
    "period",
    "period_start",
    "period_end",
    "period_precision",
    "period_as_of",
    "period_approximate",
    "verdict_note",
    "textual_rating",
    "rating_value",
)
APPEARANCE_BASIS_FIELDS = ("quote", "source", "source_id", "start_offset", "end_offset")
# The evidence a verdict rests on (supports or contradicts, with an excerpt) may gain company but not change.
EVIDENCE_BASIS_FIELDS = ("source", "source_id", "relation", "excerpt", "source_value", "claim", "claim_id")
