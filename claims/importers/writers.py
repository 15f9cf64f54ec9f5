"""Batch writers, one per kind: resolve references, sort records into created / updated / unchanged, write.

Each writer gets the importer (for errors, counts, caches) and a batch of Pending records, and runs inside a
savepoint of the import's transaction.
"""

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.db import connection, models
from django.db.models import Q
from django.db.models.functions import Length
from django.utils import timezone

from sources.models import Publisher, Source
from sources.selectors import sources_with_urls

from ..audit import insert_rows, record_created_history, record_history, update_rows
from ..choices import VERDICT_BASIS_FIELDS, Status
from ..models import Appearance, Claim, Evidence
from ..quantities import format_quantity
from ..quotes import QuoteNotFound, locate_quote
from ..services import (
    DECISIVE_RELATIONS,
    child_lock_problem,
    circular_appearance_problem,
    circular_evidence_problem,
    claim_version_bump,
    claims_move_for_import,
    decisive_evidence_record,
    imported_status_reason,
    statuses_of_imported_claims,
    verdict_lock_problem,
)
from ..services.verdicts import BASIS, Part
from .keys import derived_source_key
from .preview import FieldChange, RecordRow, field_changes, figure_of, shown
from .records import SourceRef

if TYPE_CHECKING:
    from .engine import Importer, Pending, Record

SourceInfo = tuple[int, bool]  # the source's id, and whether it holds a text to place quotes in
N = TypeVar("N", bound=Hashable)  # a record's natural key: a name, a claim key, (claim id, source id, …)
AppearanceKey = tuple[int, int]  # (claim id, source id)
EvidenceKey = tuple[int, int, str]  # (claim id, source id, relation)

SOURCE_FIELDS = (
    "title",
    "publisher_id",
    "authors",
    "published_on",
    "published_precision",
    "kind",
    "url",
    "normalized_url",
    "accessed_on",
    "archive_url",
    "text",
)
CLAIM_FIELDS = (
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
)
APPEARANCE_FIELDS = ("quote", "start_offset", "end_offset", "claimant", "stated_on")
EVIDENCE_FIELDS = ("excerpt", "locator", "source_value")
DERIVED_PREFIXES = ("url:", "title:")
UNVERIFIED = str(Status.UNVERIFIED)  # a plain str: an enum member's attribute look-up costs, a million times


# The import format's name of a model field, for errors that point at the record's field and changes in the report.
RECORD_FIELD = {
    "publisher_id": "publisher",
    "published_on": "published",
    "accessed_on": "accessed",
    "lower_bound": "lower",
    "upper_bound": "upper",
    "period_start": "period",
    "period_end": "period",
    "period_precision": "period",
    "period_as_of": "period",
    "period_approximate": "period",
    "start_offset": "start",
    "end_offset": "start",
    "stated_on": "date",
}

# refuse(natural key, current object, names of the fields the record changes) -> True to leave the row as it is
# (the callable reports why); the import then fails as a whole.
RefuseChange = Callable[[N, Any, list[str]], bool]


@dataclass
class Upserted(Generic[N]):
    """What upsert() did: every record's object by natural key, the keys it created, changed and left unchanged,
    and the changed fields' old values."""

    objects: dict[N, Any] = field(default_factory=dict)  # instances, or SimpleNamespace rows when created
    created: list[N] = field(default_factory=list)
    changed: list[N] = field(default_factory=list)
    unchanged: list[N] = field(default_factory=list)
    before: dict[N, dict[str, Any]] = field(default_factory=dict)  # changed key -> {model field: old value}


