"""The importer: reads files, validates each record with records.py, writes in batches in one transaction.

    result = import_files([Path("fixtures/x.json")], dry_run=False)

All files of a run share one transaction; any error (or --dry-run) rolls everything back at the end, after
every record has been checked, so that one run reports every problem at once. Memory stays flat: records are
held one batch at a time (IMPORT_BATCH_SIZE records, at most IMPORT_BATCH_BYTES of them), duplicate keys are
tracked in a temporary table, and lookups are cached in bounded LRU maps.

Rows are locked and written in a stable order (kinds in FLUSH_ORDER, rows of a kind in id order), so that two
imports of the same records queue rather than deadlock within a batch. Across batches no order can be kept (an
import holds its locks to its end): when the database stops one import to break a deadlock (or a serialization
failure), the run is rolled back and run again from the start, alone among imports (Importer.take_turn), up to
WRITE_ATTEMPTS times, then reported.
"""

import hashlib
import queue
import random
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Generator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import psycopg2
from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, reset_queries, transaction
from psycopg2.extensions import TransactionRollbackError

from ..services import Actor
from . import writers
from .errors import FieldError, FileProblem, ImportProblem, TooManyErrors
from .preview import PREVIEW_ROWS, ImportReport, RecordsShown, build_report, raw_key
from .readers import Reader, open_reader
from .records import (
    appearance_record,
    claim_record,
    evidence_record,
    publisher_record,
    source_record,
)

Record = dict[str, Any]  # a record's clean values, as records.py returns them
Outcome = Record | FieldError  # a record validated: its values, or what is wrong with it
Stage = Callable[[str, Reader], None]
K = TypeVar("K")
V = TypeVar("V")

KINDS = ("publisher", "source", "claim", "appearance", "evidence")
WRITE_ATTEMPTS = 3  # runs of an import that the database stopped to let a concurrent writer through
IMPORT_LOCK = 0x1_3F0A7  # the advisory lock key of imports (Importer.take_turn)
CONCURRENT_WRITE = (
    "another import was writing the same records at the same time, and the database stopped this one to let it "
    f"finish ({WRITE_ATTEMPTS} attempts); nothing was written, try again"
)
FLUSH_ORDER = ("publisher", "source", "source_ref", "claim", "appearance", "evidence")
# The writer of each kind's batch, in FLUSH_ORDER: later kinds refer to the rows of earlier ones.
WRITERS: dict[str, Callable[["Importer", list["Pending"]], None]] = {
    "publisher": writers.write_publishers,
    "source": writers.write_sources,
    "source_ref": writers.write_source_refs,
    "claim": writers.write_claims,
    "appearance": writers.write_appearances,
    "evidence": writers.write_evidences,
}


@dataclass
class ImportResult:
    """Counts per kind (created / updated / unchanged), the first records of each (preview.RecordsShown) and the
    problems found; nothing is written unless ok. report() puts them together, errors with their records."""

    counts: dict[str, Counter[str]] = field(default_factory=lambda: {kind: Counter() for kind in KINDS})
    errors: list[ImportProblem] = field(default_factory=list)
    dry_run: bool = False
    truncated: bool = False
    shown: RecordsShown = field(default_factory=RecordsShown)

    def report(self) -> ImportReport:
        """Per kind: the counts, the first records of each outcome, and the records with errors."""
        return build_report(KINDS, self.counts, self.shown, self.errors)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run


