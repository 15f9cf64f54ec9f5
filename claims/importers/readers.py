"""Streaming readers: JSON (one object with sections), JSONL and CSV, turned into (kind, where, record) items.

Nothing here holds a whole file in memory: JSON is read with ijson, one section item at a time; JSONL and CSV
line by line. Each reader reports the bytes it has read so that the command can draw a progress bar.

Memory stays bounded whatever the file: a record (a JSON section's item, a JSONL line, a CSV row) may take at most
settings.IMPORT_MAX_RECORD_BYTES, and JSON is checked by scan.JSONScanner (nesting, string length, digit runs)
on its bytes before the parser gets them. Each limit broken is a FileProblem naming the record or line.
"""

import codecs
import csv
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from decimal import Decimal
from itertools import compress, tee
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import ijson
from django.conf import settings

from .errors import FileProblem
from .records import CLAIM_FIELDS
from .scan import MAX_DIGITS, JSONScanner, check_json_line

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

SECTIONS = ("publishers", "sources", "claims", "appearances", "evidence")
KIND_OF_SECTION = {
    "publishers": "publisher",
    "sources": "source",
    "claims": "claim",
    "appearances": "appearance",
    "evidence": "evidence",
}
FORMAT = "factcheck-import/1"
# A CSV row holds a claim without its nested lists, the source it appears in and that appearance.
CSV_CLAIM_COLUMNS = tuple(name for name in CLAIM_FIELDS if name not in ("appearances", "evidence"))
CSV_SOURCE_COLUMNS = ("source_key", "source_url", "source_title", "source_publisher")
CSV_APPEARANCE_COLUMNS = ("quote", "claimant", "date", "start")
CSV_COLUMNS = CSV_CLAIM_COLUMNS + CSV_SOURCE_COLUMNS + CSV_APPEARANCE_COLUMNS
CHUNK = 1 << 16
TOP_PREFIXES = frozenset({"", "$schema", "format", *SECTIONS})  # the events of the document's top level
# Malformed JSON this small is parsed again by json to point at its line and column (objects discarded as they are
# read, so that memory stays within a few times this).
SMALL_FILE = 4 << 20


class Item(NamedTuple):
    kind: str  # publisher, source, source_ref (CSV: create if missing), claim, appearance, evidence
    where: str  # "claims[12]" or "line 14"
    raw: dict[str, Any]
    size: int = 0  # about how many bytes of the file it took (the engine keeps the bytes it holds bounded)


def max_record_bytes() -> int:
    """The most bytes one record may take (settings.IMPORT_MAX_RECORD_BYTES)."""
    return int(settings.IMPORT_MAX_RECORD_BYTES)


def _too_large(limit: int) -> str:
    return f"is a record of more than {limit:,} bytes (at most IMPORT_MAX_RECORD_BYTES)"


class CountingReader(io.RawIOBase):
    """A binary file that reports how many bytes have been read, and optionally checks they are UTF-8."""

    def __init__(
        self,
        path: Path,
        advance: Callable[[int], None],
        *,
        check_utf8: bool = False,
        limit: int | None = None,
        scanner: JSONScanner | None = None,
        guard: Callable[[int], None] | None = None,
    ):
        self._file = open(path, "rb")  # noqa: SIM115 - closed by close()
        self._advance = advance
        self._decoder = codecs.getincrementaldecoder("utf-8")() if check_utf8 else None
        self._offset = 0
        self._limit = limit  # read no further than this offset: the file seems to end there
        self._scanner = scanner  # sees every chunk before the parser does
        self._guard = guard  # told the offset after each read; raises to stop

    @property
    def offset(self) -> int:
        return self._offset

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: "WriteableBuffer") -> int:
        view = memoryview(buffer)
        if self._limit is not None:
            view = view[: max(0, self._limit - self._offset)]
            if not len(view):
                return 0
        count = self._file.readinto(view)
        if count:
            if self._decoder is not None or self._scanner is not None:
                data = bytes(view[:count])
                if self._decoder is not None:
                    try:
                        self._decoder.decode(data)
                    except UnicodeDecodeError as exc:
                        raise FileProblem(
                            f"is not UTF-8 text: invalid byte at offset {self._offset + exc.start}"
                        ) from exc
                if self._scanner is not None:
                    self._scanner.feed(data)
            self._offset += count
            self._advance(count)
            if self._guard is not None:
                self._guard(self._offset)
        return count

    def close(self) -> None:
        self._file.close()
        super().close()


def check_file(path: Path) -> int:
    """The file's size; a missing, unreadable or empty file is a FileProblem."""
    if not path.exists():
        raise FileProblem("file not found")
    if not path.is_file():
        raise FileProblem("is not a file")
    size = path.stat().st_size
    if size == 0:
        raise FileProblem("is empty")
    return size


