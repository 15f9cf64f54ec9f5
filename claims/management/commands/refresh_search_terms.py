"""`manage.py refresh_search_terms`: choose the frequent words whose best matches are held ranked, and cut them."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.search_terms import refresh_search_terms


class Command(BaseCommand):
    help = (
        "Hold the best matches of every word in SEARCH_TERMS_MIN_MATCHES documents or more, ranked, so that a "
        "search for one of them alone reads its first pages off an index; drop the words that are no longer that "
        "frequent. Run it after a large import and then daily. Safe on a live database: each word locks the search "
        "documents against writes only while its matches are ranked."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--held", type=int, default=None, help=f"Matches held per word (default {settings.SEARCH_TERMS_HELD})."
        )
        parser.add_argument(
            "--min-matches",
            type=int,
            default=None,
            help=f"Documents a word needs to be held (default {settings.SEARCH_TERMS_MIN_MATCHES}).",
        )

    def handle(self, *args: Any, held: int | None, min_matches: int | None, **options: Any) -> None:
        for name, value in (("--held", held), ("--min-matches", min_matches)):
            if value is not None and value < 1:
                raise CommandError(f"{name} must be 1 or more, not {value}.")

        def progress(done: int, total: int, word: str) -> None:
            if self.stdout.isatty():
                self.stdout.write(f"\rWords: {done:,} of {total:,} ({word})\033[K", ending="")

        summary = refresh_search_terms(held=held, min_matches=min_matches, progress=progress)
        if self.stdout.isatty():
            self.stdout.write("")
        for line in summary.lines():
            self.stdout.write(line)
