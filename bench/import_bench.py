#!/usr/bin/env python
"""Benchmark: `manage.py import_claims` against `manage.py loaddata` on the same synthetic records, on PostgreSQL.

    .venv/bin/python bench/import_bench.py --claims 100000
    .venv/bin/python bench/import_bench.py --claims 100000 --loaddata-claims 20000
    .venv/bin/python bench/import_bench.py --memory-sweep 100000,1000000

Never run by the test suite. It DROPS and re-creates the database named in --database-url (default
factcheck_bench) several times, and refuses a database whose name doesn't contain "bench" unless --force-drop.

What it does (see bench/README.md):
1. Generates N claims in the import format (JSON or JSONL), streamed to --workdir, deterministic for a --seed;
   and the same records as a Django fixture with explicit pks and the values the importer stores.
2. For each side: drop/create the database, migrate, then time the command in a child process and measure
   the child's peak RSS; count the rows afterwards (OK / MISMATCH) and compare a content fingerprint of both
   databases (every stored field except ids and timestamps).
3. Prints a table and the import / loaddata speed ratio.

Generated files are cached in --workdir (bench/out/ is git-ignored) and reused when seed, size and generator
version match.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The fixture must hold exactly what the importer stores, so keys, URLs, dates and periods are derived by the
# project's own functions, imported by load_project() from the very tree being measured.
slugify = derived_source_key = parse_period = parse_partial_date = normalize_url = None
WORKFLOW = None  # the verification workflow's effect on a claim, when the project has one


class Workflow:
    """What the importer leaves on a claim whose record asks for a status: older trees create the claim
    unverified, then claim_transition() moves it step by step (writers.status_path), each step raising `version`,
    or the bulk door moves it once (version 2); newer ones insert it with its status (version 1: every generated
    verdict has its decisive evidence nested). A verdict gets the default textual and numeric rating, a review
    time, no reviewer (the command's actor is the system) and the note as its explanation."""

    def __init__(self, status_path, verdicts, default_ratings, claim_fields, *, one_move: bool, at_insert=False):
        self.status_path, self.verdicts, self.default_ratings = status_path, verdicts, default_ratings
        self.claim_fields = claim_fields
        self.one_move = one_move  # the bulk door (services.claims_move_for_import) saves each claim once
        self.at_insert = at_insert  # services.statuses_of_imported_claims: the status is given on insert
        # fixtures differ with it: part of their file names
        self.tag = "wf0" if at_insert else "wf1" if one_move else "wfsteps"

    def outcome(self, status: str, note: str) -> dict:
        moves = 0 if self.at_insert else 1 if self.one_move else len(self.status_path("unverified", status))
        fields = {"version": 1 + moves}
        if status in self.verdicts:
            text, value = self.default_ratings[status]
            fields |= {
                "textual_rating": text,
                "rating_value": value,
                "reviewed_at": FIXED_TIMESTAMP,
                "verdict_note": note.strip(),
            }
        return {name: value for name, value in fields.items() if name in self.claim_fields}


def load_project(project: Path) -> None:
    """Import the project's helpers from `project` (importing claims.importers loads models, hence
    django.setup(); no database is touched)."""
    global slugify, derived_source_key, parse_period, parse_partial_date, normalize_url, WORKFLOW
    sys.path.insert(0, str(project))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings.local")
    import django

    django.setup()
    from django.utils.text import slugify

    from claims.importers.keys import derived_source_key
    from claims.periods import parse_period
    from sources.partial_dates import parse_partial_date
    from sources.urlnorm import normalize_url

    try:
        from claims import services
        from claims.choices import DEFAULT_RATINGS, VERDICTS
        from claims.models import Claim
    except ImportError:  # a tree from before the verification workflow: statuses are stored as given
        return

    try:
        from claims.services import status_path  # the workflow's own path rule, in the tree being measured
    except ImportError:  # an older tree that had it only inside its importer
        from claims.importers.writers import status_path

    WORKFLOW = Workflow(
        status_path,
        {str(v) for v in VERDICTS},
        {str(k): v for k, v in DEFAULT_RATINGS.items()},
        {f.name for f in Claim._meta.concrete_fields},
        one_move=hasattr(services, "claims_move_for_import"),
        at_insert=hasattr(services, "statuses_of_imported_claims"),
    )


GENERATOR_VERSION = 1
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/factcheck_bench"
FIXED_TIMESTAMP = "2025-01-01T00:00:00Z"  # loaddata saves raw: auto_now / auto_now_add are not applied
N_PUBLISHERS = 200
N_SOURCES = 5000

# --- vocabulary ----------------------------------------------------------------------------------------------
COUNTRIES = [
    "China",
    "Russia",
    "United States",
    "India",
    "Japan",
    "Germany",
    "France",
    "United Kingdom",
    "Brazil",
    "Turkey",
    "Iran",
    "Saudi Arabia",
    "Ukraine",
    "Poland",
    "Kazakhstan",
    "South Korea",
    "North Korea",
    "Vietnam",
    "Indonesia",
    "Pakistan",
    "Egypt",
    "Nigeria",
    "South Africa",
    "Mexico",
    "Canada",
    "Australia",
    "Italy",
    "Spain",
    "Israel",
    "Belarus",
    "Georgia",
    "Armenia",
    "Azerbaijan",
    "Mongolia",
    "Taiwan",
    "Philippines",
    "Thailand",
    "Malaysia",
    "Argentina",
    "Chile",
    "Norway",
    "Sweden",
    "Finland",
    "Estonia",
    "Latvia",
    "Lithuania",
    "Romania",
    "Hungary",
    "Serbia",
    "Greece",
    "Qatar",
    "United Arab Emirates",
    "Iraq",
    "Syria",
    "Ethiopia",
    "Kenya",
    "Algeria",
    "Venezuela",
    "Cuba",
    "Uzbekistan",
]
BLOCS = ["the EU", "NATO", "ASEAN", "the G7", "BRICS", "the SCO", "the African Union", "OPEC"]
USD_TOPICS = [
    ("bilateral trade", "trade"),
    ("defence spending", "budget"),
    ("GDP", "economy"),
    ("oil exports", "energy"),
    ("gas exports", "energy"),
    ("foreign direct investment", "economy"),
    ("military aid", "security"),
    ("foreign exchange reserves", "economy"),
    ("sovereign debt", "economy"),
    ("arms exports", "security"),
    ("infrastructure loans", "economy"),
    ("sanctions losses", "sanctions"),
    ("reconstruction costs", "war"),
]
COUNT_TOPICS = [
    ("troops deployed", "troops"),
    ("refugees", "refugees"),
    ("population", "people"),
    ("active-duty personnel", "personnel"),
    ("combat aircraft", "aircraft"),
    ("tanks", "tanks"),
    ("students studying abroad", "students"),
    ("registered companies", "companies"),
    ("drone strikes", "strikes"),
    ("nuclear warheads", "warheads"),
    ("journalists detained", "journalists"),
]
PERCENT_TOPICS = [
    "unemployment rate",
    "share of global exports",
    "inflation rate",
    "share of energy imports from Russia",
    "public approval of the government",
    "share of GDP spent on defence",
    "voter turnout",
    "poverty rate",
    "share of trade settled in national currencies",
    "youth unemployment rate",
]
CHANGE_TOPICS = ["GDP growth", "defence budget", "trade volume", "industrial output", "exports", "wheat harvest"]
EVENTS = [
    "joined {bloc}",
    "signed a strategic partnership with {other}",
    "established diplomatic relations with {other}",
    "held its first joint naval exercise with {other}",
    "opened an embassy in {other}",
    "applied to join {bloc}",
    "recognised {other}",
    "suspended its participation in {bloc}",
]
COMPARISONS = [
    "{country}'s economy compared with {other}'s",
    "{country}'s military compared with {other}'s",
    "{country}'s influence in {bloc}",
    "{country}'s dependence on {other}",
]
FIRST_NAMES = [
    "Anna",
    "Oleksandr",
    "Maria",
    "James",
    "Li",
    "Wei",
    "Fatima",
    "Ahmed",
    "Elena",
    "Sergei",
    "Aiko",
    "David",
    "Sofia",
    "Mehmet",
    "Priya",
    "Jonas",
    "Camille",
    "Tomasz",
    "Nadia",
    "Carlos",
    "Ingrid",
    "Kwame",
    "Hana",
    "Pablo",
    "Yuki",
    "Irina",
    "Daniel",
    "Leila",
    "Mikhail",
    "Grace",
]
LAST_NAMES = [
    "Kelly",
    "Danylyuk",
    "Chen",
    "Smith",
    "Petrova",
    "Yilmaz",
    "Kowalski",
    "Nguyen",
    "Okafor",
    "Haddad",
    "Müller",
    "Dubois",
    "Rossi",
    "Tanaka",
    "Kim",
    "Ivanova",
    "Santos",
    "Novak",
    "Berg",
    "Farouk",
    "Singh",
    "O'Brien",
    "Lindqvist",
    "Mensah",
    "García",
    "Sato",
    "Horvat",
    "Kovalenko",
    "Hughes",
    "Abdullah",
]
PLACES = [
    "Northern",
    "Eastern",
    "Atlantic",
    "Pacific",
    "Baltic",
    "Continental",
    "Metropolitan",
    "Global",
    "Central",
    "Caspian",
    "Danube",
    "Alpine",
    "Coastal",
    "Highland",
    "Southern",
    "Western",
    "Arctic",
    "Mediterranean",
    "Eurasian",
    "Levant",
]
NEWS_NOUNS = [
    "Courier",
    "Herald",
    "Ledger",
    "Tribune",
    "Observer",
    "Gazette",
    "Monitor",
    "Chronicle",
    "Dispatch",
    "Post",
    "Review",
    "Times",
    "Sentinel",
    "Record",
]
INSTITUTES = [
    "Institute for {a} Studies",
    "Centre for {a} Policy",
    "Council on {a} Affairs",
    "{a} Policy Forum",
    "Foundation for {a} Research",
]
FIELDS = [
    "Strategic",
    "Security",
    "Economic",
    "International",
    "Energy",
    "Defence",
    "Foreign",
    "Trade",
    "Regional",
    "Development",
]
SECTIONS = [
    "world",
    "politics",
    "economy",
    "business",
    "analysis",
    "opinion",
    "defence",
    "energy",
    "research",
    "publications",
    "news",
    "commentary",
]
TITLE_TEMPLATES = [
    "{country} and {other}: a partnership of convenience?",
    "Why {country}'s {topic} matters for {bloc}",
    "{country} {verb} {topic} amid tensions with {other}",
    "The reverse Kissinger fantasy: {country}, {other} and {bloc}",
    "{topic_cap} in {country}: what the numbers say",
    "How {other} reshaped {country}'s {topic}",
    "{country}'s {topic} {verb} to a record",
    "Annual report on {topic}: {country} {year}",
    "Interview: {name} on {country}, {other} and {bloc}",
    "{bloc} after {year}: {country}'s choices",
]
VERBS = ["boosts", "cuts", "doubles", "expands", "reviews", "freezes", "rethinks", "defends"]
RELATIONS = ["cited", "supports", "contradicts", "context"]
LOCATORS = ["p. {n}", "reference [{n}]", "table {n}", "section {n}", "figure {n}", "para. {n}", "annex {n}"]
TRACKING = ["utm_source=twitter&utm_medium=social", "utm_campaign=newsletter", "fbclid=IwAR{n}", "ref_src=twsrc"]
SOURCE_KINDS = {
    "news": (["news", "opinion", "analysis", "interview"], [70, 15, 10, 5]),
    "institute": (["report", "analysis", "survey", "press_release", "dataset"], [45, 30, 10, 10, 5]),
    "agency": (["news", "press_release", "interview"], [80, 15, 5]),
    "statistics": (["statistics", "dataset", "press_release", "report"], [50, 30, 10, 10]),
    "academic": (["academic", "book", "analysis"], [70, 15, 15]),
}
QUALIFIER_WORDS = {"exact": "", "approximately": "approximately ", "over": "more than ", "under": "less than "}
STATUSES = ["unverified", "in_review", "verified", "false", "misleading", "unverifiable"]


def _weighted(rng: random.Random, items, weights):
    return rng.choices(items, weights)[0]


def _skewed(rng: random.Random, n: int) -> int:
    """An index in 0..n-1, low indices far more often (a few outlets and documents are cited a lot)."""
    return int(n * rng.random() ** 2.2)


def _date(rng: random.Random, first: int, last: int) -> dt.date:
    return dt.date(rng.randint(first, last), rng.randint(1, 12), rng.randint(1, 28))


# --- publishers and sources (small: held in memory) ------------------------------------------------------------
@dataclass
class Publisher:
    pk: int
    name: str
    website: str
    domain: str
    kind: str

    def import_record(self) -> dict:
        return {"name": self.name, "website": self.website}

    def fixture_fields(self) -> dict:
        return {
            "name": self.name,
            "website": self.website,
            "created_at": FIXED_TIMESTAMP,
            "updated_at": FIXED_TIMESTAMP,
        }


@dataclass
class Source:
    pk: int
    title: str
    publisher: Publisher
    authors: list[str]
    published: str | None
    kind: str
    url: str
    accessed: str | None
    archive_url: str | None
    normalized_url: str = ""
    clean_url: str = ""  # the URL without decorations, for references written differently

    def import_record(self) -> dict:
        return {
            "title": self.title,
            "publisher": self.publisher.name,
            "authors": self.authors,
            "published": self.published,
            "kind": self.kind,
            "url": self.url,
            "accessed": self.accessed,
            "archive_url": self.archive_url,
        }

    def fixture_fields(self) -> dict:
        if self.published:
            published_on, precision = parse_partial_date(self.published)
            published = published_on.isoformat()
        else:
            published, precision = None, ""
        return {
            "key": derived_source_key(self.normalized_url, self.publisher.name, self.title),
            "title": self.title,
            "publisher": self.publisher.pk,
            "authors": self.authors,
            "published_on": published,
            "published_precision": precision,
            "kind": self.kind,
            "url": self.url,
            "normalized_url": self.normalized_url,
            "accessed_on": self.accessed,
            "archive_url": self.archive_url or "",
            "text": "",
            "created_at": FIXED_TIMESTAMP,
            "updated_at": FIXED_TIMESTAMP,
        }


def make_publishers(rng: random.Random) -> list[Publisher]:
    candidates: list[tuple[str, str]] = []
    for place in PLACES:
        for noun in NEWS_NOUNS:
            candidates.append((f"The {place} {noun}", "news"))
        candidates.append((f"{place} News Agency", "agency"))
        candidates.append((f"{place} University Press", "academic"))
        for template in INSTITUTES:
            candidates.append((template.format(a=place), "institute"))
    for country in COUNTRIES:
        candidates.append((f"{country} Statistics Office", "statistics"))
        candidates.append((f"{country} Ministry of Foreign Affairs", "agency"))
    for field_name in FIELDS:
        for template in INSTITUTES:
            candidates.append((template.format(a=field_name), "institute"))
    candidates = sorted(set(candidates))
    rng.shuffle(candidates)
    publishers, domains = [], set()
    for name, kind in candidates[:N_PUBLISHERS]:
        words = [w for w in slugify(name).split("-") if w not in ("the", "for", "on", "of")]
        domain = "".join(words) if len("".join(words)) <= 24 else "".join(w[0] for w in words) + words[-1]
        if domain in domains:
            domain += str(len(domains))
        domains.add(domain)
        tld = rng.choice([".com", ".org", ".net", ".co.uk", ".eu", ".info"])
        website = f"https://www.{domain}{tld}/"
        publishers.append(Publisher(len(publishers) + 1, name, website, f"www.{domain}{tld}", kind))
    return publishers


def _fill(rng: random.Random, template: str, **extra) -> str:
    country, other = rng.sample(COUNTRIES, 2)
    topic = rng.choice(USD_TOPICS + COUNT_TOPICS)[0]
    values = {
        "country": country,
        "other": other,
        "bloc": rng.choice(BLOCS),
        "topic": topic,
        "topic_cap": topic.capitalize(),
        "verb": rng.choice(VERBS),
        "year": rng.randint(2010, 2025),
        "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
    }
    values.update(extra)
    text = template.format(**values)
    return text[0].upper() + text[1:]


def make_sources(rng: random.Random, publishers: list[Publisher]) -> list[Source]:
    sources = []
    for index in range(N_SOURCES):
        publisher = publishers[_skewed(rng, len(publishers))]
        title = _fill(rng, rng.choice(TITLE_TEMPLATES))
        kinds, weights = SOURCE_KINDS[publisher.kind]
        kind = _weighted(rng, kinds, weights)
        day = _date(rng, 2008, 2025)
        precision = _weighted(rng, ["day", "month", "year", None], [80, 9, 7, 4])
        published = {"day": day.isoformat(), "month": day.isoformat()[:7], "year": str(day.year), None: None}[precision]
        authors = [
            f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            for _ in range(_weighted(rng, [0, 1, 2, 3], [20, 55, 18, 7]))
        ]
        path = f"/{rng.choice(SECTIONS)}/{day.year}/{day.month:02d}/{slugify(title)[:80]}-{index + 1}"
        clean = f"https://{publisher.domain}{path}"
        url = clean
        roll = rng.random()
        if roll < 0.12:  # shared from social media: tracking parameters the normaliser drops
            url = f"{clean}?{rng.choice(TRACKING).format(n=rng.randint(1000, 99999))}"
        elif roll < 0.17:
            url = f"{clean}/"
        elif roll < 0.20:
            url = f"https://{publisher.domain.upper()}{path}"
        elif roll < 0.25:  # a real query, kept (sorted) by the normaliser
            url = f"{clean}?page={rng.randint(1, 9)}&id={rng.randint(100, 99999)}"
            clean = url
        accessed = None
        if rng.random() < 0.3:
            accessed = (day + dt.timedelta(days=rng.randint(0, 900))).isoformat()
        archive = None
        if rng.random() < 0.1:
            archive = f"https://web.archive.org/web/{day:%Y%m%d}120000/{clean}"
        source = Source(index + 1, title, publisher, authors, published, kind, url, accessed, archive)
        source.normalized_url = normalize_url(url)
        source.clean_url = clean
        sources.append(source)
    return sources


# --- claims (streamed) ------------------------------------------------------------------------------------------
def _period(rng: random.Random, *, event: dt.date | None = None) -> str:
    if event is not None:
        return _weighted(rng, [event.isoformat(), event.isoformat()[:7], str(event.year)], [60, 25, 15])
    year = rng.randint(1995, 2025)
    kind = _weighted(
        rng,
        ["year", "month", "day", "range", "since", "until", "decade", "as_of", "as_of_day", "none"],
        [40, 10, 4, 12, 5, 3, 3, 10, 5, 8],
    )
    if kind == "year":
        return str(year)
    if kind == "month":
        return f"{year}-{rng.randint(1, 12):02d}"
    if kind == "day":
        return _date(rng, year, year).isoformat()
    if kind == "range":
        return f"{year - rng.randint(1, 15)}/{year}"
    if kind == "since":
        return f"{year}/"
    if kind == "until":
        return f"/{year}"
    if kind == "decade":
        return f"{rng.randint(195, 201)}0s"
    if kind == "as_of":
        return f"as of {year}"
    if kind == "as_of_day":
        return f"as of {_date(rng, year, year).isoformat()}"
    return ""


def _period_words(period: str) -> str:
    if not period:
        return ""
    if period.startswith("as of"):
        return f" {period}"
    if period.endswith("s"):
        return f" in the {period}"
    if period.endswith("/"):
        return f" since {period[:-1]}"
    if period.startswith("/"):
        return f" until {period[1:]}"
    if "/" in period:
        left, right = period.split("/")
        return f" between {left} and {right}"
    return f" in {period}"


def _money_words(value: Decimal, unit: str) -> str:
    symbol = {"USD": "$", "EUR": "€", "GBP": "£"}.get(unit, "")
    suffix = {"CNY": " yuan"}.get(unit, "")
    if value >= 10**12:
        return f"{symbol}{(value / 10**12).normalize():f} trillion{suffix}"
    return f"{symbol}{(value / 10**9).normalize():f} billion{suffix}"


class ClaimMaker:
    """Claims one at a time; the i-th claim depends only on the seed and the previous claims (so the fixture
    subset of the first M claims is exactly the first M claims of the import file)."""

    def __init__(self, rng: random.Random, sources: list[Source]):
        self.rng = rng
        self.sources = sources

    def _source(self, avoid=()) -> Source:
        while True:
            source = self.sources[_skewed(self.rng, len(self.sources))]
            if source.pk not in avoid:
                return source

    def _ref(self, source: Source) -> str:
        """A source reference by URL: mostly as stored, sometimes written another way that normalises the same."""
        roll = self.rng.random()
        if roll < 0.85:
            return source.url
        if roll < 0.95:
            joiner = "&" if "?" in source.clean_url else "?"
            return f"{source.clean_url}{joiner}utm_source=factcheck&utm_medium=email"
        return f"{source.clean_url}#comments"

    def figure(self) -> dict:
        """subject, claim_type, value, unit, qualifier, lower, upper, period and the quote's wording."""
        rng = self.rng
        country, other = rng.sample(COUNTRIES, 2)
        profile = _weighted(
            rng,
            ["money", "count", "percent", "change", "event", "range", "comparison", "multiple"],
            [34, 20, 16, 8, 8, 6, 5, 3],
        )
        qualifier = _weighted(rng, ["exact", "approximately", "over", "under"], [40, 35, 15, 10])
        c = {"qualifier": qualifier, "lower": None, "upper": None}
        if profile in ("money", "range"):
            topic, _ = rng.choice(USD_TOPICS)
            subject = f"{country}–{other} {topic}" if topic == "bilateral trade" else f"{country} {topic}"
            unit = _weighted(rng, ["USD", "EUR", "GBP", "CNY"], [80, 10, 5, 5])
            # log-uniform from 0.5 billion to 3 trillion, to three significant digits ("$245 billion")
            value = Decimal(f"{10 ** rng.uniform(8.7, 12.48):.3g}").quantize(Decimal(1))
            if profile == "range":
                c["lower"] = str(value * Decimal("0.8"))
                c["upper"] = str(value * Decimal("1.25"))
                c["qualifier"] = qualifier = "approximately"
            words = f"{QUALIFIER_WORDS[qualifier]}{_money_words(value, unit)}"
            c |= {
                "subject": subject,
                "claim_type": _weighted(rng, ["current_value", "prediction"], [90, 10]),
                "value": str(value),
                "unit": unit,
                "period": _period(rng),
            }
            c["quote"] = f"{subject} reached {words}{_period_words(c['period'])}, according to officials."
        elif profile == "count":
            topic, noun = rng.choice(COUNT_TOPICS)
            value = rng.choice([rng.randint(3, 999), rng.randint(1, 999) * 1000, rng.randint(1, 300) * 10**6])
            c |= {
                "subject": f"{country} {topic}",
                "claim_type": "current_value",
                "value": str(value),
                "unit": "count",
                "period": _period(rng),
            }
            c["quote"] = (
                f"{country} has {QUALIFIER_WORDS[qualifier]}{value:,} {noun}"
                f"{_period_words(c['period'])}, the report says."
            )
        elif profile == "percent":
            value = Decimal(rng.randint(0, 1000)) / 10
            topic = rng.choice(PERCENT_TOPICS)
            c |= {
                "subject": f"{country} {topic}",
                "claim_type": "current_value",
                "value": str(value),
                "unit": "percent",
                "period": _period(rng),
            }
            c["quote"] = (
                f"{country}'s {topic} stood at {QUALIFIER_WORDS[qualifier]}{value}%{_period_words(c['period'])}."
            )
        elif profile == "change":
            value = Decimal(rng.randint(-150, 250)) / 10
            topic = rng.choice(CHANGE_TOPICS)
            c |= {
                "subject": f"{country} {topic}",
                "claim_type": "change",
                "value": str(value),
                "unit": _weighted(rng, ["percent", "percentage_points"], [70, 30]),
                "period": _period(rng),
            }
            c["quote"] = f"{country}'s {topic} changed by {value} percent{_period_words(c['period'])}."
        elif profile == "event":
            event_day = _date(rng, 1949, 2025)
            bloc = rng.choice(BLOCS)
            what = rng.choice(EVENTS).format(bloc=bloc, other=other)
            c |= {
                "subject": f"Year {country} {what}",
                "claim_type": "event_date",
                "value": str(event_day.year),
                "unit": "year",
                "qualifier": "exact",
                "period": _period(rng, event=event_day),
            }
            c["quote"] = f"{country} {what} in {event_day:%B} {event_day.year}."
        elif profile == "multiple":
            value = rng.choice([Decimal(2), Decimal(3), Decimal("1.5"), Decimal(10)])
            topic = rng.choice(CHANGE_TOPICS)
            c |= {
                "subject": f"{country} {topic}",
                "claim_type": "change",
                "value": str(value),
                "unit": "multiple",
                "period": f"{rng.randint(2000, 2015)}/{rng.randint(2016, 2025)}",
            }
            c["quote"] = f"{country}'s {topic} grew {value}-fold{_period_words(c['period'])}."
        else:
            subject = rng.choice(COMPARISONS).format(country=country, other=other, bloc=rng.choice(BLOCS))
            c |= {
                "subject": subject[0].upper() + subject[1:],
                "claim_type": "comparison",
                "value": None,
                "unit": "",
                "qualifier": "exact",
                "period": _period(rng),
            }
            c["quote"] = f"{subject[0].upper() + subject[1:]} is comparable, in size, to that of a mid-sized power."
        return c

    def claim(self, index: int) -> tuple[dict, dict, dict, list[dict]]:
        """(import record, claim fixture fields, appearance fixture fields, [evidence fixture fields])."""
        rng = self.rng
        f = self.figure()
        key = f"bench-{index:07d}-{slugify(f['subject'])[:60]}"
        record = {"key": key, "subject": f["subject"], "claim_type": f["claim_type"], "value": f["value"]}
        if f["unit"]:
            record["unit"] = f["unit"]
        if f["qualifier"] != "exact" or rng.random() < 0.5:
            record["qualifier"] = f["qualifier"]
        if f["lower"] is not None:
            record["lower"], record["upper"] = f["lower"], f["upper"]
        record["period"] = f["period"] or None
        status = _weighted(rng, STATUSES, [55, 10, 20, 6, 6, 3])
        if status != "unverified" or rng.random() < 0.3:
            record["status"] = status
        note = ""
        if status == "unverifiable" or status in ("verified", "false", "misleading") and rng.random() < 0.6:
            # the workflow wants a note for "unverifiable" (and it is the verdict's explanation for the others)
            note = f"Checked against the {rng.choice(PLACES)} statistics release; the figure is {status}."
            record["verdict_note"] = note
        # the workflow wants a verdict to rest on evidence that supports or contradicts, with an excerpt
        needs_evidence = status in ("verified", "false", "misleading")

        appearance_source = self._source()
        appearance = {"source": self._ref(appearance_source), "quote": f["quote"]}
        claimant = stated = None
        if rng.random() < 0.1:
            claimant = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}, spokesperson"
            appearance["claimant"] = claimant
        if rng.random() < 0.1:
            stated = _date(rng, 2010, 2025).isoformat()
            appearance["date"] = stated
        record["appearances"] = [appearance]

        evidence, evidence_fields = [], []
        first = self._source(avoid={appearance_source.pk})
        second = self._source(avoid={appearance_source.pk, first.pk})
        for number, source in enumerate((first, second)):
            relation = _weighted(rng, RELATIONS, [40, 25, 15, 20])
            if needs_evidence and number == 0:
                relation = "contradicts" if status == "false" else "supports"
            item = {"source": self._ref(source), "relation": relation}
            excerpt = locator = ""
            source_value = None
            if rng.random() < 0.5 or needs_evidence and number == 0:
                excerpt = f"{source.title}: the figure for {f['subject']} is discussed in detail."
                item["excerpt"] = excerpt
            if rng.random() < 0.4:
                locator = rng.choice(LOCATORS).format(n=rng.randint(1, 40))
                item["locator"] = locator
            if f["value"] is not None and rng.random() < 0.4:
                value = Decimal(f["value"])
                if f["unit"] == "year":
                    source_value = str(value + rng.choice([0, 0, 0, 1, -1]))
                else:
                    source_value = str((value * Decimal(rng.randint(900, 1100)) / 1000).quantize(Decimal("0.01")))
                item["source_value"] = source_value
            evidence.append(item)
            evidence_fields.append(
                {
                    "source": source.pk,
                    "relation": relation,
                    "excerpt": excerpt,
                    "locator": locator,
                    "source_value": source_value,
                }
            )
        record["evidence"] = evidence

        period = parse_period(f["period"])
        claim_fields = {
            "key": key,
            "subject": f["subject"],
            "claim_type": f["claim_type"],
            "value": f["value"],
            "unit": f["unit"],
            "qualifier": f["qualifier"],
            "lower_bound": f["lower"],
            "upper_bound": f["upper"],
            "period": period.label,
            "period_start": period.start.isoformat() if period.start else None,
            "period_end": period.end.isoformat() if period.end else None,
            "period_precision": str(period.precision),
            "period_as_of": period.as_of,
            "period_approximate": period.approximate,
            "status": status,
            "verdict_note": note,
            "created_at": FIXED_TIMESTAMP,
            "updated_at": FIXED_TIMESTAMP,
        }
        if WORKFLOW is not None and status != "unverified":
            claim_fields |= WORKFLOW.outcome(status, note)
        appearance_fields = {
            "source": appearance_source.pk,
            "quote": f["quote"],
            "start_offset": None,
            "end_offset": None,
            "claimant": claimant or "",
            "stated_on": stated,
            "created_at": FIXED_TIMESTAMP,
            "updated_at": FIXED_TIMESTAMP,
        }
        for fields in evidence_fields:
            fields |= {"created_at": FIXED_TIMESTAMP, "updated_at": FIXED_TIMESTAMP}
        return record, claim_fields, appearance_fields, evidence_fields