class Reader:
    """The common shape of a reader: `passes` full reads of the file, `items()` yields Items."""

    suffixes: tuple[str, ...] = ()

    def __init__(self, path: Path, advance: Callable[[int], None]):
        self.path = path
        self.size = check_file(path)
        self.advance = advance
        self.passes = 1

    def items(self) -> Iterator[Item]:  # pragma: no cover - abstract
        raise NotImplementedError


class JSONReader(Reader):
    """`{"publishers": [...], "sources": [...], "claims": [...], ...}`, read section by section."""

    suffixes = (".json",)

    def _malformed(self, exc: Exception) -> FileProblem:
        if self.size <= SMALL_FILE:
            data = self.path.read_bytes()
            JSONScanner(max_string_bytes=max_record_bytes()).feed(data)  # json.loads goes on where ijson stopped
            try:
                json.loads(data, object_pairs_hook=_discard, parse_int=_discard, parse_float=_discard)
            except json.JSONDecodeError as parsed:
                return FileProblem(f"is not valid JSON: {parsed.msg} at line {parsed.lineno}, column {parsed.colno}")
            except (UnicodeDecodeError, ValueError, RecursionError):
                pass
        return FileProblem(f"is not valid JSON: {str(exc).splitlines()[0]}")

    def _structure(self) -> tuple[dict[str, int], dict[str, int]]:
        """One streaming pass: UTF-8, within the scanner's limits, well-formed, the known sections, each a list.
        Returns {section: the offset by which its list had begun}, and {section: the offset by which it has ended}:
        the byte the parser had read up to when it met the list's start, and its end.

        The parsing runs in C; Python sees only the events of the top level (itertools filters the rest), so this
        pass costs about what one parse does. Items that aren't objects are reported by record validation.
        """
        starts: dict[str, int] = {}
        ends: dict[str, int] = {}
        scanner = JSONScanner(max_string_bytes=max_record_bytes())
        stream = CountingReader(self.path, self.advance, check_utf8=True, scanner=scanner)
        try:
            events, prefixes = tee(ijson.parse(stream, use_float=False))
            top = compress(events, map(TOP_PREFIXES.__contains__, map(itemgetter(0), prefixes)))
            prefix, event, value = next(top, (None, None, None))
            if event is None:
                raise FileProblem("is empty")
            if event != "start_map":
                raise FileProblem("must hold one JSON object with the sections " + ", ".join(SECTIONS))
            for prefix, event, value in top:
                if prefix == "" and event == "map_key":
                    if value not in SECTIONS and value not in ("$schema", "format"):
                        raise FileProblem(f"unknown section {value!r}; expected: {', '.join(SECTIONS)}", field=value)
                    if value in starts:
                        raise FileProblem(f"has the section {value!r} twice", field=value)
                elif prefix == "format" and event != "string" or prefix == "format" and value != FORMAT:
                    raise FileProblem(f"format {value!r} is not {FORMAT!r}", field="format")
                elif prefix in SECTIONS:
                    if event not in ("start_array", "end_array"):
                        raise FileProblem("must be a list", record=prefix)
                    if event == "start_array":
                        starts[prefix] = stream.offset
                    if event == "end_array":
                        ends[prefix] = stream.offset
        except ijson.JSONError as exc:
            raise self._malformed(exc) from exc
        finally:
            stream.close()
        return starts, ends

    def items(self) -> Iterator[Item]:
        starts, ends = self._structure()
        self.passes = 1 + len(ends)
        yielded = False
        limit = max_record_bytes()
        for section in SECTIONS:
            if section not in ends:
                continue
            guard = RecordGuard(section, starts[section], limit)
            # Each section is read from the file's start, but only as far as its list goes (the publishers and
            # sources of an export take a few megabytes at its head); the parser then meets the cut-off's end.
            stream = CountingReader(self.path, self.advance, limit=ends[section], guard=guard)
            try:
                for index, raw in enumerate(ijson.items(stream, f"{section}.item", use_float=False)):
                    yielded = True
                    size = guard.record_read(stream.offset)
                    yield Item(KIND_OF_SECTION[section], f"{section}[{index}]", raw, size)
            except ijson.IncompleteJSONError:
                if ends[section] >= self.size:
                    raise
            finally:
                stream.close()
        if not yielded:
            raise FileProblem("holds no records")