class LRU(OrderedDict[K, V]):
    """A dict that forgets its least recently used entries beyond `limit`."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def get(self, key: K, default: V | None = None) -> V | None:  # type: ignore[override]
        if key in self:
            self.move_to_end(key)
            return self[key]
        return default

    def put(self, key: K, value: V) -> None:
        self[key] = value
        self.move_to_end(key)
        if len(self) > self.limit:
            self.popitem(last=False)


@dataclass
class Pending:
    """A validated record waiting in a batch: where it came from, its clean values, and its resolved links."""

    file: str
    where: str
    record: Record
    claim_id: int | None = None  # set for appearances and evidence nested in a claim
    claim_key: str | None = None
    nested: bool = False
    claim_new: bool = False  # nested in a claim created in this flush: nothing of it can be in the database yet
    # a claim's validated nested records (kind, record), between validation and queueing
    children: "list[tuple[str, Pending]] | None" = None


class SeenKeys:
    """Natural keys met in the current file, kept in a temporary table so that memory doesn't grow with it."""

    table = "import_seen_keys"

    def __init__(self) -> None:
        self.cursor = connection.cursor()
        self.cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {self.table} "
            "(kind VARCHAR(16) NOT NULL, digest CHAR(32) NOT NULL, place VARCHAR(200) NOT NULL, "
            "PRIMARY KEY (kind, digest))"
        )
        self.cursor.execute(f"DELETE FROM {self.table}")

    @staticmethod
    def digest(key: str) -> str:
        return hashlib.md5(key.encode(), usedforsecurity=False).hexdigest()

    def first_places(self, kind: str, keyed: list[tuple[str, str]]) -> dict[str, str]:
        """Record (key, place) pairs; return {key: earlier place} for keys met before in this file."""
        earlier: dict[str, str] = {}
        first: dict[str, tuple[str, str]] = {}  # digest -> (key, place) of its first occurrence in this batch
        for key, place in keyed:
            digest = self.digest(key)
            if digest in first:
                earlier[key] = first[digest][1]
            else:
                first[digest] = (key, place)
        rows = [(kind, digest, place[:200]) for digest, (_key, place) in first.items()]
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            values = ", ".join(["(%s, %s, %s)"] * len(chunk))
            # One statement per chunk: the keys it inserts are new; the ones it doesn't were met before.
            self.cursor.execute(
                f"INSERT INTO {self.table} (kind, digest, place) VALUES {values} "
                "ON CONFLICT (kind, digest) DO NOTHING RETURNING digest",
                [value for row in chunk for value in row],
            )
            inserted = {row[0] for row in self.cursor.fetchall()}
            clashes = [digest for _kind, digest, _place in chunk if digest not in inserted]
            if clashes:
                marks = ", ".join(["%s"] * len(clashes))
                self.cursor.execute(
                    f"SELECT digest, place FROM {self.table} WHERE kind = %s AND digest IN ({marks})", [kind, *clashes]
                )
                for digest, place in self.cursor.fetchall():
                    earlier[first[digest][0]] = place
        return earlier

    def reset(self) -> None:
        self.cursor.execute(f"DELETE FROM {self.table}")

    def drop(self) -> None:
        self.cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
        self.cursor.close()


class ImportedClaims:
    """Ids of the claims this import created, in a temporary table (memory stays flat): their appearances and
    evidence are part of their creation, so they neither take a new version for them nor fall under a verdict
    lock, even when they come in later batches or files."""

    table = "import_created_claims"

    def __init__(self) -> None:
        self.cursor = connection.cursor()
        self.cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {self.table} (id BIGINT PRIMARY KEY)")
        self.cursor.execute(f"DELETE FROM {self.table}")

    def add(self, ids: list[int]) -> None:
        if ids:
            self.cursor.execute(f"INSERT INTO {self.table} (id) SELECT unnest(%s::bigint[])", [ids])

    def drop(self) -> None:
        self.cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
        self.cursor.close()