def upsert(
    importer: "Importer",
    kind: str,
    model: type[models.Model],
    rows: Sequence[tuple[N, "Record", "Record"]],
    existing: Mapping[N, Any],
    fields: tuple[str, ...],
    *,
    reason_of: Callable[["Record"], str] | None = None,
    refuse: RefuseChange[N] | None = None,
) -> Upserted[N]:
    """rows: (natural key, values for a new object, values present in the record).

    `reason_of(values)`, when given, is the audit trail's change reason for a created row (default: the import's).
    A model with a `version` has it raised by the UPDATE itself (`version = version + 1`), so that an edit saved
    since the row was read still counts: callers read `existing` under row locks
    (write_claims, lock_children_claims).
    """
    now = timezone.now()
    done: Upserted[N] = Upserted()
    created: list[tuple[N, Record]] = []
    changed: list[Any] = []
    changed_fields: set[str] = set()
    for key, new_values, present in rows:
        current = existing.get(key)
        if current is None:
            created.append((key, new_values))
            continue
        done.objects[key] = current
        diff = [name for name in fields if name in present and getattr(current, name) != present[name]]
        if diff and refuse is not None and refuse(key, current, diff):
            continue
        if diff:
            done.before[key] = {name: getattr(current, name) for name in diff}
            for name in diff:
                setattr(current, name, present[name])
            current.updated_at = now
            changed.append(current)
            changed_fields.update(diff)
            done.changed.append(key)
        else:
            done.unchanged.append(key)
            importer.count(kind, "unchanged")
    # Bulk writes bypass the save signals the audit trail listens to, so history rows are written alongside.
    user_id = importer.actor.pk if importer.actor else None
    if created:
        # New rows are written from their values, without model instances (millions of them in a big import).
        rows_written = insert_rows(model, [values for _key, values in created])
        for (key, _values), row in zip(created, rows_written, strict=True):
            done.objects[key] = SimpleNamespace(**row)
            done.created.append(key)
        by_reason: dict[str, list[Record]] = {}
        for row in rows_written:
            by_reason.setdefault(importer.reason if reason_of is None else reason_of(row), []).append(row)
        for reason, written in by_reason.items():
            record_created_history(model, written, user_id=user_id, reason=reason, date=now)
        importer.count(kind, "created", len(created))
    if changed:
        # In id order, as the rows were locked: two imports updating the same rows queue instead of deadlocking.
        changed.sort(key=lambda obj: obj.pk)
        # A stale editor must not overwrite an imported change: the import takes a new version too.
        increment = ("version",) if any(f.name == "version" for f in model._meta.concrete_fields) else ()
        update_rows(model, changed, sorted(changed_fields | {"updated_at"}), increment=increment)
        record_history(
            model, [obj.pk for obj in changed], history_type="~", user_id=user_id, reason=importer.reason, date=now
        )
        importer.count(kind, "updated", len(changed))
    return done


# --- the report's records -------------------------------------------------------------------------------------
# (natural key, the row as written) -> (its record, its key, subject and figure as the report shows them)
Describe = Callable[[N, Any], tuple["Pending", str, str, str]]
# (natural key, the row as written) -> {model field: (old, new) as people read them}, for fields shown otherwise
Labels = Callable[[N, Any], Mapping[str, tuple[str, str]]]


def show_written(
    importer: "Importer", kind: str, written: Upserted[N], describe: Describe[N], labels: Labels[N] | None = None
) -> None:
    """Keep the first records of each outcome for the import's report (preview.RecordsShown), an update's changed
    fields with them."""
    kept = importer.result.shown
    for outcome, naturals in (
        ("created", written.created),
        ("updated", written.changed),
        ("unchanged", written.unchanged),
    ):
        for natural in naturals[: kept.room(kind, outcome)]:
            row = written.objects[natural]
            pending, key, subject, figure = describe(natural, row)
            changes: tuple[FieldChange, ...] = ()
            if outcome == "updated":
                changes = field_changes(
                    written.before[natural], row, names=RECORD_FIELD, labels=labels(natural, row) if labels else None
                )
            kept.add(RecordRow(kind, outcome, pending.file, pending.where, key, subject, figure, changes))


def pending_key(kind: str, pending: "Pending") -> str:
    """A record's natural key as the report shows it: a name, a source's or claim's key, "claim · source" for an
    appearance, "claim · source · relation" for evidence."""
    record = pending.record
    if kind == "publisher":
        return str(record.get("name", ""))
    if kind in ("source", "source_ref"):
        return str(
            record.get("key")
            or derived_source_key(record.get("normalized_url"), record.get("publisher"), record.get("title", ""))
        )
    if kind == "claim":
        return str(record.get("key", ""))
    source = record.get("source")
    parts = [pending.claim_key or record.get("claim") or "", ref_text(source) if source else ""]
    if kind == "evidence":
        parts.append(record.get("relation", ""))
    return " · ".join(str(part) for part in parts)


# --- publishers ----------------------------------------------------------------------------------------------
def write_publishers(importer: "Importer", batch: list["Pending"]) -> None:
    batch = importer.duplicates("publisher", batch, lambda p: p.record["name"])
    names = [p.record["name"] for p in batch]
    # Locked in id order before they are compared (as claims are, see write_claims).
    existing = {pub.name: pub for pub in Publisher.objects.select_for_update().filter(name__in=names).order_by("id")}
    rows = [(p.record["name"], p.record, p.record) for p in batch]
    written = upsert(importer, "publisher", Publisher, rows, existing, ("website",))
    for name, obj in written.objects.items():
        importer.publisher_ids.put(name, obj.id)
    by_name = {p.record["name"]: p for p in batch}
    show_written(importer, "publisher", written, lambda name, row: (by_name[name], name, shown(row.website), ""))


