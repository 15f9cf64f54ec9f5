"""Record validation: one function per kind turns a raw record (JSON object, CSV row) into clean values.

Validation checks shape and values only; references to other records are resolved by the engine against the
database. Every problem is a FieldError naming the field. Only the fields a record gives are returned, so that
an import updates what it states and leaves the rest alone.
"""

import datetime as dt
import difflib
import re
from collections.abc import Collection, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn

from django.conf import settings

from sources.choices import SourceKind
from sources.partial_dates import InvalidDate, parse_full_date, parse_partial_date
from sources.urlnorm import InvalidURL, normalize_url

from ..choices import QUALIFIER_ALIASES, UNIT_ALIASES, ClaimType, EvidenceRelation, Qualifier, Status, Unit
from ..periods import InvalidPeriod, parse_period, period_fields
from ..quantities import InvalidQuantity, amount_problem, parse_decimal, quantity_problems, read_figure
from .errors import FieldError
from .keys import KEY_PATTERN, MAX_KEY_LENGTH, derived_claim_key

Raw = dict[str, Any]  # a record as the file gives it (a JSON object, a CSV row)
Record = dict[str, Any]  # its clean values, by model field name (and a few the writers resolve)
# A reference to a source: ("key", key), ("url", normalized url) or ("title", publisher name or None, title).
SourceRef = tuple[str | None, ...]

PUBLISHER_FIELDS = ("name", "website")
SOURCE_FIELDS = (
    "key",
    "title",
    "publisher",
    "authors",
    "published",
    "kind",
    "url",
    "accessed",
    "archive_url",
    "text",
    "text_file",
)
CLAIM_FIELDS = (
    "key",
    "subject",
    "claim_type",
    "value",
    "quantity",
    "unit",
    "qualifier",
    "lower",
    "upper",
    "period",
    "status",
    "verdict_note",
    "appearances",
    "evidence",
)
APPEARANCE_FIELDS = ("claim", "source", "quote", "start", "claimant", "date")
EVIDENCE_FIELDS = ("claim", "source", "relation", "excerpt", "locator", "source_value")

# The vocabularies as plain tuples: Django's enum `.values` builds a new list on every access.
UNITS, QUALIFIERS, STATUSES = tuple(Unit.values), tuple(Qualifier.values), tuple(Status.values)
CLAIM_TYPES, RELATIONS, KINDS = tuple(ClaimType.values), tuple(EvidenceRelation.values), tuple(SourceKind.values)
# Members used per record, as plain strings (an enum member's attribute look-up costs, a million times over).
CHANGE, EXACT = str(ClaimType.CHANGE), str(Qualifier.EXACT)
CLAIM_TYPE_ALIASES = {label.lower(): value for value, label in ClaimType.choices}
STATUS_ALIASES = {label.lower(): value for value, label in Status.choices}
KIND_ALIASES = (
    {kind: kind for kind in SourceKind.values}
    | {label.lower(): value for value, label in SourceKind.choices}
    | {
        "news article": SourceKind.NEWS,
        "think-tank report": SourceKind.REPORT,
        "commentary": SourceKind.ANALYSIS,
        "official statistics": SourceKind.STATISTICS,
    }
)


NESTED_RECORDS = ("appearances", "evidence")  # a claim's fields that hold records, validated as records
_SURROGATE = re.compile("[\ud800-\udfff]")


def check_fields(raw: Raw, allowed: tuple[str, ...], *, extra: tuple[str, ...] = ()) -> None:
    """Unknown fields are an error, so that a misspelt name doesn't silently drop data; so is text the database
    can't store, in any field (text_problem)."""
    if not isinstance(raw, dict):
        raise FieldError("", f"must be an object, got {type(raw).__name__}")
    for name in raw:
        if name not in allowed and name not in extra:
            hint = difflib.get_close_matches(name, allowed, n=1)
            suggestion = f" (did you mean '{hint[0]}'?)" if hint else f"; expected one of: {', '.join(allowed)}"
            raise FieldError(_shown_name(name), f"unknown field{suggestion}")
    for name, value in raw.items():
        if name not in NESTED_RECORDS:
            _check_storable(name, value)