# --- streaming writers ------------------------------------------------------------------------------------------
def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


class ImportWriter:
    """The import file, written record by record: JSON sections (one record a line) or JSONL."""

    def __init__(self, path: Path, fmt: str):
        self.file = open(path, "w", encoding="utf-8", buffering=1 << 20)  # noqa: SIM115 - closed by close()
        self.fmt = fmt
        self.section: str | None = None
        self.first = True
        if fmt == "json":
            self.file.write('{"format":"factcheck-import/1"')

    def write(self, section: str, kind: str, record: dict) -> None:
        if self.fmt == "jsonl":
            self.file.write(_dumps({"type": kind} | record))
            self.file.write("\n")
            return
        if section != self.section:
            if self.section is not None:
                self.file.write("\n]")
            self.file.write(f',\n"{section}":[\n')
            self.section, self.first = section, True
        if not self.first:
            self.file.write(",\n")
        self.first = False
        self.file.write(_dumps(record))

    def close(self) -> None:
        if self.fmt == "json":
            self.file.write("\n]}\n" if self.section else "}\n")
        self.file.close()


class FixtureWriter:
    """A Django fixture (`[{"model": …, "pk": …, "fields": {…}}, …]`), written object by object."""

    def __init__(self, path: Path):
        self.file = open(path, "w", encoding="utf-8", buffering=1 << 20)  # noqa: SIM115 - closed by close()
        self.file.write("[")
        self.first = True

    def write(self, model: str, pk: int, fields: dict) -> None:
        self.file.write("\n" if self.first else ",\n")
        self.first = False
        self.file.write(_dumps({"model": model, "pk": pk, "fields": fields}))

    def close(self) -> None:
        self.file.write("\n]\n")
        self.file.close()