def publisher_ids(
    importer: "Importer",
    names: set[str],
    *,
    create_missing: bool = False,
    named_by: Mapping[str, "Pending"] | None = None,
) -> dict[str, int]:
    """Ids of publishers by name, from the cache or one query; missing ones created only when asked (`named_by`:
    the record that names each, for the report)."""
    found = {name: importer.publisher_ids.get(name) for name in names}
    missing = [name for name, pid in found.items() if pid is None]
    if missing:
        for pid, name in Publisher.objects.filter(name__in=missing).values_list("id", "name"):
            found[name] = pid
            importer.publisher_ids.put(name, pid)
    if create_missing:
        for name in sorted(name for name, pid in found.items() if pid is None):
            publisher = Publisher.objects.create(name=name)
            importer.count("publisher", "created")
            pending = (named_by or {}).get(name)
            if pending is not None and importer.result.shown.room("publisher", "created"):
                importer.result.shown.add(RecordRow("publisher", "created", pending.file, pending.where, name, ""))
            found[name] = publisher.id
            importer.publisher_ids.put(name, publisher.id)
    return {name: pid for name, pid in found.items() if pid is not None}


# --- sources -------------------------------------------------------------------------------------------------
def identity(record: "Record") -> SourceRef:
    """The reference tuple that identifies a source record: by key, else URL, else title and publisher."""
    if record["key"]:
        return ("key", record["key"])
    if record["normalized_url"]:
        return ("url", record["normalized_url"])
    return ("title", record.get("publisher"), record["title"])


def ref_text(ref: SourceRef) -> str:
    return ":".join("" if part is None else str(part) for part in ref)


def _remember(importer: "Importer", source: Source, publisher_name: str | None) -> None:
    info = (source.id, bool(source.text) if hasattr(source, "text") else False)
    importer.source_info.put(("key", source.key), info)
    if source.normalized_url:
        importer.source_info.put(("url", source.normalized_url), info)
    if source.title:
        importer.source_info.put(("title", publisher_name, source.title), info)


def resolve_sources(importer: "Importer", refs: set[SourceRef]) -> dict[SourceRef, SourceInfo | None]:
    """(id, has text) for each reference, from the cache or up to three queries. Unknown refs are left out; an
    ambiguous title (several sources share it and the publisher) maps to None."""
    found: dict[SourceRef, SourceInfo | None] = {}
    wanted: list[SourceRef] = []
    for ref in refs:
        info = importer.source_info.get(ref)
        if info is None:
            wanted.append(ref)
        else:
            found[ref] = info
    if not wanted:
        return found
    condition = Q()
    keys = [ref[1] for ref in wanted if ref[0] == "key"]
    urls = [ref[1] for ref in wanted if ref[0] == "url"]
    if keys:
        condition |= Q(key__in=keys)
    if urls:
        condition |= Q(normalized_url__in=urls)
    for ref in wanted:
        if ref[0] == "title":
            of_publisher = Q(publisher__name=ref[1]) if ref[1] else Q(publisher__isnull=True)
            condition |= Q(title=ref[2]) & of_publisher
    rows = (
        Source.objects.filter(condition)
        .annotate(text_length=Length("text"))
        .values_list("id", "key", "normalized_url", "title", "publisher__name", "text_length")
    )
    by_title: dict[SourceRef, list[SourceInfo]] = {}
    for sid, key, url, title, publisher, text_length in rows:
        info = (sid, bool(text_length))
        importer.source_info.put(("key", key), info)
        if url:
            importer.source_info.put(("url", url), info)
        by_title.setdefault(("title", publisher, title), []).append(info)
    for ref, infos in by_title.items():
        if len(infos) == 1:
            importer.source_info.put(ref, infos[0])
    for ref in wanted:
        info = importer.source_info.get(ref)
        if info is not None:
            found[ref] = info
        elif ref[0] == "title" and len(by_title.get(ref, ())) > 1:
            found[ref] = None  # ambiguous: several sources share this title and publisher
    return found


def _source_values(record: "Record", publisher_id: int | None) -> tuple["Record", "Record"]:
    present_names = record["_present"]
    values: Record = {"publisher_id": publisher_id}
    for name in SOURCE_FIELDS:
        if name in record:
            values[name] = record[name]
    present = {name: values[name] for name in values if name in SOURCE_FIELDS}
    if "title" not in present_names:
        present.pop("title", None)
    if "url" not in present_names:
        present.pop("url", None)
        present.pop("normalized_url", None)
    if "publisher" not in present_names:
        present.pop("publisher_id", None)
    return values, present


def write_sources(importer: "Importer", batch: list["Pending"]) -> None:
    batch = importer.duplicates("source", batch, lambda p: ref_text(identity(p.record)))
    _write_sources(importer, batch, soft=False)