class Importer:
    """One import run over one or more files. Use import_files() rather than this class directly."""

    def __init__(
        self,
        *,
        batch_size: int,
        max_errors: int,
        advance: Callable[[int], None],
        stage: Stage,
        actor: Actor = None,
        shown_rows: int = PREVIEW_ROWS,
    ) -> None:
        self.actor = actor
        self.reason = "import"
        # (record, claim id, status to move it to), or (record, None, why the workflow refused its new claim's status)
        self.status_changes: list[tuple[Pending, int | None, str]] = []
        self.batch_size = batch_size
        self.batch_bytes = int(settings.IMPORT_BATCH_BYTES)
        self.budget = ByteBudget(self.batch_bytes)  # bytes of records read and not yet written
        self.buffered_bytes = 0
        self.max_errors = max_errors
        self.advance = advance
        self.stage = stage
        self.result = ImportResult(shown=RecordsShown(limit=shown_rows))
        self.buffers: dict[str, list[Pending]] = {kind: [] for kind in FLUSH_ORDER}
        self.publisher_ids: LRU[str, int] = LRU(10_000)
        self.source_info: LRU[tuple[Any, ...], tuple[int, bool]] = LRU(50_000)  # reference tuple -> (id, has text)
        self.texts: LRU[int, str] = LRU(64)  # source id -> text
        self.seen: SeenKeys  # set by run()
        self.imported_claims: ImportedClaims  # set by run()
        # Per flush: ids of existing claims whose children it created or changed, and of claims it updated.
        self.claims_touched: set[int] = set()
        self.claims_bumped: set[int] = set()
        self.file = ""
        self.claims_may_exist: bool | None = None
        # The records being written, by place in the file, and their kind: an error names its record's key.
        self.places: dict[str, Pending] = {}
        self.place_kind = ""
        self.alone = False  # a rerun after the database stopped this import: it waits for the others to end

    def take_turn(self) -> None:
        """Imports run side by side (a shared advisory lock, to the transaction's end); a rerun takes it alone, so
        that it waits for the import it deadlocked with to commit, and new imports wait for it: two reruns can't
        meet again in the middle of the same claims."""
        function = "pg_advisory_xact_lock" if self.alone else "pg_advisory_xact_lock_shared"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {function}(%s)", [IMPORT_LOCK])

    # --- errors -------------------------------------------------------------------------------------------
    def error(
        self,
        where: str,
        field_name: str,
        message: str,
        *,
        file: str | None = None,
        kind: str | None = None,
        key: str | None = None,
    ) -> None:
        """Report a problem with a record (`where`), or with the file (`where` empty). The record's kind and key are
        found among the records being written when not given."""
        pending = self.places.get(where) if where else None
        if kind is None:
            kind = self.place_kind if where else ""
        if key is None:
            key = writers.pending_key(kind, pending) if pending is not None else ""
        problem = ImportProblem(file if file is not None else self.file, where, field_name, message, kind, key)
        self.result.errors.append(problem)
        if len(self.result.errors) >= self.max_errors:
            self.result.truncated = True
            raise TooManyErrors

    def count(self, kind: str, outcome: str, n: int = 1) -> None:
        self.result.counts[kind][outcome] += n

    # --- run ----------------------------------------------------------------------------------------------
    def run(self, paths: list[Path], *, dry_run: bool, names: Sequence[str] | None = None) -> ImportResult:
        """`names`: the files' names to report and record (an upload's own name, not where it was stored)."""
        self.result.dry_run = dry_run
        with transaction.atomic():
            self.take_turn()
            self.seen = SeenKeys()
            self.imported_claims = ImportedClaims()
            try:
                for index, path in enumerate(paths):
                    self.import_file(path, names[index] if names else None)
            except TooManyErrors:
                pass
            self.seen.drop()
            self.imported_claims.drop()
            if not self.result.ok or dry_run:
                transaction.set_rollback(True)
        return self.result

    def import_file(self, path: Path, name: str | None = None) -> None:
        self.file = name or str(path)
        self.reason = f"import {name or path.name}"
        self.seen.reset()
        self.claims_may_exist = None  # known at the file's first claims batch (see writers.write_claims)
        base_dir = path.parent
        try:
            reader = open_reader(path, self.advance)
            self.stage(self.file, reader)
            items = validated_items(reader, base_dir, queue_size=2 * self.batch_size, budget=self.budget)
            with closing(items):  # the reading thread ends here, whatever stops the loop
                for kind, where, outcome, size in items:
                    self.accept(kind, where, outcome, size)
        except FileProblem as problem:
            self.error(problem.record, problem.field, problem.message, kind="", key="")
        except OSError as exc:
            self.error("", "", f"can't be read: {exc.strerror or exc}")
        self.flush()

    def accept(self, kind: str, where: str, outcome: Outcome, size: int = 0) -> None:
        self.buffered_bytes += size
        if isinstance(outcome, FieldError):
            self.error(where, outcome.field, outcome.message, kind=kind, key=outcome.record_key)
        else:
            self.buffers[kind].append(Pending(self.file, where, outcome))
        if len(self.buffers[kind]) >= self.batch_size or self.buffered_bytes >= self.batch_bytes:
            self.flush()

    def flush(self) -> None:
        """Write every buffer, in the order that lets later kinds refer to earlier ones."""
        for kind in FLUSH_ORDER:
            batch, self.buffers[kind] = self.buffers[kind], []
            if not batch:
                continue
            self.places, self.place_kind = {pending.where: pending for pending in batch}, kind
            try:
                with transaction.atomic():
                    WRITERS[kind](self, batch)
            except (IntegrityError, DatabaseError, psycopg2.Error) as exc:
                if concurrent_write(exc):
                    raise  # the run is stopped: import_files runs it again
                first, last = batch[0].where, batch[-1].where
                reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                self.error(f"{first}…{last}", "", f"the database refused this batch: {reason}")
        self.places, self.place_kind = {}, ""
        writers.bump_claims(self)
        self.apply_status_changes()
        self.budget.give(self.buffered_bytes)
        self.buffered_bytes = 0
        # With DEBUG on, Django keeps the last 9,000 queries; an import's multi-row statements are large.
        reset_queries()

    def apply_status_changes(self) -> None:
        """Move imported claims to the status their record gives, step by step through the workflow."""
        changes, self.status_changes = self.status_changes, []
        if changes:
            self.places, self.place_kind = {pending.where: pending for pending, _id, _status in changes}, "claim"
            writers.move_statuses(self, changes)
            self.places, self.place_kind = {}, ""

    def nested_children(self, pending: Pending) -> list[tuple[str, Pending]]:
        """A claim's valid nested appearances and evidence, [(kind, Pending)]; their errors reported (once)."""
        if pending.children is None:
            pending.children = []
            for kind, where, outcome in pending.record.pop(CHILDREN, None) or validate_children(
                pending.record, pending.where
            ):
                if isinstance(outcome, FieldError):
                    self.error(where, outcome.field, outcome.message, kind=kind, key=pending.record["key"])
                    continue
                pending.children.append(
                    (kind, Pending(pending.file, where, outcome, claim_key=pending.record["key"], nested=True))
                )
        return pending.children

    def queue_children(self, pending: Pending, claim_id: int, *, new: bool = False) -> None:
        """Queue a claim's valid nested appearances and evidence with the claim's id."""
        for kind, child in self.nested_children(pending):
            child.claim_id, child.claim_new = claim_id, new
            self.buffers[kind].append(child)
        pending.children = None

    def duplicates(self, kind: str, batch: list[Pending], key_of: Callable[[Pending], str]) -> list[Pending]:
        """Drop (and report) records whose natural key was met earlier in the same file."""
        keyed = [(key_of(pending), pending.where) for pending in batch]
        # A claim's nested children can only clash with each other (the claim's key is unique in the file, and
        # its children are queued together), so they are compared here; top-level records go to the table.
        earlier = self.seen.first_places(kind, [pair for pair, p in zip(keyed, batch, strict=True) if not p.nested])
        first_nested: dict[str, str] = {}
        for (key, place), pending in zip(keyed, batch, strict=True):
            if pending.nested:
                if key in first_nested:
                    earlier[key] = first_nested[key]
                else:
                    first_nested[key] = place
        if not earlier:
            return batch
        kept, reported = [], set()
        for (key, place), pending in zip(keyed, batch, strict=True):
            if key in earlier and (key, place) not in reported and earlier[key] != place:
                reported.add((key, place))
                self.error(
                    place,
                    "key" if kind in ("claim", "source") else "",
                    f"duplicate {kind} {key!r}: {earlier[key]} has the same natural key",
                )
            else:
                kept.append(pending)
        return kept


