"""manage.py check_sources: check the sources' URLs (health, redirects, changes, metadata, excerpts)."""

import argparse
import datetime as dt
import re
import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from sources.checking.limits import setting
from sources.models import Source
from sources.selectors import sources_to_check
from sources.services import CheckRunSummary, check_sources

DEFAULT_STALE_AFTER = dt.timedelta(days=7)
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks", "": "days"}


def parse_duration(text: str) -> dt.timedelta:
    """ "30m", "12h", "7d", "2w" (a bare number is days)."""
    match = _DURATION.match(text)
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration like 30m, 12h, 7d or 2w")
    return dt.timedelta(**{_UNITS[match.group(2)]: float(match.group(1))})


class Command(BaseCommand):
    help = (
        "Fetch the sources' URLs and record their health (ok, redirected, changed, broken, unreachable, refused), "
        "fill empty titles, dates, authors and publishers from page metadata, and flag evidence whose excerpt is "
        "gone from its page. Without options: the sources not checked in the last 7 days. Each source is saved "
        "as soon as it is done, so an interrupted run loses nothing; running it again goes on where it stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale-after",
            type=parse_duration,
            metavar="DURATION",
            help="only sources not checked within DURATION (30m, 12h, 7d, 2w); the default is 7d",
        )
        parser.add_argument("--source", type=int, nargs="+", dest="source_ids", metavar="ID", help="only these sources")
        parser.add_argument(
            "--all", action="store_true", dest="check_all", help="every source with a URL, however recently checked"
        )
        parser.add_argument(
            "--concurrency",
            type=int,
            metavar="N",
            help=f"requests at once (at most {setting('SOURCE_CHECK_PER_HOST')} per host); "
            f"default {setting('SOURCE_CHECK_CONCURRENCY')}",
        )

    def handle(self, *args, source_ids=None, stale_after=None, check_all=False, concurrency=None, **options):
        if check_all and stale_after is not None:
            raise CommandError("--all and --stale-after contradict each other; give one")
        if concurrency is not None and concurrency < 1:
            raise CommandError("--concurrency must be 1 or more")
        if source_ids:
            unknown = sorted(
                set(source_ids) - set(Source.objects.filter(pk__in=source_ids).values_list("pk", flat=True))
            )
            if unknown:
                raise CommandError(f"no source with id {', '.join(map(str, unknown))}")
        if check_all:
            stale_after = None
        elif stale_after is None and not source_ids:
            stale_after = DEFAULT_STALE_AFTER
        sources = list(sources_to_check(ids=source_ids, stale_after=stale_after))
        with_url = sum(1 for source in sources if source.url)

        summary = CheckRunSummary()
        started = time.monotonic()
        # disable=None: a bar on a terminal, nothing in cron's mail.
        with tqdm(total=with_url, unit="source", desc="checking sources", disable=None) as bar:

            def on_checked(check):
                summary.add(check)
                bar.update(1)

            try:
                result = check_sources(sources=sources, concurrency=concurrency, on_checked=on_checked)
            except KeyboardInterrupt:
                bar.close()
                self._report(summary, started)
                done = "the source above is" if summary.checked == 1 else f"the {summary.checked} sources above are"
                self.stderr.write(
                    f"Interrupted: {done} recorded. "
                    "Run the command again to check the rest (recently checked sources are skipped)."
                )
                raise
        summary.without_url = result.without_url
        self._report(summary, started)

    def _report(self, summary: CheckRunSummary, started: float) -> None:
        self.stdout.write("\n".join(summary.lines(elapsed=time.monotonic() - started)))