def write_source_refs(importer: "Importer", batch: list["Pending"]) -> None:
    """CSV rows name the source their quote appears in: create it when missing, never update it."""
    unique: dict[SourceRef, Pending] = {}
    for pending in batch:
        unique.setdefault(identity(pending.record), pending)
    _write_sources(importer, list(unique.values()), soft=True)


def _write_sources(importer: "Importer", batch: list["Pending"], *, soft: bool) -> None:
    named_by = {p.record["publisher"]: p for p in reversed(batch) if p.record.get("publisher")}  # the first naming it
    pids = publisher_ids(importer, set(named_by), create_missing=soft, named_by=named_by)
    keys = [p.record["key"] for p in batch if p.record["key"]]
    urls = [p.record["normalized_url"] for p in batch if p.record["normalized_url"]]
    titled = [p.record for p in batch if not p.record["key"] and not p.record["normalized_url"]]
    condition = Q(key__in=keys)
    for record in titled:
        of_publisher = (
            Q(publisher_id=pids.get(record["publisher"])) if record.get("publisher") else Q(publisher__isnull=True)
        )
        condition |= Q(title=record["title"]) & of_publisher
    sources = Source.objects.filter(condition).select_related("publisher")
    if not soft:  # the rows it may update, locked in id order before they are compared (see write_claims)
        sources = sources.select_for_update(of=("self",)).order_by("id")
    found = list(sources)
    by_key = {s.key: s for s in found}
    by_url = sources_with_urls(urls)  # sources' own look-up: one source per normalised URL
    written_urls: dict[str, str] = {}  # normalised URL -> the record of this batch that writes it
    by_title: dict[tuple[str | None, str], list[Source]] = {}
    for s in found:
        by_title.setdefault((s.publisher.name if s.publisher is not None else None, s.title), []).append(s)

    rows: list[tuple[str, Record, Record]] = []
    existing: dict[str, Source] = {}
    changed_texts: list[tuple[Pending, int, str]] = []
    for pending in batch:
        record = pending.record
        publisher = record.get("publisher")
        if publisher and publisher not in pids:
            importer.error(
                pending.where,
                "publisher",
                f"no publisher named {publisher!r} (define it under publishers, or import it first)",
                file=pending.file,
            )
            continue
        current = by_key.get(record["key"]) if record["key"] else None
        if current is None and record["normalized_url"]:
            current = by_url.get(record["normalized_url"])
        if current is None and not record["key"] and not record["normalized_url"]:
            same = by_title.get((publisher, record["title"]), [])
            if len(same) > 1:
                importer.error(
                    pending.where,
                    "title",
                    f"{len(same)} sources share this title and publisher; give the source a key or a url",
                    file=pending.file,
                )
                continue
            current = same[0] if same else None
        values, present = _source_values(record, pids.get(publisher) if publisher else None)
        if current is not None and record["key"] and current.key != record["key"]:
            if not current.key.startswith(DERIVED_PREFIXES):
                importer.error(
                    pending.where, "url", f"this URL already belongs to the source {current.key!r}", file=pending.file
                )
                continue
            present["key"] = record["key"]
        url = record["normalized_url"]
        if url and not (soft and current is not None) and (current is None or "normalized_url" in present):
            holder = by_url.get(url)
            if holder is not None and current is not None and holder.pk != current.pk:
                importer.error(
                    pending.where, "url", f"this URL already belongs to the source {holder.key!r}", file=pending.file
                )
                continue
            if url in written_urls:
                importer.error(
                    pending.where,
                    "url",
                    f"{written_urls[url]} has the same URL (after normalisation): one source per address",
                    file=pending.file,
                )
                continue
            written_urls[url] = pending.where
        if current is not None and not soft and "text" in present and present["text"] != current.text:
            changed_texts.append((pending, current.id, present["text"]))
        natural = pending.where
        if current is not None:
            existing[natural] = current
        if soft and current is not None:
            _remember(importer, current, publisher)
            continue
        values["key"] = record["key"] or derived_source_key(record["normalized_url"], publisher, record["title"])
        values.setdefault("normalized_url", record["normalized_url"])
        rows.append((natural, values, present))
    if changed_texts and not _texts_keep_quotes(importer, changed_texts):
        return
    publisher_names: dict[int | None, str] = {pid: name for name, pid in pids.items()}
    publisher_names.update((s.publisher_id, s.publisher.name) for s in found if s.publisher is not None)
    written = upsert(importer, "source", Source, rows, existing, SOURCE_FIELDS + ("key",))
    by_where = {p.where: p for p in batch}
    for natural, source in written.objects.items():
        _remember(importer, source, by_where[natural].record.get("publisher"))
        importer.texts.pop(source.id, None)

    def publisher_change(natural: str, row: Any) -> dict[str, tuple[str, str]]:
        old = written.before[natural].get("publisher_id", row.publisher_id)
        return {"publisher_id": (publisher_names.get(old, ""), publisher_names.get(row.publisher_id, ""))}

    show_written(
        importer,
        "source",
        written,
        lambda where, row: (by_where[where], row.key, shown(row.title or row.url), ""),
        publisher_change,
    )