CHILDREN = "_children"  # a claim record's nested records, validated with it


def validate(kind: str, raw: Any, base_dir: Path) -> Record:
    """A record's clean values (FieldError if it is invalid). A claim's nested records are validated too, and kept
    under CHILDREN as validate_children() returns them."""
    if kind == "publisher":
        return publisher_record(raw)
    if kind in ("source", "source_ref"):
        return source_record(raw, base_dir=base_dir)
    if kind == "claim":
        return claim_record(raw)
    if kind == "appearance":
        return appearance_record(raw, nested=False)
    return evidence_record(raw, nested=False)


def validate_children(record: Record, where: str) -> list[tuple[str, str, Outcome]]:
    """(kind, where, clean values or FieldError) of a claim record's nested appearances and evidence."""
    children: list[tuple[str, str, Outcome]] = []
    for nested, validator, kind in (
        ("appearances", appearance_record, "appearance"),
        ("evidence", evidence_record, "evidence"),
    ):
        for index, raw in enumerate(record.get(nested, ())):
            outcome: Outcome
            try:
                outcome = validator(raw, nested=True)
            except FieldError as exc:
                exc.record_key = record["key"]  # the claim's: its nested records have no key of their own
                outcome = exc
            children.append((kind, f"{where}.{nested}[{index}]", outcome))
    return children


_END = object()


