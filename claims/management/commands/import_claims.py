"""`manage.py import_claims PATH [PATH…] [--dry-run]`: a thin wrapper around claims.importers.import_files."""

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from claims.importers import import_files
from claims.importers.engine import KINDS, ImportResult
from claims.importers.readers import Reader, import_endings, is_import_file

PROGRESS_THRESHOLD = 1 << 20  # files smaller than this import too fast to need a bar


class Command(BaseCommand):
    help = "Import claims, sources, appearances and evidence from JSON, JSONL or CSV files (all or nothing)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="files, or folders whose import files to import")
        parser.add_argument("--dry-run", action="store_true", help="validate and count, write nothing")
        parser.add_argument("--no-progress", action="store_true", help="never draw a progress bar")
        parser.add_argument("--user", help="the user the audit trail names for these changes (default: the system)")

    def handle(
        self, *args: Any, paths: list[str], dry_run: bool, no_progress: bool, user: str | None = None, **options: Any
    ) -> None:
        actor = None
        if user:
            actor = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: user}).first()
            if actor is None:
                raise CommandError(f"--user: no user named {user!r}")
            if not actor.has_perm("claims.import_claims"):
                raise CommandError(f"--user: {user!r} doesn't have the admin role that imports need")
        files = expand(paths)
        total = sum(path.stat().st_size for path in files if path.is_file())
        show = not no_progress and total >= PROGRESS_THRESHOLD
        bar = tqdm(total=total, unit="B", unit_scale=True, disable=not show, file=sys.stderr, desc="import")

        def stage(file: str, reader: Reader) -> None:
            # A JSON file is read once per section after a structure pass; widen the bar as that is learnt.
            bar.set_description(Path(file).name)

        def advance(n: int) -> None:
            if bar.total is not None and bar.n + n > bar.total:
                bar.total = bar.n + n + total
            bar.update(n)

        try:
            result = import_files(files, dry_run=dry_run, advance=advance, stage=stage, actor=actor)
        finally:
            bar.close()
        self.report(result)
        if dry_run and result.ok and options.get("verbosity", 1) >= 1:
            self.records(result)
        if not result.ok:
            raise CommandError(
                f"import rejected: {len(result.errors)}{'+' if result.truncated else ''} error(s); nothing was written"
            )

    def report(self, result: ImportResult) -> None:
        for problem in result.errors:
            self.stderr.write(self.style.ERROR(str(problem)))
        if result.truncated:
            self.stderr.write(f"(stopped after {len(result.errors)} errors)")
        if result.ok:
            head = "Dry run, nothing written. Would have:" if result.dry_run else "Imported:"
            self.stdout.write(self.style.SUCCESS(head) if not result.dry_run else head)
            for kind in KINDS:
                counts = result.counts[kind]
                self.stdout.write(
                    f"  {kind:<11} {counts['created']:>9,} created {counts['updated']:>9,} updated "
                    f"{counts['unchanged']:>9,} unchanged"
                    + (f" {counts['status changed']:>9,} status changed" if counts["status changed"] else "")
                )

    def records(self, result: ImportResult) -> None:
        """The dry run's records, as the admin's preview shows them: the first of each kind and outcome, with their
        key, subject and figure, and an update's changed fields."""
        self.stdout.write(f"Records (the first {result.shown.limit} of each kind and outcome):")
        for kind in result.report().kinds:
            for outcome in kind.outcomes:
                for row in outcome.rows:
                    what = "  ".join(part for part in (row.key, row.subject, row.figure) if part)
                    self.stdout.write(f"  {kind.kind:<11} {outcome.outcome:<9} {row.file}: {row.record}  {what}")
                    for change in row.changes:
                        self.stdout.write(f"      {change.field}: {change.old or '—'} → {change.new or '—'}")
                if outcome.more:
                    self.stdout.write(f"  {kind.kind:<11} {outcome.outcome:<9} … and {outcome.more:,} more")


def expand(paths: list[str]) -> list[Path]:
    """Folders stand for the files an import reads (claims.importers.readers.IMPORT_SUFFIXES) directly in them, in
    name order."""
    files: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if is_import_file(p))
            if not found:
                raise CommandError(f"{name}: folder holds no {import_endings()} file")
            files.extend(found)
        else:
            files.append(path)
    return files