class RecordGuard:
    """Stops a section's read once the record being built has taken more than `limit` bytes since the last one
    ended (give or take a chunk): the parser holds a record whole until its end. Offsets before the section's
    start (the read begins at the file's start) don't count."""

    def __init__(self, section: str, start: int, limit: int) -> None:
        self.section, self.read_to, self.limit, self.index = section, start, limit, 0

    def __call__(self, offset: int) -> None:
        if offset - self.read_to > self.limit + CHUNK:
            raise FileProblem(_too_large(self.limit), record=f"{self.section}[{self.index}]")

    def record_read(self, offset: int) -> int:
        """Note that a record ended with the read at `offset`; about how many bytes it took."""
        size, self.read_to = max(0, offset - self.read_to), offset
        self.index += 1
        return size


class JSONLinesReader(Reader):
    """One record per line, each with a "type"."""

    suffixes = (".jsonl", ".ndjson")
    kinds = ("publisher", "source", "claim", "appearance", "evidence")

    def items(self) -> Iterator[Item]:
        seen_any = False
        limit = max_record_bytes()
        stream = CountingReader(self.path, self.advance)
        lines = io.BufferedReader(stream, CHUNK)
        try:
            for number, line in enumerate(iter(lambda: lines.readline(limit + 1), b""), start=1):
                if len(line) > limit:
                    raise FileProblem(_too_large(limit), record=f"line {number}")
                try:
                    check_json_line(line, max_string_bytes=limit)
                except FileProblem as exc:
                    raise FileProblem(exc.message, record=f"line {number}") from exc
                try:
                    text = line.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise FileProblem(
                        f"is not UTF-8 text (byte {exc.start + 1} of the line)", record=f"line {number}"
                    ) from exc
                if not text.strip():
                    continue
                try:
                    raw = json.loads(text, parse_int=_int, parse_float=Decimal)  # as ijson's use_float=False
                except json.JSONDecodeError as exc:
                    raise FileProblem(
                        f"is not valid JSON: {exc.msg} at column {exc.colno}", record=f"line {number}"
                    ) from exc
                except FileProblem as exc:
                    raise FileProblem(exc.message, record=f"line {number}") from exc
                if not isinstance(raw, dict):
                    raise FileProblem("must be a JSON object", record=f"line {number}")
                kind = raw.pop("type", None)
                if kind not in self.kinds:
                    raise FileProblem(
                        f"{kind!r} is not one of: {', '.join(self.kinds)}", record=f"line {number}", field="type"
                    )
                seen_any = True
                yield Item(kind, f"line {number}", raw, len(line))
        finally:
            stream.close()
        if not seen_any:
            raise FileProblem("holds no records")


def _int(digits: str) -> int:
    """A JSON integer, refused beyond MAX_DIGITS digits (int() of a long one costs time, and fails past 4,300)."""
    if len(digits) > MAX_DIGITS + 1:
        raise FileProblem(f"holds a number of more than {MAX_DIGITS} digits")
    return int(digits)


def _discard(_value: object) -> None:
    """What a malformed file's values are parsed into while looking for its first error: nothing."""
    return None


class CSVReader(Reader):
    """A fact-checker's spreadsheet: one claim per row, with the source and quote it appears in."""

    suffixes = (".csv",)

    def items(self) -> Iterator[Item]:
        stream = CountingReader(self.path, self.advance)
        text = io.TextIOWrapper(io.BufferedReader(stream, CHUNK), encoding="utf-8-sig", newline="")
        limit = max_record_bytes()
        row_chars = [0]  # the characters of the row being read, over its lines (a quoted cell may hold newlines)
        line = 1

        def bounded_lines() -> Iterator[str]:
            for piece in iter(lambda: text.readline(limit + 1), ""):
                row_chars[0] += len(piece)
                if row_chars[0] > limit:
                    raise FileProblem(_too_large(limit), record=f"line {line + 1}")
                yield piece

        rows = csv.reader(bounded_lines())
        try:
            header = next(rows, None)
            if header is None:
                raise FileProblem("is empty")
            header = [name.strip() for name in header]
            self._check_header(header)
            seen_any = False
            row_chars[0] = 0
            for row in rows:
                line = rows.line_num
                size, row_chars[0] = row_chars[0], 0
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) > len(header):
                    raise FileProblem(f"has {len(row)} cells but the header has {len(header)}", record=f"line {line}")
                values = {name: cell for name, cell in zip(header, row, strict=False) if cell.strip() != ""}
                seen_any = True
                yield from self._row_items(values, f"line {line}", size)
            if not seen_any:
                raise FileProblem("holds no records (only a header)")
        except UnicodeDecodeError as exc:
            raise FileProblem(f"is not UTF-8 text (invalid byte near line {line + 1})") from exc
        except csv.Error as exc:
            raise FileProblem(f"is not valid CSV: {exc}", record=f"line {rows.line_num}") from exc
        finally:
            text.close()

    @staticmethod
    def _check_header(header: list[str]) -> None:
        for name in header:
            if name not in CSV_COLUMNS:
                raise FileProblem(
                    f"unknown column {name!r}; expected some of: {', '.join(CSV_COLUMNS)}", record="line 1", field=name
                )
        duplicates = {name for name in header if header.count(name) > 1}
        if duplicates:
            raise FileProblem(f"column {sorted(duplicates)[0]!r} appears twice", record="line 1")
        if "subject" not in header or "claim_type" not in header:
            raise FileProblem("the header needs at least the columns subject and claim_type", record="line 1")

    @staticmethod
    def _row_items(values: dict[str, Any], where: str, size: int) -> Iterator[Item]:
        claim = {name: values[name] for name in CSV_CLAIM_COLUMNS if name in values}
        source = {name.removeprefix("source_"): values[name] for name in CSV_SOURCE_COLUMNS if name in values}
        if "quote" in values:
            if not source:
                raise FileProblem(
                    "a quote needs its source: source_key, source_url or source_title", record=where, field="quote"
                )
            yield Item("source_ref", where, source, 0)
            reference = {key: source[key] for key in ("key", "url", "title", "publisher") if key in source}
            appearance = {"source": reference} | {
                name: values[name] for name in CSV_APPEARANCE_COLUMNS if name in values
            }
            claim["appearances"] = [appearance]
        elif source or any(name in values for name in CSV_APPEARANCE_COLUMNS):
            raise FileProblem("source and appearance columns need a quote", record=where, field="quote")
        yield Item("claim", where, claim, size)