class ByteBudget:
    """The bytes of records read and not yet written (the Items' sizes): the reading thread waits while they are
    more than a batch's worth; the importer gives them back as it writes its batches, which it does once it holds
    that much, so the thread always gets to go on."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.held = 0
        self._changed = threading.Condition()

    def take(self, n: int, stop: threading.Event) -> bool:
        """Wait while more than `limit` bytes are held, then hold `n` more; False if told to stop meanwhile."""
        with self._changed:
            while self.held > self.limit:
                if stop.is_set():
                    return False
                self._changed.wait(0.1)
            self.held += n
            return True

    def give(self, n: int) -> None:
        with self._changed:
            self.held -= n
            self._changed.notify_all()


def validated_items(
    reader: Reader, base_dir: Path, *, queue_size: int, budget: ByteBudget | None = None
) -> Generator[tuple[str, str, Outcome, int], None, None]:
    """(kind, where, clean values or FieldError, the record's size) of every record the reader yields, in the
    file's order.

    Reading and validation are pure Python and touch no database, so they run in a thread of their own, a bounded
    queue ahead of the writes: the records of the next batch are read and checked while PostgreSQL works on this
    one (the database driver lets go of the interpreter while it waits). The queue holds at most `queue_size`
    records, and the thread waits while the `budget`'s bytes are spent. A problem reading the file comes out
    here, after the records read before it, as it would without the thread.
    """
    handoff: queue.Queue[tuple[Any, ...]] = queue.Queue(maxsize=queue_size)
    stop = threading.Event()

    def put(entry: tuple[Any, ...]) -> bool:  # (kind, where, outcome, size), or (_END, the exception or None)
        while not stop.is_set():
            try:
                handoff.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in reader.items():
                outcome: Outcome
                try:
                    outcome = validate(item.kind, item.raw, base_dir)
                    if item.kind == "claim":
                        outcome[CHILDREN] = validate_children(outcome, item.where)
                except FieldError as exc:
                    exc.record_key = raw_key(item.kind, item.raw)
                    outcome = exc
                if budget is not None and not budget.take(item.size, stop):
                    return
                if not put((item.kind, item.where, outcome, item.size)):
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, which raises it
            put((_END, exc))
            return
        put((_END, None))

    thread = threading.Thread(target=produce, name="import-reader", daemon=True)
    thread.start()
    try:
        while True:
            entry = handoff.get()
            if entry[0] is _END:
                if entry[1] is not None:
                    raise entry[1]
                return
            yield entry
    finally:
        stop.set()  # the consumer stopped (done, or too many errors): let the producer end
        thread.join()


def import_files(
    paths: "Sequence[Path | str]",
    *,
    dry_run: bool = False,
    advance: Callable[[int], None] | None = None,
    stage: Stage | None = None,
    batch_size: int | None = None,
    max_errors: int | None = None,
    actor: Actor = None,
    names: Sequence[str] | None = None,
    shown_rows: int = PREVIEW_ROWS,
) -> ImportResult:
    """Import the files, all or nothing. `advance(n)` is told of bytes read; `stage(file, reader)` of each file.

    `actor` is the user the audit trail names (None: the system, e.g. an operator's command). Status changes
    go through the verification workflow with that actor's rights. `names`, one per path, are the names errors
    and the audit trail's reason ("import a.csv") give the files, when they aren't the paths' own (an upload
    stored under a token); readers.clean_file_name makes one of an uploaded file's name. The result keeps the
    first `shown_rows` records of each kind and outcome (result.report()).
    """
    if names is not None and len(names) != len(paths):
        raise ValueError("names: one per path")
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        importer = Importer(
            batch_size=batch_size or settings.IMPORT_BATCH_SIZE,
            max_errors=max_errors or settings.IMPORT_MAX_ERRORS,
            advance=advance or (lambda n: None),
            stage=stage or (lambda file, reader: None),
            actor=actor,
            shown_rows=shown_rows,
        )
        importer.alone = attempt > 1
        try:
            return importer.run([Path(path) for path in paths], dry_run=dry_run, names=names)
        except (DatabaseError, psycopg2.Error) as exc:
            if not concurrent_write(exc):
                raise
        if attempt < WRITE_ATTEMPTS:  # the other writer goes on meanwhile; the rerun waits for it (take_turn)
            time.sleep(random.uniform(0.05, 0.25) * attempt)  # noqa: S311 - a jitter, not a secret
    result = ImportResult(dry_run=dry_run)
    result.errors.append(ImportProblem(importer.file, "", "", CONCURRENT_WRITE))
    return result


def concurrent_write(exc: BaseException) -> bool:
    """Whether the database stopped this transaction to let a concurrent one through: a deadlock broken, or a
    serialization failure (psycopg2's TransactionRollbackError, SQLSTATE class 40; Django wraps it)."""
    seen: BaseException | None = exc
    for _depth in range(10):
        if seen is None:
            return False
        if isinstance(seen, TransactionRollbackError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