def _texts_keep_quotes(importer: "Importer", changed_texts: list[tuple["Pending", int, str]]) -> bool:
    """A source's new text must still hold its appearances' quotes at their offsets."""
    ok = True
    for pending, source_id, text in changed_texts:
        for quote, start, end in Appearance.objects.filter(source_id=source_id, start_offset__isnull=False).values_list(
            "quote", "start_offset", "end_offset"
        ):
            if text[start:end] != quote:
                importer.error(
                    pending.where,
                    "text",
                    f"the new text no longer holds the quote {quote[:60]!r} at "
                    f"offset {start}; fix or remove that appearance first",
                    file=pending.file,
                )
                ok = False
                break
    return ok


# --- claims --------------------------------------------------------------------------------------------------
def write_claims(importer: "Importer", batch: list["Pending"]) -> None:
    """Create or update a batch of claims (a standing verdict's basis refused), then queue their nested records
    and the status moves the workflow makes after this flush."""
    batch = importer.duplicates("claim", batch, lambda p: p.record["key"])
    if importer.claims_may_exist is None:
        # An empty claims table at the file's first batch: its claims (keys unique within it) can't exist already.
        importer.claims_may_exist = Claim.objects.exists()
    existing: dict[Hashable, Any]
    if importer.claims_may_exist:
        # Read under the row locks the updates need, taken in id order so that two imports queue instead of
        # deadlocking: an edit saved meanwhile is in what the records are compared with, never overwritten.
        keys = [p.record["key"] for p in batch]
        existing = {c.key: c for c in Claim.objects.select_for_update().filter(key__in=keys).order_by("id")}
    else:  # the table was empty when this file began, and keys are unique within the file
        existing = {}
    rows, given_status, refused, asked = [], {}, {}, []
    for pending in batch:
        record, key = pending.record, pending.record["key"]
        children = importer.nested_children(pending)
        present = {name: record[name] for name in CLAIM_FIELDS if name in record}
        rows.append((key, present | {"key": key}, present))
        wanted = record.get("status")
        if key not in existing and wanted and wanted != UNVERIFIED:
            # A new claim takes its status as it is inserted, when its own records satisfy the workflow.
            has_evidence = any(
                decisive_evidence_record(relation=child.record["relation"], excerpt=child.record.get("excerpt", ""))
                for kind, child in children
                if kind == "evidence"
            )
            asked.append((rows[-1], (wanted, record.get("verdict_note", ""), has_evidence)))
    answers = statuses_of_imported_claims(claims=[question for _row, question in asked], actor=importer.actor)
    for ((key, values, _present), (wanted, _note, _evidence)), answer in zip(asked, answers, strict=True):
        if answer.refused:
            refused[key] = answer.refused
        elif answer.fields:
            values |= answer.fields
            given_status[key] = wanted
    reasons = {status: imported_status_reason(importer.reason, status) for status in set(given_status.values())}
    by_key = {p.record["key"]: p for p in batch}

    def verdict_stands(key: Hashable, claim: Claim, diff: list[str]) -> bool:
        problem = verdict_lock_problem(status=claim.status, changed=diff, what="claim")
        if problem is None:
            return False
        pending = by_key[key]
        first = next(name for name in diff if name in VERDICT_BASIS_FIELDS)
        importer.error(pending.where, RECORD_FIELD.get(first, first), problem, file=pending.file)
        return True

    written = upsert(
        importer,
        "claim",
        Claim,
        rows,
        existing,
        CLAIM_FIELDS,
        reason_of=lambda row: reasons[row["status"]] if row["key"] in given_status else importer.reason,
        refuse=verdict_stands,
    )
    importer.imported_claims.add([written.objects[key].id for key in written.created])
    importer.claims_bumped.update(written.objects[key].id for key in written.changed)
    show_written(importer, "claim", written, lambda key, row: (by_key[key], key, shown(row.subject), figure_of(row)))
    if given_status:
        importer.count("claim", "status changed", len(given_status))
    for pending in batch:
        key = pending.record["key"]
        claim = written.objects[key]
        importer.queue_children(pending, claim.id, new=key not in existing)
        wanted = pending.record.get("status")
        if key in refused:
            importer.status_changes.append((pending, None, refused[key]))
        elif wanted and wanted != claim.status and key not in given_status:
            # Statuses change through the workflow, after this flush has written the claim's evidence.
            importer.status_changes.append((pending, claim.id, wanted))