READERS = (JSONReader, JSONLinesReader, CSVReader)
# The file endings an import reads, each reader's own: the command (folders), the admin upload and open_reader
# accept these and no other.
IMPORT_SUFFIXES: tuple[str, ...] = tuple(suffix for reader in READERS for suffix in reader.suffixes)


def is_import_file(name: str | Path) -> bool:
    """Whether a file of this name is one an import reads (by its ending, in any case)."""
    return Path(name).suffix.lower() in IMPORT_SUFFIXES


def import_endings() -> str:
    """The endings for a message: ".json, .jsonl, .ndjson or .csv"."""
    return f"{', '.join(IMPORT_SUFFIXES[:-1])} or {IMPORT_SUFFIXES[-1]}"


FILE_NAME_LENGTH = 100


def clean_file_name(name: str) -> str:
    """An uploaded file's name as an import reports it and the audit trail records it ("import claims.csv"): its
    last path part, without control or format characters, spaces collapsed, at most FILE_NAME_LENGTH characters
    with its ending kept; "upload" when nothing is left. (HTML is escaped where it is shown, not here.)"""
    base = re.split(r"[\\/]", name)[-1]
    base = "".join(" " if unicodedata.category(char)[0] in "CZ" else char for char in base)
    base = " ".join(base.split()).strip(" .") or "upload"
    if len(base) > FILE_NAME_LENGTH:
        suffix = Path(base).suffix[:16]
        base = base[: FILE_NAME_LENGTH - len(suffix) - 1].rstrip() + "…" + suffix
    return base


# A CSV file that imports as it is: the header is CSV_COLUMNS, in order; each example gives some of them (a column
# an example names that isn't one is an error when the template is written, so that the two can't drift apart).
CSV_EXAMPLES: tuple[dict[str, str], ...] = (
    {
        "key": "example-china-russia-trade-2024",
        "subject": "China–Russia bilateral trade",
        "claim_type": "current_value",
        "quantity": "approximately $245 billion",
        "period": "2024",
        "quote": "trade between the two countries reached approximately $245 billion in 2024",
        "source_url": "https://example.org/news/china-russia-trade",
        "source_title": "China and Russia: a partnership in numbers",
        "source_publisher": "Example News",
        "date": "2025-01-15",
    },
    {
        "key": "example-summit-meetings",
        "subject": "Meetings between the two leaders",
        "claim_type": "current_value",
        "value": "42",
        "unit": "count",
        "qualifier": "over",
        "period": "2013/2024",
        "status": "unverified",
        "quote": "the two leaders have met over 42 times",
        "source_key": "example-interview-2024",
        "source_title": "Interview with a foreign-policy adviser",
        "claimant": "a foreign-policy adviser",
    },
)


def csv_template() -> str:
    """A CSV file to fill in: the header (every column the CSV reader takes) and the example rows."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="raise", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(CSV_EXAMPLES)
    return out.getvalue()


def open_reader(path: Path, advance: Callable[[int], None]) -> Reader:
    for reader in READERS:
        if path.suffix.lower() in reader.suffixes:
            return reader(path, advance)
    raise FileProblem(f"has an unknown ending {path.suffix!r}; expected {import_endings()}")