class Discard:
    """Stands for a file that exists already: the records are generated (the next ones depend on them) but
    not written again."""

    def write(self, *args) -> None:
        pass

    def close(self) -> None:
        pass


@dataclass
class Dataset:
    claims: int
    import_file: Path
    fixture: Path | None  # everything, for a full loaddata
    base_fixture: Path | None  # publishers and sources only, and
    subset_fixture: Path | None  # the first M claims only: for a loaddata of M claims, extrapolated to N
    subset_claims: int | None
    counts: dict[str, int] = field(default_factory=dict)


def expected_counts(n_claims: int) -> dict[str, int]:
    return {
        "publishers": N_PUBLISHERS,
        "sources": N_SOURCES,
        "claims": n_claims,
        "appearances": n_claims,
        "evidence": 2 * n_claims,
    }


def generate(workdir: Path, n_claims: int, seed: int, fmt: str, *, fixture: bool, subset: int | None) -> Dataset:
    """Write the import file (and the fixtures asked for) unless an identical generation is cached.

    Everything is streamed: one claim is generated, written to every file that wants it and forgotten. Files are
    written under a .partial name and renamed when complete, so an existing file is a complete one.
    """
    version = f"seed{seed}-v{GENERATOR_VERSION}"
    stored = f"{version}-{WORKFLOW.tag if WORKFLOW else 'nowf'}"  # what the importer stores depends on the tree
    dataset = Dataset(
        claims=n_claims,
        import_file=workdir / f"claims-{n_claims}-{version}.{fmt}",
        fixture=workdir / f"claims-{n_claims}-{stored}.fixture.json" if fixture else None,
        base_fixture=workdir / f"base-{stored}.fixture.json" if subset else None,
        subset_fixture=workdir / f"claims-only-{subset}-{stored}.fixture.json" if subset else None,
        subset_claims=subset,
        counts=expected_counts(n_claims),
    )
    wanted = [p for p in (dataset.import_file, dataset.fixture, dataset.base_fixture, dataset.subset_fixture) if p]
    if all(p.exists() for p in wanted):
        print(f"  reusing {', '.join(p.name for p in wanted)}")
        return dataset
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    rng = random.Random(seed)
    publishers = make_publishers(rng)
    sources = make_sources(rng, publishers)
    maker = ClaimMaker(rng, sources)
    partial = {p: p.with_name(p.name + ".partial") for p in wanted if not p.exists()}  # only what is missing
    importer = ImportWriter(partial[dataset.import_file], fmt) if dataset.import_file in partial else Discard()
    full = FixtureWriter(partial[dataset.fixture]) if dataset.fixture in partial else None
    base = FixtureWriter(partial[dataset.base_fixture]) if dataset.base_fixture in partial else None
    part = FixtureWriter(partial[dataset.subset_fixture]) if dataset.subset_fixture in partial else None
    for publisher in publishers:
        importer.write("publishers", "publisher", publisher.import_record())
        for writer in (full, base):
            if writer:
                writer.write("sources.publisher", publisher.pk, publisher.fixture_fields())
    for source in sources:
        importer.write("sources", "source", source.import_record())
        for writer in (full, base):
            if writer:
                writer.write("sources.source", source.pk, source.fixture_fields())
    evidence_pk = 0
    for index in range(1, n_claims + 1):
        record, claim_fields, appearance_fields, evidence_fields = maker.claim(index)
        importer.write("claims", "claim", record)
        targets = [w for w in (full, part if subset and index <= subset else None) if w]
        for writer in targets:
            writer.write("claims.claim", index, claim_fields)
            writer.write("claims.appearance", index, appearance_fields | {"claim": index})
            for offset, fields in enumerate(evidence_fields, start=1):
                writer.write("claims.evidence", evidence_pk + offset, fields | {"claim": index})
        evidence_pk += len(evidence_fields)
        if index % 100_000 == 0:
            print(f"  generated {index:,} claims ({time.perf_counter() - started:.0f} s)", flush=True)
    for writer in (importer, full, base, part):
        if writer:
            writer.close()
    for final, temporary in partial.items():
        temporary.replace(final)
    print(
        f"  generated {n_claims:,} claims in {time.perf_counter() - started:.1f} s: "
        + ", ".join(f"{p.name} ({_mb(p.stat().st_size)})" for p in partial)
    )
    return dataset


