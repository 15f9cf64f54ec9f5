"""`manage.py intake PATH_OR_URL [--accept-all] [--dry-run] [--limit N] [--min-score S]`: bring an article in (a .txt,
.html or .pdf file, or an http(s) URL) and list its candidate figures, best first, each with the desk's claims it
matches or conflicts with.

A thin wrapper: claims.intake.articles.bring_in reads the article and writes its source (or finds the one the desk
holds); claims.services.intake lists what is left to decide and, with --accept-all, accepts in one transaction every
candidate that matches no claim of the desk (one that does is skipped, and said why: it is the review's to attach
or to dismiss). --dry-run reads, fetches and matches, and writes nothing: it says what it would do.
"""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from claims.choices import ClaimType
from claims.intake.articles import ArticleFile, Intake, IntakeRefused, bring_in, intake_candidates
from claims.intake.finder import Candidate
from claims.quantities import format_quantity
from claims.services.intake import ReviewCandidate, accept_candidates
from factcheck.errors import DeskError

CLAIM_TYPE_NAMES = dict(ClaimType.choices)
VIA = "manage.py intake"


class Command(BaseCommand):
    help = (
        "Bring an article in (a .txt, .html or .pdf file, or a URL) and list its checkable figures, best first, with "
        "the desk's claims each matches or conflicts with; --accept-all makes claims of those no claim matches."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("target", metavar="PATH_OR_URL", help="a .txt (UTF-8), .html or .pdf file, or a URL")
        parser.add_argument(
            "--accept-all",
            action="store_true",
            help="accept, in one transaction, every pending candidate that matches no existing claim",
        )
        parser.add_argument("--dry-run", action="store_true", help="write nothing; say what would be done")
        parser.add_argument("--limit", type=int, default=0, help="show at most this many candidates (0: all)")
        parser.add_argument(
            "--min-score", type=int, default=None, help="only candidates scored at least this (see their `why`)"
        )
        parser.add_argument("--title", default="", help="the source's title (else the one the article declares)")
        parser.add_argument("--publisher", default="", help="the source's publisher (else the one the page declares)")

    def handle(self, *args: Any, target: str, limit: int, min_score: int | None, **options: Any) -> None:
        dry_run, accept_all = options["dry_run"], options["accept_all"]
        intake = self.bring_in(target, title=options["title"], publisher=options["publisher"], dry_run=dry_run)
        pending = intake_candidates(intake)
        if min_score is not None:
            pending = [reviewed for reviewed in pending if reviewed.candidate.score >= min_score]
        self.stdout.write(self.source_line(target, intake))
        for warning in intake.warnings:
            self.stdout.write(self.style.WARNING(f"  {warning}"))
        checked = [reviewed for reviewed in pending if reviewed.matches]
        conflicts = sum(1 for reviewed in pending for m in reviewed.matches if m.kind == "conflict")
        self.stdout.write(
            f"{target}: {len(pending)} candidates, {len(checked)} checked before or in conflict ({conflicts} conflicts)"
        )
        for reviewed in pending[:limit] if limit > 0 else pending:
            self.stdout.write(self.describe(reviewed.rank, reviewed.candidate))
            for match in reviewed.matches:
                style = self.style.WARNING if match.kind == "conflict" else self.style.SUCCESS
                verdict = f", verdict {match.verdict}" if match.verdict else ""
                self.stdout.write(
                    style(f"     {match.kind}: {match.message}{verdict} [similarity {match.similarity:.2f}]")
                )
        if accept_all:
            self.accept_all(target, intake, pending, dry_run=dry_run)

    def bring_in(self, target: str, *, title: str, publisher: str, dry_run: bool) -> Intake:
        common: dict[str, Any] = {"actor": None, "title": title, "publisher": publisher, "via": VIA, "dry_run": dry_run}
        try:
            if target.lower().startswith(("http://", "https://")):
                return bring_in(url=target, **common)
            path = Path(target)
            try:
                content = path.read_bytes()
            except FileNotFoundError as exc:
                raise CommandError(f"{target}: no such file") from exc
            except IsADirectoryError as exc:
                raise CommandError(f"{target}: a folder, not a file") from exc
            except OSError as exc:
                raise CommandError(f"{target}: {exc.strerror}") from exc
            return bring_in(file=ArticleFile(path.name, content), **common)
        except IntakeRefused as exc:
            raise CommandError(f"{target}: {exc.message}") from exc

    @staticmethod
    def source_line(target: str, intake: Intake) -> str:
        source = intake.source
        label = source.title or source.url or f"{len(source.text):,} characters of text"
        if intake.created and intake.dry_run:
            return f"{target}: would create a source ({label}); dry run, nothing written"
        if intake.created:
            return f"{target}: created source #{source.pk} ({label})"
        return f"{target}: the desk already holds it as source #{source.pk} ({label})"

    def accept_all(self, target: str, intake: Intake, pending: list[ReviewCandidate], *, dry_run: bool) -> None:
        wanted = [reviewed for reviewed in pending if not reviewed.matches]
        for reviewed in pending:
            if not reviewed.matches:
                continue
            first, span = reviewed.matches[0], f"“{reviewed.candidate.text}” at {reviewed.key}"
            if first.kind == "conflict":
                why = f"in conflict with claim #{first.claim_id} ({first.message}); decide it in the review"
            else:
                why = f"matches claim #{first.claim_id} ({first.subject}); attach or dismiss it in the review"
            self.stdout.write(f"  skipped {span}: {why}")
        if not wanted:
            self.stdout.write("Nothing to accept: every candidate matches a claim of the desk.")
            return
        if dry_run:
            keys = ", ".join(f"“{r.candidate.text}” ({r.key})" for r in wanted)
            self.stdout.write(f"Would accept {len(wanted)} candidates as new claims: {keys}; dry run, nothing written")
            return
        try:
            claims = accept_candidates(
                source=intake.source,
                spans=[(r.candidate.start, r.candidate.end) for r in wanted],
                actor=None,
                via=VIA,
            )
        except DeskError as exc:
            raise CommandError(f"{target}: nothing accepted: {exc.message}") from exc
        skipped = len(pending) - len(wanted)
        self.stdout.write(
            self.style.SUCCESS(
                f"Accepted {len(claims)} candidates as claims "
                f"{', '.join(f'#{claim.pk}' for claim in claims)}; skipped {skipped} that match claims of the desk."
            )
        )

    @staticmethod
    def describe(rank: int, candidate: Candidate) -> str:
        figure = format_quantity(candidate.value, candidate.unit, candidate.qualifier, candidate.lower, candidate.upper)
        parts = [figure or "(no figure)", candidate.period, CLAIM_TYPE_NAMES.get(candidate.claim_type, "")]
        return (
            f"{rank:3}. [{candidate.score:+d}] “{candidate.text}” at {candidate.start}–{candidate.end}: "
            f"{', '.join(p for p in parts if p)}; subject: {candidate.subject or '?'}\n"
            f"     why: {'; '.join(candidate.reasons)}\n"
            f"     in: {' '.join(candidate.sentence.split())[:200]}"
        )
