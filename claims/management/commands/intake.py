"""`manage.py intake PATH [--dry-run] [--limit N]`: an article's checkable candidates, best first, each with the
desk's claims it matches or conflicts with. A thin wrapper around claims.intake (finder, matching); it writes
nothing (turning candidates into claims is the review's step), so --dry-run changes nothing yet."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from claims.choices import ClaimType
from claims.intake.finder import Candidate, find_candidates
from claims.intake.matching import match_candidates
from claims.quantities import format_quantity

CLAIM_TYPE_NAMES = dict(ClaimType.choices)


class Command(BaseCommand):
    help = "List an article's checkable figures, best first, with the desk's claims each matches or conflicts with."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", metavar="PATH", help="the article's text, a UTF-8 file")
        parser.add_argument("--dry-run", action="store_true", help="print only (intake writes nothing yet)")
        parser.add_argument("--limit", type=int, default=0, help="show at most this many candidates (0: all)")

    def handle(self, *args: Any, path: str, limit: int, **options: Any) -> None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise CommandError(f"{path}: no such file") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from exc
        candidates = find_candidates(text)
        matches = match_candidates(candidates)
        shown = candidates[:limit] if limit > 0 else candidates
        conflicts = sum(1 for found in matches.values() for m in found if m.kind == "conflict")
        self.stdout.write(
            f"{path}: {len(candidates)} candidates, {len(matches)} checked before or in conflict "
            f"({conflicts} conflicts)"
        )
        for rank, candidate in enumerate(shown, 1):
            self.stdout.write(self.describe(rank, candidate))
            for match in matches.get(candidates.index(candidate), []):
                style = self.style.WARNING if match.kind == "conflict" else self.style.SUCCESS
                verdict = f", verdict {match.verdict}" if match.verdict else ""
                self.stdout.write(
                    style(f"     {match.kind}: {match.message}{verdict} [similarity {match.similarity:.2f}]")
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