# --- running and measuring children ---------------------------------------------------------------------------
@dataclass
class Run:
    seconds: float
    peak_rss_mb: float
    returncode: int
    log: Path


def run_child(argv: list[str], env: dict, log: Path, cwd: Path) -> Run:
    """Run one command and measure its wall time and its own peak RSS.

    Peak memory comes from os.wait4(): the kernel hands back the rusage of exactly that child when it is reaped
    (its own ru_maxrss). getrusage(RUSAGE_CHILDREN) would be wrong here: its ru_maxrss is the maximum over *all*
    children reaped so far (migrate, the previous import, …), so a before/after delta says nothing once an
    earlier child was bigger. wait4 needs neither /usr/bin/time (absent on some machines; its report mixes with
    the command's output) nor a launcher that must survive sys.exit() and atexit ordering. Only the direct child
    is measured (manage.py starts no processes of its own); the PostgreSQL server's memory is not included.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4: keep Popen from waiting again
    scale = 1 / (1 << 20) if sys.platform == "darwin" else 1 / 1024  # bytes on macOS, kilobytes on Linux
    return Run(seconds, usage.ru_maxrss * scale, process.returncode, log)


def _must(run: Run, what: str) -> Run:
    if run.returncode != 0:
        tail = run.log.read_text(errors="replace").splitlines()[-30:]
        sys.exit(f"{what} failed (exit {run.returncode}); last lines of {run.log}:\n" + "\n".join(tail))
    return run


class Database:
    """Drop/create the bench database, migrate it, run manage.py commands against it, count and fingerprint
    its rows (psycopg2 directly, not Django)."""

    TABLES = {
        "publishers": "sources_publisher",
        "sources": "sources_source",
        "claims": "claims_claim",
        "appearances": "claims_appearance",
        "evidence": "claims_evidence",
    }

    def __init__(self, url: str, settings: str, project: Path, logdir: Path, force_drop: bool):
        import dj_database_url

        self.url = url
        self.project = project
        self.logdir = logdir
        self.params = dj_database_url.parse(url)
        if "postgresql" not in self.params["ENGINE"]:
            sys.exit("--database-url must point at PostgreSQL")
        self.name = self.params["NAME"]
        if "bench" not in self.name and not force_drop:
            sys.exit(f"refusing to drop database {self.name!r}: its name doesn't contain 'bench' (use --force-drop)")
        self.env = os.environ | {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": settings, "PYTHONUNBUFFERED": "1"}
        if settings.endswith(".production") and "SECRET_KEY" not in os.environ:
            import secrets

            self.env["SECRET_KEY"] = secrets.token_urlsafe(64)  # a throwaway: production settings demand one

    def manage(self, args: list[str], log: str, *, profile: Path | None = None) -> Run:
        argv = [sys.executable] + (["-m", "cProfile", "-o", str(profile)] if profile else []) + ["manage.py", *args]
        return run_child(argv, self.env, self.logdir / log, self.project)

    def connect(self, dbname: str | None = None):
        import psycopg2

        p = self.params
        conn = psycopg2.connect(
            dbname=dbname or self.name,
            user=p["USER"] or None,
            password=p["PASSWORD"] or None,
            host=p["HOST"] or None,
            port=p["PORT"] or None,
        )
        conn.autocommit = True
        return conn

    def recreate(self) -> float:
        """Drop, create and migrate the database; returns migrate's seconds."""
        from psycopg2 import sql

        conn = self.connect("postgres")
        with conn.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name)))
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))
        conn.close()
        run = _must(self.manage(["migrate", "--no-input", "-v", "0"], "migrate.log"), "migrate")
        self.checkpoint()
        return run.seconds

    def checkpoint(self) -> None:
        """Flush dirty buffers now, so that one run's writes aren't paid for by the next run."""
        conn = self.connect()
        try:
            with conn.cursor() as cur:
                cur.execute("CHECKPOINT")
        except Exception as exc:  # noqa: BLE001 - needs superuser; a benchmark without it is still valid
            print(f"  (CHECKPOINT skipped: {str(exc).strip()})")
        conn.close()

    def counts(self) -> dict[str, int]:
        conn = self.connect()
        with conn.cursor() as cur:
            found = {}
            for kind, table in self.TABLES.items():
                cur.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
                found[kind] = cur.fetchone()[0]
        conn.close()
        return found

    def fingerprint(self) -> dict[str, str]:
        """A digest per table of every stored field except ids and timestamps, joined through natural keys."""
        conn = self.connect()
        with conn.cursor() as cur:
            found = {}
            for kind, query in fingerprint_queries().items():
                cur.execute(query)
                found[kind] = cur.fetchone()[0]
        conn.close()
        return found

    def history_counts(self) -> dict[str, int]:
        """Rows in the audit trail's tables (django-simple-history), when the project keeps one."""
        conn = self.connect()
        with conn.cursor() as cur:
            cur.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                "AND table_name LIKE '%%historical%%' ORDER BY table_name"
            )
            found = {}
            for (table,) in cur.fetchall():
                cur.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - names from the catalogue
                found[table] = cur.fetchone()[0]
        conn.close()
        return found


