"""What an import does, record by record: the first records of each kind and outcome (created, updated, unchanged)
with their key, subject and figure, the fields an update changes (old → new), and the errors grouped with their
records.

The engine fills it as it writes (a dry run writes too, then rolls back), so the admin's preview and the command's
summary show what the importer itself did, never a second reading of the file. Memory stays flat: at most
`limit` records are kept per kind and outcome; the counts cover the rest.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from factcheck.numbers import decimal_text
from sources.partial_dates import format_partial_date

from ..quantities import format_quantity
from .errors import ImportProblem

PREVIEW_ROWS = 20  # records shown per kind and outcome
OUTCOMES = ("created", "updated", "unchanged")
SHOWN_LENGTH = 120  # a longer text is cut, with an ellipsis
# A claim's figure and period are taken whole from a record: an update shows each as one change, as people read it.
FIGURE_FIELDS = ("value", "unit", "qualifier", "lower_bound", "upper_bound")
PERIOD_FIELDS = ("period", "period_start", "period_end", "period_precision", "period_as_of")
PUBLISHED_FIELDS = ("published_on", "published_precision")
# Model fields that follow another one the change list already shows (the quote's end, the URL's normal form).
FOLLOWERS = {"end_offset": "start_offset", "normalized_url": "url"}
LONG_TEXTS = ("text",)  # a source's full text: its length is shown, not its words


@dataclass(frozen=True)
class FieldChange:
    """One field an update changes, named as in the import format, its values as people read them."""

    field: str
    old: str
    new: str


@dataclass(frozen=True)
class RecordRow:
    """One record of the file and what the import does with it."""

    kind: str
    outcome: str  # created, updated or unchanged
    file: str
    record: str  # where in the file: "claims[3]", "line 14"
    key: str  # its natural key
    subject: str  # what it is: a claim's subject, a source's title, an appearance's quote, …
    figure: str = ""  # the figure as people read it (claims.quantities.format_quantity)
    changes: tuple[FieldChange, ...] = ()


@dataclass
class RecordsShown:
    """The first `limit` records of each kind and outcome."""

    limit: int = PREVIEW_ROWS
    rows: dict[tuple[str, str], list[RecordRow]] = field(default_factory=dict)

    def room(self, kind: str, outcome: str) -> int:
        """How many more records of this kind and outcome are kept."""
        return max(0, self.limit - len(self.rows.get((kind, outcome), ())))

    def add(self, row: RecordRow) -> None:
        shown = self.rows.setdefault((row.kind, row.outcome), [])
        if len(shown) < self.limit:
            shown.append(row)


@dataclass(frozen=True)
class OutcomeRows:
    """The records of one kind and outcome: how many, and the first of them."""

    outcome: str
    count: int
    rows: list[RecordRow]

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.rows))


@dataclass(frozen=True)
class RecordErrors:
    """The errors of one record (or of a whole file, when `record` is empty), in the order they were found."""

    file: str
    record: str
    kind: str
    key: str
    problems: list[ImportProblem]


@dataclass(frozen=True)
class KindReport:
    kind: str
    counts: Counter[str]
    outcomes: list[OutcomeRows]  # the outcomes that happened, in OUTCOMES order
    errors: list[RecordErrors]


@dataclass(frozen=True)
class ImportReport:
    """Per kind: counts, the first records of each outcome and the records with errors; and the errors of no
    record of a known kind (a file that can't be read)."""

    kinds: list[KindReport]
    other_errors: list[RecordErrors]


def report_kind(kind: str) -> str:
    """The kind a record is reported under: a CSV row's source reference is a source."""
    return "source" if kind == "source_ref" else kind


def build_report(
    kinds: Sequence[str], counts: Mapping[str, Counter[str]], shown: RecordsShown, errors: Iterable[ImportProblem]
) -> ImportReport:
    groups: dict[tuple[str, str, str], list[ImportProblem]] = {}
    for problem in errors:
        groups.setdefault((report_kind(problem.kind), problem.file, problem.record), []).append(problem)
    by_kind: dict[str, list[RecordErrors]] = {}
    for (kind, file, record), problems in groups.items():
        key = next((problem.key for problem in problems if problem.key), "")
        by_kind.setdefault(kind if kind in kinds else "", []).append(RecordErrors(file, record, kind, key, problems))
    reports = []
    for kind in kinds:
        outcomes = [
            OutcomeRows(outcome, counts[kind][outcome], shown.rows.get((kind, outcome), []))
            for outcome in OUTCOMES
            if counts[kind][outcome]
        ]
        reports.append(KindReport(kind, counts[kind], outcomes, by_kind.get(kind, [])))
    return ImportReport(reports, by_kind.get("", []))


# --- how records read -------------------------------------------------------------------------------------------
def shown(value: Any) -> str:
    """A stored value as people read it, on one line and cut to SHOWN_LENGTH; "" for none."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "; ".join(str(item) for item in value)
    text = " ".join(str(value).split())
    return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 1] + "…"


def figure_of(row: Any) -> str:
    """A claim's figure (a model instance, or a row just written), as people read it."""
    return format_quantity(row.value, row.unit, row.qualifier, row.lower_bound, row.upper_bound)


def raw_key(kind: str, raw: object) -> str:
    """The natural key an unvalidated record states, if any, to name a record that failed validation."""
    if not isinstance(raw, dict):
        return ""
    names = {
        "publisher": ("name",),
        "source": ("key", "url", "title"),
        "source_ref": ("key", "url", "title"),
        "claim": ("key", "subject"),
        "appearance": ("claim",),
        "evidence": ("claim",),
    }.get(kind, ())
    for name in names:
        value = raw.get(name)
        if isinstance(value, str) and value.strip():
            return shown(value)
    return ""


def field_changes(
    before: Mapping[str, Any],
    after: Any,
    *,
    names: Mapping[str, str],
    labels: Mapping[str, tuple[str, str]] | None = None,
) -> tuple[FieldChange, ...]:
    """The fields an update changes, old → new, in the order of `before`: the changed model fields' old values;
    `after` is the row with the new ones. `names` gives the import format's name of a model field; `labels`, the
    old and new text of fields better read otherwise (a publisher's name for its id). A claim's figure and period
    are one change each, as people read them; so is a source's partial publication date."""
    changes: list[FieldChange] = []
    done: set[str] = set()

    def old(name: str) -> Any:
        return before[name] if name in before else getattr(after, name)

    for name in before:
        if name in done or FOLLOWERS.get(name) in before:
            continue
        if name in FIGURE_FIELDS:
            was = format_quantity(*(old(part) for part in FIGURE_FIELDS))
            now = format_quantity(*(getattr(after, part) for part in FIGURE_FIELDS))
            if was != now:  # else two figures that read alike: each field is shown
                changes.append(FieldChange("figure", was, now))
                done.update(FIGURE_FIELDS)
                continue
        elif name in PERIOD_FIELDS and old("period") != after.period:
            changes.append(FieldChange("period", shown(old("period")), shown(after.period)))
            done.update(PERIOD_FIELDS)
            continue
        elif name in PUBLISHED_FIELDS:  # a partial date: "2025", "2025-05", "2025-05-08"
            was = format_partial_date(old("published_on"), old("published_precision"))
            now = format_partial_date(after.published_on, after.published_precision)
            changes.append(FieldChange(names.get("published_on", "published_on"), was, now))
            done.update(PUBLISHED_FIELDS)
            continue
        if labels and name in labels:
            was, now = labels[name]
        elif name in LONG_TEXTS:
            was, now = (f"{len(text or ''):,} characters" for text in (before[name], getattr(after, name)))
        else:
            was, now = shown(before[name]), shown(getattr(after, name))
        changes.append(FieldChange(names.get(name, name), was, now))
    return tuple(changes)