def lock_children_claims(importer: "Importer", batch: list["Pending"]) -> dict[int, str]:
    """Lock the claims whose appearances or evidence the batch may change, in id order, before those are read;
    return {id: status} of the ones that existed before this import (their verdicts stand; they take a new
    version for the change). Claims this import created are its own: no other transaction sees them yet."""
    ids = sorted({p.claim_id for p in batch if not p.claim_new and p.claim_id is not None})
    if not ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT claim.id, claim.status FROM claims_claim claim WHERE claim.id = ANY(%s) AND NOT EXISTS "
            f"(SELECT 1 FROM {importer.imported_claims.table} own WHERE own.id = claim.id) "
            "ORDER BY claim.id FOR UPDATE OF claim",
            [ids],
        )
        return dict(cursor.fetchall())


def bump_claims(importer: "Importer") -> None:
    """One new version per flush for each claim that existed before the import and whose appearances or evidence
    the flush created or changed; raised in the database (services.claim_version_bump), under the locks
    lock_children_claims took. Claims the flush updated, or moves through the workflow next, take their new
    version there."""
    moving = {claim_id for _pending, claim_id, _wanted in importer.status_changes if claim_id is not None}
    ids = sorted(importer.claims_touched - importer.claims_bumped - moving)
    importer.claims_touched, importer.claims_bumped = set(), set()
    claim_version_bump(claim_ids=ids)


def _claim_ids(importer: "Importer", batch: list["Pending"]) -> list["Pending"]:
    """Resolve the claim keys of top-level records; report dangling ones; return the records that resolve."""
    wanted = {p.record["claim"] for p in batch if p.claim_id is None}
    ids = dict(Claim.objects.filter(key__in=wanted).values_list("key", "id")) if wanted else {}
    kept = []
    for pending in batch:
        if pending.claim_id is None:
            key = pending.record["claim"]
            if key not in ids:
                importer.error(
                    pending.where,
                    "claim",
                    f"no claim with key {key!r} (define it under claims, or import it first)",
                    file=pending.file,
                )
                continue
            pending.claim_id, pending.claim_key = ids[key], key
        kept.append(pending)
    return kept


def _source_ids(importer: "Importer", batch: list["Pending"]) -> list["Pending"]:
    """Resolve each record's source reference; report dangling and ambiguous ones."""
    found = resolve_sources(importer, {p.record["source"] for p in batch})
    kept = []
    for pending in batch:
        ref = pending.record["source"]
        if ref not in found:
            importer.error(
                pending.where,
                "source",
                f"no source with {ref[0]} {ref_text(ref[1:])!r} (define it under sources, or import it first)",
                file=pending.file,
            )
        elif (info := found[ref]) is None:
            importer.error(
                pending.where,
                "source",
                f"several sources have the title {ref[2]!r}; refer to it by key or url",
                file=pending.file,
            )
        else:
            pending.record["source_id"], pending.record["source_has_text"] = info
            kept.append(pending)
    return kept


def _texts(importer: "Importer", source_ids: set[int]) -> dict[int, str | None]:
    texts = {sid: importer.texts.get(sid) for sid in source_ids}
    missing = [sid for sid, text in texts.items() if text is None]
    if missing:
        for sid, text in Source.objects.filter(id__in=missing).values_list("id", "text"):
            texts[sid] = text
            importer.texts.put(sid, text)
    return texts


def _place_quote(importer: "Importer", pending: "Pending", text: str | None) -> bool:
    """Set the quote's offsets in the source's text; False (with an error) when it isn't there."""
    record = pending.record
    try:
        record["start_offset"], record["end_offset"] = locate_quote(text or "", record["quote"], record["start"])
    except QuoteNotFound as exc:
        importer.error(pending.where, exc.field, exc.message, file=pending.file)
        return False
    return True


def _existing(model: type[Appearance] | type[Evidence], batch: list["Pending"]) -> list[Any]:
    """The rows that records of a batch may update. Children of a claim created in this flush have none yet, so
    they are left out of the look-up (and it is skipped when none other remain)."""
    if not batch:
        return []
    return list(
        model.objects.filter(
            claim_id__in={p.claim_id for p in batch}, source_id__in={p.record["source_id"] for p in batch}
        )
    )