def fingerprint_queries() -> dict[str, str]:
    """One query per table, built from the measured project's models so that it follows schema changes.

    Every concrete column goes in except the id and created_at / updated_at (the importer stamps the time of
    the run, the fixture a fixed one); other timestamps count only as set or not; a link to a publisher, source
    or claim counts as that record's natural key (the ids differ), any other link as set or not. Rows are
    hashed, and the hashes sorted, so that the order of insertion doesn't matter.
    """
    from django.apps import apps
    from django.db import models

    natural = {("sources", "publisher"): "name", ("sources", "source"): "key", ("claims", "claim"): "key"}
    queries = {}
    for kind, (app, name) in {
        "publishers": ("sources", "publisher"),
        "sources": ("sources", "source"),
        "claims": ("claims", "claim"),
        "appearances": ("claims", "appearance"),
        "evidence": ("claims", "evidence"),
    }.items():
        model = apps.get_model(app, name)
        columns, joins = [], []
        for f in model._meta.concrete_fields:
            if f.primary_key or f.name in ("created_at", "updated_at"):
                continue
            column = f't."{f.column}"'
            if f.is_relation:
                target = (f.related_model._meta.app_label, f.related_model._meta.model_name)
                if target in natural:
                    alias = f"j{len(joins)}"
                    joins.append(f'LEFT JOIN "{f.related_model._meta.db_table}" {alias} ON {alias}.id = {column}')
                    column = f'{alias}."{natural[target]}"'
                else:
                    column = f"({column} IS NULL)"
            elif isinstance(f, models.DateTimeField):
                column = f"({column} IS NULL)"
            columns.append(column)
        queries[kind] = (
            f"SELECT md5(string_agg(h, '' ORDER BY h)) FROM (SELECT md5(ROW({', '.join(columns)})::text) "
            f'AS h FROM "{model._meta.db_table}" t {" ".join(joins)}) rows'
        )
    return queries