def text_problem(text: str) -> str | None:
    """Why PostgreSQL would refuse this text, or None: a NUL character (text columns can't hold one, and the
    driver refuses it in any statement), or half of a UTF-16 surrogate pair (a JSON escape such as \\ud800 that is
    no character, so it has no UTF-8)."""
    nul = text.find("\x00")
    if nul >= 0:
        return f"contains a NUL character (\\u0000) at character {nul + 1:,}, which can't be stored"
    if not text.isascii() and (surrogate := _SURROGATE.search(text)):
        return (
            f"contains \\u{ord(surrogate.group()):04x} at character {surrogate.start() + 1:,}: half of a UTF-16 "
            "surrogate pair, not a character, which can't be stored"
        )
    return None


def _check_storable(field: str, value: object) -> None:
    """Every text in a field's value (in lists and objects too, such as authors or a source reference) must be
    one the database can store: the one check, for every kind and every field."""
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            raise FieldError(field, problem)
    elif isinstance(value, list):
        for item in value:
            _check_storable(field, item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_storable(field, key)
            _check_storable(field, item)


def _shown_name(name: object) -> str:
    """A field name as an error shows it: a long or unstorable one shortened to its repr's start."""
    text = str(name)
    return text if len(text) <= 100 and text_problem(text) is None else _shown(text)


def _shown(value: object, limit: int = 80) -> str:
    """repr() of a value for an error message, cut short: a field can hold megabytes."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def _text(raw: Raw, field: str, *, required: bool = False, max_length: int | None = None) -> str:
    value = raw.get(field)
    if value is None:
        if required:
            raise FieldError(field, "is required")
        return ""
    if not isinstance(value, str):
        raise FieldError(field, f"must be text, got {type(value).__name__}")
    value = value.strip()
    if required and not value:
        raise FieldError(field, "must not be empty")
    if max_length and len(value) > max_length:
        raise FieldError(field, f"is {len(value)} characters long; at most {max_length} allowed")
    return value


def _choice(
    raw: Raw,
    field: str,
    choices: Collection[str],
    aliases: Mapping[str, str] | None = None,
    *,
    required: bool = False,
) -> str:
    value = raw.get(field)
    if value is None or value == "":
        if required:
            raise FieldError(field, "is required")
        return ""
    if not isinstance(value, str):
        raise FieldError(field, f"must be text, got {type(value).__name__}")
    lookup = aliases or {}
    normalized = value.strip()
    found = normalized if normalized in choices else lookup.get(normalized.lower())
    if found is None:
        found = lookup.get(normalized.lower().replace(" ", "_"))
    if found is None:
        raise FieldError(field, f"{_shown(value)} is not one of: {', '.join(choices)}")
    return str(found)


def _decimal(raw: Raw, field: str) -> Decimal | None:
    value = raw.get(field)
    if value is None or value == "":
        return None
    try:
        number = parse_decimal(value)
    except InvalidQuantity as exc:
        raise FieldError(field, f"{_shown(value)} is not a number") from exc
    return _fits(field, number)


def _fits(field: str, number: Decimal) -> Decimal:
    problem = amount_problem(number)
    if problem:
        raise FieldError(field, problem)
    return number


def _key(raw: Raw, field: str = "key") -> str:
    value = _text(raw, field, max_length=MAX_KEY_LENGTH)
    if value and not KEY_PATTERN.match(value):
        raise FieldError(
            field, f"{_shown(value)} may hold only letters, digits and . _ : - /, starting with a letter or digit"
        )
    return value


def _url(raw: Raw, field: str, max_length: int = 2000) -> tuple[str, str | None]:
    value = _text(raw, field, max_length=max_length)
    if not value:
        return "", None
    try:
        return value, normalize_url(value)
    except InvalidURL as exc:
        raise FieldError(field, f"{_shown(value)} {exc}") from exc


def _partial_date(raw: Raw, field: str) -> tuple[dt.date | None, str]:
    value = raw.get(field)
    if value is None or value == "":
        return None, ""
    try:
        return parse_partial_date(value)
    except InvalidDate as exc:
        raise FieldError(field, str(exc)) from exc


def _full_date(raw: Raw, field: str) -> dt.date | None:
    value = raw.get(field)
    if value is None or value == "":
        return None
    try:
        return parse_full_date(value)
    except InvalidDate as exc:
        raise FieldError(field, str(exc)) from exc


def publisher_record(raw: Raw) -> dict[str, Any]:
    """A publisher: its name (the natural key) and website."""
    check_fields(raw, PUBLISHER_FIELDS)
    record = {"name": _text(raw, "name", required=True, max_length=200)}
    if "website" in raw:
        record["website"] = _url(raw, "website", max_length=500)[0]
    return record


_STRING_REFS: dict[tuple[str, str], SourceRef] = {}  # (field, text) -> reference: the same few URLs recur
_STRING_REFS_LIMIT = 20_000


def source_ref(value: object, field: str = "source") -> SourceRef:
    """A reference to a source: ("key", k), ("url", normalized) or ("title", publisher, title)."""
    if isinstance(value, str):
        ref = _STRING_REFS.get((field, value))
        if ref is None:
            ref = _string_source_ref(value, field)  # raises for a bad one, which is not remembered
            if len(_STRING_REFS) >= _STRING_REFS_LIMIT:
                _STRING_REFS.clear()
            _STRING_REFS[(field, value)] = ref
        return ref
    return _object_source_ref(value, field)


def _string_source_ref(value: str, field: str) -> SourceRef:
    text = value.strip()
    if text.lower().startswith(("http://", "https://")):
        return ("url", _url({field: text}, field)[1])
    if not text:
        raise FieldError(field, "must not be empty")
    return ("key", _key({field: text}, field))


def _object_source_ref(value: object, field: str) -> SourceRef:
    if not isinstance(value, dict):
        raise FieldError(field, "must be a URL, a key or an object with key, url, or title and publisher")
    unknown = set(value) - {"key", "url", "title", "publisher"}
    if unknown:
        raise FieldError(field, f"unknown reference field(s): {', '.join(sorted(unknown))}")
    if value.get("key"):
        return ("key", _key(value, "key"))
    if value.get("url"):
        return ("url", _url(value, "url")[1])
    if value.get("title"):
        return ("title", _text(value, "publisher") or None, _text(value, "title", max_length=500))
    raise FieldError(field, "a source reference needs a key, a url, or a title (with its publisher)")


def source_record(raw: Raw, *, base_dir: Path | None) -> dict[str, Any]:
    """A source. Its identity is its key, else its URL, else its title and publisher."""
    check_fields(raw, SOURCE_FIELDS)
    record: dict[str, Any] = {"key": _key(raw), "_present": frozenset(raw)}
    record["title"] = _text(raw, "title", max_length=500)
    url, normalized = _url(raw, "url")
    record["url"], record["normalized_url"] = url, normalized
    if not (record["key"] or normalized or record["title"]):
        raise FieldError("key", "a source needs a key, a url or a title to be identified by")
    if "publisher" in raw:
        record["publisher"] = _text(raw, "publisher", max_length=200) or None
    if "authors" in raw:
        authors = raw["authors"]
        if authors is None:
            authors = []
        if isinstance(authors, str):
            authors = [name.strip() for name in authors.split(";") if name.strip()]
        if not isinstance(authors, list) or not all(isinstance(name, str) and name.strip() for name in authors):
            raise FieldError("authors", "must be a list of names")
        record["authors"] = [name.strip() for name in authors]
    if "published" in raw:
        record["published_on"], record["published_precision"] = _partial_date(raw, "published")
    if "kind" in raw:
        record["kind"] = _choice(raw, "kind", KINDS, KIND_ALIASES)
    if "accessed" in raw:
        record["accessed_on"] = _full_date(raw, "accessed")
    if "archive_url" in raw:
        record["archive_url"] = _url(raw, "archive_url")[0]
    if "text" in raw and "text_file" in raw:
        raise FieldError("text_file", "give either text or text_file, not both")
    if "text" in raw:
        record["text"] = raw["text"] if isinstance(raw["text"], str) else _text(raw, "text")
    elif "text_file" in raw:
        record["text"] = _read_text_file(raw, base_dir)
    return record


def _read_text_file(raw: Raw, base_dir: Path | None) -> str:
    name = _text(raw, "text_file", required=True)
    # Only a file beside the import file, or in a folder below it: an import must not read whatever the server's
    # account can (an absolute path, "../", or a link leading out of the folder).
    folder = (base_dir or Path.cwd()).resolve()
    if Path(name).is_absolute():
        raise FieldError("text_file", f"{name!r} is an absolute path; give a path relative to the import file's folder")
    path = (folder / name).resolve()
    if not path.is_relative_to(folder):
        raise FieldError("text_file", f"{name!r} leads out of the import file's folder; keep text files beside it")
    limit = int(settings.IMPORT_MAX_RECORD_BYTES)
    try:
        if path.stat().st_size > limit:
            raise FieldError("text_file", f"file {name!r} is larger than {limit:,} bytes (IMPORT_MAX_RECORD_BYTES)")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise FieldError("text_file", f"file {name!r} not found (looked for {path})") from exc
    except UnicodeDecodeError as exc:
        raise FieldError("text_file", f"file {name!r} is not UTF-8 text (byte {exc.start})") from exc
    except OSError as exc:
        raise FieldError("text_file", f"file {name!r} can't be read: {exc.strerror}") from exc
    problem = text_problem(text)
    if problem:
        raise FieldError("text_file", f"file {name!r} {problem}")
    return text


def claim_ref(value: object, field: str = "claim") -> str:
    """A reference to a claim: its key, or an object with subject, value and period (the derived key)."""
    if isinstance(value, str):
        return _key({field: value}, field) or _missing(field)
    if isinstance(value, dict) and value.get("key"):
        return _key(value, "key")
    if isinstance(value, dict) and value.get("subject"):
        figure = _decimal(value, "value")
        try:
            period = parse_period(value.get("period")).label
        except InvalidPeriod as exc:
            raise FieldError(field, str(exc)) from exc
        return derived_claim_key(value["subject"].strip(), figure, period)
    raise FieldError(field, "must be a claim key, or an object with key, or with subject, value and period")


def _missing(field: str) -> NoReturn:
    raise FieldError(field, "is required")


def claim_record(raw: Raw) -> dict[str, Any]:
    """A claim with its structured quantity and period. Nested appearances and evidence are returned raw."""
    check_fields(raw, CLAIM_FIELDS)
    record: dict[str, Any] = {
        "subject": _text(raw, "subject", required=True, max_length=200),
        "claim_type": _choice(
            raw,
            "claim_type",
            CLAIM_TYPES,
            required=True,
            aliases=CLAIM_TYPE_ALIASES,
        ),
    }
    _quantity_into(raw, record)
    try:
        period = parse_period(raw.get("period"))
    except InvalidPeriod as exc:
        raise FieldError("period", str(exc)) from exc
    record.update(period_fields(period))
    if "status" in raw:
        record["status"] = _choice(raw, "status", STATUSES, STATUS_ALIASES)
    if "verdict_note" in raw:
        record["verdict_note"] = _text(raw, "verdict_note")
    record["key"] = _key(raw) or derived_claim_key(record["subject"], record["value"], record["period"])
    for nested in ("appearances", "evidence"):
        children = raw.get(nested) or []
        if not isinstance(children, list):
            raise FieldError(nested, "must be a list")
        record[nested] = children
    return record


def _quantity_into(raw: Raw, record: dict[str, Any]) -> None:
    value: Decimal | None
    if raw.get("quantity") not in (None, ""):
        if raw.get("value") not in (None, ""):
            raise FieldError("quantity", "give either quantity or value, not both")
        if not isinstance(raw["quantity"], str):
            raise FieldError("quantity", f"must be text, got {type(raw['quantity']).__name__}")
        # The figure as written with the unit and qualifier fields beside it: the admin's rule (read_figure).
        reading = read_figure(
            value=raw["quantity"],
            unit=_choice(raw, "unit", UNITS, UNIT_ALIASES),
            qualifier=_choice(raw, "qualifier", QUALIFIERS, QUALIFIER_ALIASES),
        )
        if reading.problems:
            field, message = reading.problems[0]
            raise FieldError("quantity" if field == "value" else field, message)
        value, unit, qualifier = reading.value, reading.unit, reading.qualifier
    else:
        value = _decimal(raw, "value")
        unit = _choice(raw, "unit", UNITS, UNIT_ALIASES)
        qualifier = _choice(raw, "qualifier", QUALIFIERS, QUALIFIER_ALIASES) or EXACT
    lower, upper = _decimal(raw, "lower"), _decimal(raw, "upper")
    problems = quantity_problems(
        value=value, unit=unit, lower=lower, upper=upper, is_change=record["claim_type"] == CHANGE
    )
    if problems:
        raise FieldError(*problems[0])
    record.update(value=value, unit=unit, qualifier=qualifier or EXACT, lower_bound=lower, upper_bound=upper)


def appearance_record(raw: Raw, *, nested: bool) -> dict[str, Any]:
    """Where a claim was stated. `start` is checked against the source's text by the engine."""
    check_fields(raw, APPEARANCE_FIELDS[1:] if nested else APPEARANCE_FIELDS)
    record: dict[str, Any] = {}
    if not nested:
        record["claim"] = claim_ref(raw.get("claim"))
    if raw.get("source") in (None, ""):
        raise FieldError("source", "is required")
    record["source"] = source_ref(raw["source"])
    quote = raw.get("quote")
    if not isinstance(quote, str) or not quote.strip():
        raise FieldError("quote", "is required" if quote in (None, "") else "must be non-empty text")
    record["quote"] = quote  # kept exactly as written: it is compared character by character
    start = raw.get("start")
    if start not in (None, ""):
        if isinstance(start, str) and start.strip().isdigit():
            start = int(start)
        if isinstance(start, bool) or not isinstance(start, int) or start < 0:
            raise FieldError("start", f"{start!r} must be a whole number ≥ 0")
    record["start"] = start if start != "" else None
    if "claimant" in raw:
        record["claimant"] = _text(raw, "claimant", max_length=200)
    if "date" in raw:
        record["stated_on"] = _full_date(raw, "date")
    return record


def evidence_record(raw: Raw, *, nested: bool) -> dict[str, Any]:
    """A claim–source link with the relation, the excerpt and the source's own figure."""
    check_fields(raw, EVIDENCE_FIELDS[1:] if nested else EVIDENCE_FIELDS)
    record: dict[str, Any] = {}
    if not nested:
        record["claim"] = claim_ref(raw.get("claim"))
    if raw.get("source") in (None, ""):
        raise FieldError("source", "is required")
    record["source"] = source_ref(raw["source"])
    record["relation"] = _choice(raw, "relation", RELATIONS, required=True)
    if "excerpt" in raw:
        record["excerpt"] = _text(raw, "excerpt")
    if "locator" in raw:
        record["locator"] = _text(raw, "locator", max_length=200)
    if "source_value" in raw:
        record["source_value"] = _decimal(raw, "source_value")
    return record