def write_appearances(importer: "Importer", batch: list["Pending"]) -> None:
    """Create or update a batch of appearances, each quote placed in its source's text."""
    batch = _source_ids(importer, _claim_ids(importer, batch))
    batch = importer.duplicates("appearance", batch, lambda p: f"{p.claim_key}|{ref_text(p.record['source'])}")
    texts = _texts(importer, {p.record["source_id"] for p in batch if p.record["source_has_text"]})
    batch = [p for p in batch if _place_quote(importer, p, texts.get(p.record["source_id"]))]
    statuses = lock_children_claims(importer, batch)
    existing: dict[AppearanceKey, Appearance] = {
        (a.claim_id, a.source_id): a for a in _existing(Appearance, [p for p in batch if not p.claim_new])
    }
    batch = _refuse_circular_appearances(importer, batch, existing)
    rows: list[tuple[AppearanceKey, Record, Record]] = []
    by_natural: dict[AppearanceKey, Pending] = {}
    for pending in batch:
        record = pending.record
        present = {name: record[name] for name in APPEARANCE_FIELDS if name in record}
        natural = (_claim_of(pending), record["source_id"])
        by_natural[natural] = pending
        rows.append((natural, present | {"claim_id": natural[0], "source_id": natural[1]}, present))

    def verdict_stands(natural: AppearanceKey, appearance: Appearance, diff: list[str]) -> bool:
        return _child_locked(importer, "appearance", by_natural[natural], appearance, statuses, diff)

    written = upsert(importer, "appearance", Appearance, rows, existing, APPEARANCE_FIELDS, refuse=verdict_stands)
    _touched(importer, [*written.created, *written.changed], statuses)
    show_written(
        importer,
        "appearance",
        written,
        lambda natural, row: (
            by_natural[natural],
            pending_key("appearance", by_natural[natural]),
            shown(row.quote),
            "",
        ),
    )


def _claim_of(pending: "Pending") -> int:
    """The id of the claim a child record belongs to, resolved by _claim_ids (or given by its claim's record)."""
    if pending.claim_id is None:
        raise ValueError(f"{pending.where}: the record's claim was not resolved")
    return pending.claim_id


def _child_locked(
    importer: "Importer",
    what: Part,
    pending: "Pending",
    stored: Appearance | Evidence,
    statuses: dict[int, str],
    changed: list[str],
) -> bool:
    """Report (and return True) when changing a stored appearance or piece of evidence touches what its claim's
    standing verdict rests on (services.child_lock_problem: quotes, decisive evidence). New ones are welcome."""
    status = statuses.get(stored.claim_id)
    before = {"relation": getattr(stored, "relation", ""), "excerpt": getattr(stored, "excerpt", "")}
    problem = None if status is None else child_lock_problem(what=what, status=status, before=before, changed=changed)
    if problem is None:
        return False
    first = next(name for name in changed if name in BASIS[what])
    importer.error(pending.where, RECORD_FIELD.get(first, first), problem, file=pending.file)
    return True


def _touched(importer: "Importer", naturals: list[AppearanceKey] | list[EvidenceKey], statuses: dict[int, str]) -> None:
    """Note the claims (existing before the import) whose children this batch created or changed."""
    for natural in naturals:
        claim_id = natural[0]  # children's natural keys start with their claim's id
        if claim_id in statuses:
            importer.claims_touched.add(claim_id)


def write_evidences(importer: "Importer", batch: list["Pending"]) -> None:
    """Create or update a batch of evidence links (claim, source, relation)."""
    batch = _source_ids(importer, _claim_ids(importer, batch))
    batch = importer.duplicates(
        "evidence", batch, lambda p: f"{p.claim_key}|{ref_text(p.record['source'])}|{p.record['relation']}"
    )
    statuses = lock_children_claims(importer, batch)
    batch = _refuse_circular_evidence(importer, batch)
    existing: dict[EvidenceKey, Evidence] = {
        (e.claim_id, e.source_id, e.relation): e for e in _existing(Evidence, [p for p in batch if not p.claim_new])
    }
    rows: list[tuple[EvidenceKey, Record, Record]] = []
    by_natural: dict[EvidenceKey, Pending] = {}
    for pending in batch:
        record = pending.record
        present = {name: record[name] for name in EVIDENCE_FIELDS if name in record}
        natural = (_claim_of(pending), record["source_id"], record["relation"])
        by_natural[natural] = pending
        rows.append(
            (natural, present | {"claim_id": natural[0], "source_id": natural[1], "relation": natural[2]}, present)
        )

    def verdict_stands(natural: EvidenceKey, evidence: Evidence, diff: list[str]) -> bool:
        return _child_locked(importer, "evidence", by_natural[natural], evidence, statuses, diff)

    written = upsert(importer, "evidence", Evidence, rows, existing, EVIDENCE_FIELDS, refuse=verdict_stands)
    _touched(importer, [*written.created, *written.changed], statuses)
    units = _units_of_shown_figures(importer, written)

    def describe(natural: EvidenceKey, row: Any) -> tuple["Pending", str, str, str]:
        pending = by_natural[natural]
        said = row.excerpt or row.locator
        figure = "" if row.source_value is None else format_quantity(row.source_value, units.get(natural[0], ""))
        return (
            pending,
            pending_key("evidence", pending),
            shown(f"{row.relation}: {said}" if said else row.relation),
            figure,
        )

    show_written(importer, "evidence", written, describe)