def check_counts(db: Database, expected: dict[str, int], label: str) -> bool:
    found = db.counts()
    ok = found == expected
    detail = ", ".join(
        f"{kind} {found[kind]:,}" + ("" if found[kind] == expected[kind] else f" (expected {expected[kind]:,})")
        for kind in expected
    )
    print(f"  row counts after {label}: {'OK' if ok else 'MISMATCH'} — {detail}", flush=True)
    return ok


# --- the benchmark ---------------------------------------------------------------------------------------------
def _mb(size: int) -> str:
    return f"{size / (1 << 20):,.1f} MB"


def time_import(db: Database, dataset: Dataset, profile: Path | None = None) -> tuple[Run, bool]:
    migrate = db.recreate()
    args = ["import_claims", str(dataset.import_file), "--no-progress"]
    print(
        f"  database re-created and migrated ({migrate:.1f} s); running: manage.py {' '.join(args)}"
        + (f" under cProfile -o {profile}" if profile else ""),
        flush=True,
    )
    run = _must(db.manage(args, f"import-{dataset.claims}.log", profile=profile), "import_claims")
    print(f"  import: {run.seconds:.1f} s, peak RSS {run.peak_rss_mb:.0f} MB", flush=True)
    ok = check_counts(db, dataset.counts, "import")
    history = {table: rows for table, rows in db.history_counts().items() if rows}
    if history:
        print(
            "  audit trail rows written by the import as well (loaddata's raw saves write none): "
            + ", ".join(f"{table} {rows:,}" for table, rows in history.items())
        )
    return run, ok


