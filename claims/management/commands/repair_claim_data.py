"""`manage.py repair_claim_data`: check the database's triggers, recount evidence, rebuild the search documents."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.maintenance import missing_triggers, rebuild_search_documents, recount_evidence


class Command(BaseCommand):
    help = (
        "Check that the database's triggers are in place, recount every claim's evidence and rebuild every claim's "
        "search document (subject, quotes, source titles). Safe to run on a live database: the search documents "
        "are rebuilt a batch per transaction."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=5000, help="Claims per transaction (default 5000).")
        parser.add_argument("--check", action="store_true", help="Only check the triggers; change nothing.")

    def handle(self, *args: Any, batch_size: int, check: bool, **options: Any) -> None:
        missing = missing_triggers()
        if missing:
            raise CommandError(
                "These database triggers are missing or disabled: "
                + ", ".join(missing)
                + ". Run `manage.py migrate` (migration claims 0010 creates them) or re-enable them,"
                " then run this again."
            )
        self.stdout.write("Triggers: all in place.")
        if check:
            return
        wrong = recount_evidence()
        self.stdout.write(f"Evidence counts: {wrong} {'claim' if wrong == 1 else 'claims'} corrected.")

        def progress(done: int, total: int) -> None:
            if self.stdout.isatty():
                self.stdout.write(f"\rSearch documents: {done:,} of {total:,}", ending="")

        done = rebuild_search_documents(batch_size=batch_size, progress=progress)
        if self.stdout.isatty():
            self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Search documents: {done:,} rebuilt."))
