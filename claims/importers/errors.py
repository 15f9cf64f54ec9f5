"""What can go wrong in an import, said so that a person can find and fix it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ImportProblem:
    """One error: which file, which record (JSON `claims[12]`, CSV/JSONL `line 14`), which field, what's wrong;
    and, where known, the record's kind and natural key, so that a preview shows the error with its record."""

    file: str
    record: str
    field: str
    message: str
    kind: str = ""
    key: str = ""

    def __str__(self) -> str:
        where = ": ".join(part for part in (self.file, self.record) if part)
        field = f"field '{self.field}': " if self.field else ""
        return f"{where}: {field}{self.message}"


class FieldError(Exception):
    """Raised by record validation for one field. `record_key` is the natural key the raw record gives, if any
    (set by the engine, for the report)."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.record_key = ""


class FileProblem(Exception):
    """Raised when a whole file can't be read: missing, empty, not UTF-8, malformed, unknown layout."""

    def __init__(self, message: str, record: str = "", field: str = ""):
        super().__init__(message)
        self.message = message
        self.record = record
        self.field = field


class TooManyErrors(Exception):
    """Raised to stop an import once it has collected as many errors as it reports."""