def time_loaddata(db: Database, fixture: Path) -> Run:
    print(f"  running: manage.py loaddata {fixture}", flush=True)
    run = _must(db.manage(["loaddata", str(fixture)], f"loaddata-{fixture.stem}.log"), "loaddata")
    print(f"  loaddata: {run.seconds:.1f} s, peak RSS {run.peak_rss_mb:.0f} MB", flush=True)
    return run


@dataclass
class LoadResult:
    seconds: float  # for all N claims: measured, or extrapolated from the subset
    peak_rss_mb: float
    ok: bool
    measured_claims: int
    detail: str = ""
    same: bool | None = None


def loaddata_side(db: Database, dataset: Dataset, startup: float, import_print: dict | None) -> LoadResult:
    migrate = db.recreate()
    print(f"  database re-created and migrated ({migrate:.1f} s)")
    if dataset.subset_claims is None:
        run = time_loaddata(db, dataset.fixture)
        ok = check_counts(db, dataset.counts, "loaddata")
        load_print = db.fingerprint()
        differing = [kind for kind in load_print if load_print[kind] != import_print[kind]]
        verdict = "SAME" if not differing else "DIFFERENT: " + ", ".join(differing)
        print(f"  content fingerprint, import vs loaddata: {verdict}")
        return LoadResult(run.seconds, run.peak_rss_mb, ok, dataset.claims, same=not differing)
    m, n = dataset.subset_claims, dataset.claims
    base = time_loaddata(db, dataset.base_fixture)
    part = time_loaddata(db, dataset.subset_fixture)
    ok = check_counts(db, expected_counts(m), "loaddata")
    # One loaddata of all N claims would pay start-up once: the publishers and sources as measured, plus the
    # claims part without its start-up, scaled linearly (loaddata saves object by object: its cost is linear).
    per_claim = (part.seconds - startup) / m
    seconds = base.seconds + per_claim * n
    detail = (
        f"EXTRAPOLATED from the first {m:,} claims: loaddata of publishers+sources {base.seconds:.1f} s, "
        f"then of {m:,} claims (with their appearances and evidence) {part.seconds:.1f} s; "
        f"{base.seconds:.1f} + ({part.seconds:.1f} − {startup:.1f} start-up) × {n:,}/{m:,} = {seconds:,.0f} s"
    )
    return LoadResult(seconds, max(base.peak_rss_mb, part.peak_rss_mb), ok, m, detail)


def startup_seconds(db: Database) -> float:
    """What any manage.py command costs before it does anything: interpreter, Django setup, system checks."""
    return min(db.manage(["check"], "check.log").seconds for _ in range(3))


def compare(args, db: Database, workdir: Path) -> None:
    n = args.claims
    subset = args.loaddata_claims if args.loaddata_claims and args.loaddata_claims < n else None
    print(f"Generating {n:,} claims (seed {args.seed}, {args.format}) in {workdir}/", flush=True)
    dataset = generate(
        workdir,
        n,
        args.seed,
        args.format,
        fixture=not args.skip_loaddata and subset is None,
        subset=None if args.skip_loaddata else subset,
    )
    startup = startup_seconds(db)
    print(f"Django start-up (manage.py check): {startup:.2f} s — included in every time below", flush=True)
    print("Import:")
    imported, import_ok = time_import(db, dataset, args.profile)
    loaded = None
    if not args.skip_loaddata:
        import_print = db.fingerprint() if dataset.fixture else None
        print("loaddata:")
        loaded = loaddata_side(db, dataset, startup, import_print)
    print_table(dataset, imported, import_ok, loaded, startup, args)
    if args.profile:
        print_profile(args.profile)


def print_table(
    dataset: Dataset, imported: Run, import_ok: bool, loaded: LoadResult | None, startup: float, args
) -> None:
    c = dataset.counts
    subset = loaded is not None and loaded.measured_claims != dataset.claims
    star = " *" if subset else ""
    rows = [("", "import_claims", "loaddata")]
    for kind in ("claims", "appearances", "evidence", "sources", "publishers"):
        rows.append((kind, f"{c[kind]:,}", f"{c[kind]:,}" if loaded else "—"))
    fixture_size = None
    if loaded:
        fixture_size = (
            dataset.fixture.stat().st_size
            if not subset
            else (dataset.base_fixture.stat().st_size + dataset.subset_fixture.stat().st_size)
        )
    rows.append(
        (
            "file",
            f"{_mb(dataset.import_file.stat().st_size)} ({dataset.import_file.suffix[1:]})",
            (f"{_mb(fixture_size)} (fixture{', subset' if subset else ''})") if loaded else "—",
        )
    )
    rows.append(("seconds", f"{imported.seconds:,.1f}", f"{loaded.seconds:,.1f}{star}" if loaded else "—"))
    import_rate = dataset.claims / imported.seconds
    load_rate = dataset.claims / loaded.seconds if loaded else None
    rows.append(("claims/s", f"{import_rate:,.0f}", f"{load_rate:,.0f}{star}" if loaded else "—"))
    rows.append(
        (
            "peak RSS",
            f"{imported.peak_rss_mb:,.0f} MB",
            f"{loaded.peak_rss_mb:,.0f} MB{' **' if subset else ''}" if loaded else "—",
        )
    )
    rows.append(
        ("row counts", "OK" if import_ok else "MISMATCH", ("OK" if loaded.ok else "MISMATCH") if loaded else "—")
    )
    if loaded and loaded.same is not None:
        rows.append(("same content", "", "SAME" if loaded.same else "DIFFERENT"))
    width = [max(len(row[i]) for row in rows) for i in range(3)]
    print()
    print(f"Results: {dataset.claims:,} claims, seed {args.seed}, {args.settings}, {db_label(args.database_url)}")
    for i, row in enumerate(rows):
        print(f"  {row[0]:<{width[0]}}  {row[1]:>{width[1]}}  {row[2]:>{width[2]}}")
        if i == 0:
            print(f"  {'-' * width[0]}  {'-' * width[1]}  {'-' * width[2]}")
    print(
        f"  (every time includes Django start-up, {startup:.1f} s per command; load average now "
        f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs)"
    )
    if subset:
        print(f"  *  {loaded.detail}")
        print(
            f"  ** peak RSS of the {loaded.measured_claims:,}-claim subset run: loaddata reads the whole fixture "
            "into memory, so at the full size it would be larger"
        )
    if loaded:
        ratio = import_rate / load_rate
        print(
            f"  import / loaddata speed: {ratio:.1f}×  ({'meets' if ratio >= 20 else 'MISSES'} the ≥ 20× target)"
            + ("  [loaddata side extrapolated]" if subset else "")
        )
    if args.profile:
        print(f"  NOTE: the import ran under cProfile ({args.profile}): its time is inflated")