def _units_of_shown_figures(importer: "Importer", written: Upserted[EvidenceKey]) -> dict[int, str]:
    """{claim id: unit} for the evidence figures the report will show (a source's figure is in its claim's unit):
    one query, and none once the report holds its evidence."""
    kept = importer.result.shown
    ids = {
        natural[0]
        for outcome, naturals in (
            ("created", written.created),
            ("updated", written.changed),
            ("unchanged", written.unchanged),
        )
        for natural in naturals[: kept.room("evidence", outcome)]
        if written.objects[natural].source_value is not None
    }
    return dict(Claim.objects.filter(id__in=ids).order_by().values_list("id", "unit")) if ids else {}


# --- circular evidence ---------------------------------------------------------------------------------------
# The rule is claims.services.circular's: evidence from a source the claim appears in can't support or contradict
# it. A flush writes appearances before evidence, so each side is judged against what is written before it.
def _sources_named(source_ids: set[int]) -> dict[int, Source]:
    """The sources a refusal names (asked only when there is one)."""
    named = Source.objects.filter(pk__in=source_ids).select_related("publisher").defer("text")
    return {source.pk: source for source in named}


def _refuse_circular_evidence(importer: "Importer", batch: list["Pending"]) -> list["Pending"]:
    """Report (and leave out) each record of evidence that supports or contradicts its claim from a source the
    claim appears in; every such record is refused, whether it adds, changes or repeats the link."""
    judging = [p for p in batch if p.record["relation"] in DECISIVE_RELATIONS]
    if not judging:
        return batch
    appearances = set(
        Appearance.objects.filter(
            claim_id__in={_claim_of(p) for p in judging}, source_id__in={p.record["source_id"] for p in judging}
        ).values_list("claim_id", "source_id")
    )
    circular = [p for p in judging if (_claim_of(p), p.record["source_id"]) in appearances]
    if not circular:
        return batch
    sources = _sources_named({p.record["source_id"] for p in circular})
    for pending in circular:
        problem = circular_evidence_problem(
            relation=pending.record["relation"], source=sources[pending.record["source_id"]], appears_in_source=True
        )
        importer.error(pending.where, "relation", problem or "", file=pending.file)
    refused = {id(p) for p in circular}
    return [p for p in batch if id(p) not in refused]


def _refuse_circular_appearances(
    importer: "Importer", batch: list["Pending"], existing: Mapping[AppearanceKey, Appearance]
) -> list["Pending"]:
    """Report (and leave out) each new appearance in a source that already supports or contradicts its claim."""
    new = [p for p in batch if not p.claim_new and (_claim_of(p), p.record["source_id"]) not in existing]
    if not new:
        return batch
    judging: dict[AppearanceKey, list[str]] = {}
    for claim_id, source_id, relation in Evidence.objects.filter(
        claim_id__in={_claim_of(p) for p in new},
        source_id__in={p.record["source_id"] for p in new},
        relation__in=DECISIVE_RELATIONS,
    ).values_list("claim_id", "source_id", "relation"):
        judging.setdefault((claim_id, source_id), []).append(relation)
    circular = [p for p in new if (_claim_of(p), p.record["source_id"]) in judging]
    if not circular:
        return batch
    sources = _sources_named({p.record["source_id"] for p in circular})
    for pending in circular:
        natural = (_claim_of(pending), pending.record["source_id"])
        problem = circular_appearance_problem(source=sources[natural[1]], relations=judging[natural])
        importer.error(pending.where, "source", problem or "", file=pending.file)
    refused = {id(p) for p in circular}
    return [p for p in batch if id(p) not in refused]


# --- statuses ------------------------------------------------------------------------------------------------
def move_statuses(importer: "Importer", changes: list[tuple["Pending", int | None, str]]) -> None:
    """Move imported claims to their records' statuses through the workflow's bulk door (same rules).

    `changes` holds (pending, claim id, status) to move, and (pending, None, why refused) for new claims whose
    status the workflow refused as they were inserted; errors are reported in the records' order.
    """
    moves = [(pending, claim_id, wanted) for pending, claim_id, wanted in changes if claim_id is not None]
    refused = claims_move_for_import(
        moves=[(claim_id, wanted, pending.record.get("verdict_note", "")) for pending, claim_id, wanted in moves],
        actor=importer.actor,
        reason=importer.reason,
    )
    for pending, claim_id, wanted in changes:
        if claim_id is None:
            importer.error(pending.where, "status", wanted, file=pending.file)
        elif claim_id in refused:
            importer.error(pending.where, "status", refused[claim_id], file=pending.file)
    if len(moves) > len(refused):
        importer.count("claim", "status changed", len(moves) - len(refused))
