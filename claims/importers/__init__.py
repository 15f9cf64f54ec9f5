"""The importer of claims, sources and evidence: JSON, JSONL and CSV, all or nothing. See docs/import-format.md."""

from .engine import ImportResult, import_files

__all__ = ["ImportResult", "import_files"]