def db_label(url: str) -> str:
    return url.split("@")[-1] if "@" in url else url


def print_profile(path: Path, top: int = 30) -> None:
    import pstats

    for order in ("cumulative", "tottime"):
        print(f"\n--- cProfile of the import, top {top} by {order} ---")
        pstats.Stats(str(path)).strip_dirs().sort_stats(order).print_stats(top)


def memory_sweep(args, db: Database, workdir: Path) -> None:
    sizes = [int(size.strip().replace("_", "")) for size in args.memory_sweep.split(",") if size.strip()]
    results = []
    for n in sizes:
        print(f"Generating {n:,} claims (seed {args.seed}, {args.format}) in {workdir}/", flush=True)
        dataset = generate(workdir, n, args.seed, args.format, fixture=False, subset=None)
        print(f"Import of {n:,} claims:", flush=True)
        run, ok = time_import(db, dataset)
        results.append((dataset, run, ok))
    print()
    print(f"Memory sweep: import_claims only, seed {args.seed}, {args.format}, {args.settings}")
    header = ("claims", "file", "seconds", "claims/s", "peak RSS", "row counts")
    lines = [header] + [
        (
            f"{d.claims:,}",
            _mb(d.import_file.stat().st_size),
            f"{r.seconds:,.1f}",
            f"{d.claims / r.seconds:,.0f}",
            f"{r.peak_rss_mb:,.0f} MB",
            "OK" if ok else "MISMATCH",
        )
        for d, r, ok in results
    ]
    width = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for i, line in enumerate(lines):
        print("  " + "  ".join(f"{cell:>{width[j]}}" for j, cell in enumerate(line)))
        if i == 0:
            print("  " + "  ".join("-" * w for w in width))
    if len(results) > 1:
        first, last = results[0][1].peak_rss_mb, results[-1][1].peak_rss_mb
        growth = (last - first) / first * 100
        print(
            f"  peak RSS from {results[0][0].claims:,} to {results[-1][0].claims:,} claims: {first:,.0f} → "
            f"{last:,.0f} MB ({growth:+.0f} %): {'flat' if abs(growth) <= 15 else 'NOT flat'} (flat = within ±15 %)"
        )


def project_tree(git_ref: str | None, workdir: Path) -> tuple[Path, str]:
    """The source tree whose manage.py is measured: this checkout, or a clean export of a commit."""

    def git(*args) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()

    if git_ref is None:
        try:
            head = git("rev-parse", "--short=12", "HEAD")
            dirty = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench")
        except (OSError, subprocess.CalledProcessError):
            return ROOT, "this checkout"
        return ROOT, f"this checkout (HEAD {head}{', with uncommitted changes' if dirty else ''})"
    sha = git("rev-parse", "--verify", f"{git_ref}^{{commit}}")
    tree = workdir / f"src-{sha[:12]}"
    if not tree.exists():
        partial = tree.with_name(tree.name + ".partial")
        subprocess.run(["rm", "-rf", str(partial)], check=True)
        partial.mkdir(parents=True)
        archive = subprocess.run(["git", "archive", sha], cwd=ROOT, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(partial)], input=archive, check=True)
        partial.replace(tree)
    return tree, f"commit {sha[:12]} ({git_ref}), exported to {tree}"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--claims", type=int, default=100_000, help="claims to generate (default 100000)")
    parser.add_argument("--format", choices=("json", "jsonl"), default="json", help="import file format")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "out", help="default bench/out/")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL, help=f"default {DEFAULT_DATABASE_URL}")
    parser.add_argument(
        "--settings",
        default="factcheck.settings.local",
        help="DJANGO_SETTINGS_MODULE of the commands (default factcheck.settings.local, as "
        "manage.py; factcheck.settings.production gets a throwaway SECRET_KEY)",
    )
    parser.add_argument(
        "--git-ref",
        metavar="REF",
        help="measure this commit (exported with git archive into the workdir) instead of the "
        "working tree, e.g. HEAD while others have uncommitted edits",
    )
    parser.add_argument("--skip-loaddata", action="store_true", help="time the import only")
    parser.add_argument(
        "--loaddata-claims",
        type=int,
        metavar="M",
        help="time loaddata on the first M claims only and extrapolate to --claims",
    )
    parser.add_argument(
        "--memory-sweep",
        metavar="N,N,…",
        help="import only, at each size (e.g. 100000,1000000); prints peak RSS per size",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="FILE",
        help="run the import under cProfile, save the profile to FILE, print the top 30 entries",
    )
    parser.add_argument("--generate-only", action="store_true", help="write the files and stop")
    parser.add_argument(
        "--force-drop", action="store_true", help="allow dropping a database whose name doesn't contain 'bench'"
    )
    args = parser.parse_args(argv)
    workdir = args.workdir.resolve()
    if args.profile:
        args.profile = args.profile.resolve()  # the commands run in the measured tree, not in this directory
    project, described = project_tree(args.git_ref, workdir)
    load_project(project)
    print(
        f"{dt.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} CPUs (load average {os.getloadavg()[0]:.2f}), "
        f"Python {sys.version.split()[0]}; measuring {described}"
    )
    if args.generate_only:
        subset = args.loaddata_claims if args.loaddata_claims and args.loaddata_claims < args.claims else None
        generate(
            workdir,
            args.claims,
            args.seed,
            args.format,
            fixture=not args.skip_loaddata and subset is None,
            subset=None if args.skip_loaddata else subset,
        )
        return
    db = Database(args.database_url, args.settings, project, workdir / "logs", args.force_drop)
    if args.memory_sweep:
        memory_sweep(args, db, workdir)
    else:
        compare(args, db, workdir)


if __name__ == "__main__":
    main()
