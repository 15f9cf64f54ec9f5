"""Source checks: run them, record each one, fill empty bibliographic fields from the page, accept changes.

Every write of a check goes through record_source_check, one transaction per source, committed as soon as
that source is done: an interrupted run keeps everything it finished, and the next run goes on from there.
"""

import datetime as dt
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from .checking.health import judge, settled_health
from .checking.limits import CheckLimits, setting
from .checking.pages import Page
from .checking.runner import CheckOutcome, fetch_sources
from .choices import SourceHealth
from .models import Publisher, Source, SourceCheck
from .partial_dates import InvalidDate, parse_partial_date
from .signals import source_page_read
from .urlnorm import normalize_url

logger = logging.getLogger(__name__)
_DATE_PREFIX = re.compile(r"\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@dataclass
class CheckRunSummary:
    """Counts per state, and the sources a person should look at, of one run."""

    counts: Counter[str] = field(default_factory=Counter)
    without_url: int = 0
    attention: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)  # state → (id, label, detail)

    LISTED = (SourceHealth.BROKEN, SourceHealth.CHANGED)

    def add(self, check: SourceCheck) -> None:
        self.counts[check.health] += 1
        if check.health in self.LISTED:
            label = check.source.title or check.url
            self.attention.setdefault(check.health, []).append((check.source_id, label, check.source.health_detail))

    @property
    def checked(self) -> int:
        return sum(self.counts.values())

    def lines(self, *, elapsed: float | None = None) -> list[str]:
        took = f" in {elapsed:.1f} s" if elapsed is not None else ""
        lines = [f"Checked {self.checked} {'source' if self.checked == 1 else 'sources'}{took}."]
        for state in SourceHealth:
            if self.counts[state]:
                lines.append(f"  {state.label:<32} {self.counts[state]:>6}")
        if self.without_url:
            lines.append(f"  {'no URL (not checked)':<32} {self.without_url:>6}")
        for state in self.LISTED:
            if self.attention.get(state):
                lines.append(f"{state.label}:")
                lines += [f"  #{pk} {label} — {detail}" for pk, label, detail in self.attention[state]]
        return lines


def published_date(text: str) -> tuple[dt.date, str] | None:
    """(date, precision) from a page's date ("2024-05-08T10:00:00+02:00", "2024-05", "2024"), or None."""
    match = _DATE_PREFIX.match(text or "")
    if not match:
        return None
    try:
        value, precision = parse_partial_date("-".join(part for part in match.groups() if part))
    except InvalidDate:
        return None
    # Placeholder dates ("0001-01-01") and dates in the future are not publication dates.
    if value.year < 1800 or value > timezone.localdate() + dt.timedelta(days=1):
        return None
    return value, precision


def fill_source_metadata(*, source: Source, page: Page, actor: AbstractBaseUser | None = None) -> list[str]:
    """Fill the source's empty title, authors, publication date and publisher from the page's metadata.

    Never overwrites: a field a person (or an import) filled stays as it is. Returns the fields filled; the
    change is saved with a history row naming the check (and `actor`, when a person started it).
    """
    metadata, filled = page.metadata, []
    if not source.title and (metadata.title or page.title):
        source.title = (metadata.title or page.title)[:500]
        filled.append("title")
    if not source.authors and metadata.authors:
        source.authors = metadata.authors
        filled.append("authors")
    if source.published_on is None and (parsed := published_date(metadata.published)):
        source.published_on, source.published_precision = parsed
        filled += ["published_on", "published_precision"]
    if source.publisher_id is None and metadata.publisher:
        source.publisher = publisher_named(metadata.publisher)
        filled.append("publisher")
    if filled:
        # Read by django-simple-history when it writes the history row.
        source._change_reason = f"source check: filled {', '.join(filled)} from the page's metadata"  # type: ignore[attr-defined]
        if actor is not None:
            source._history_user = actor  # type: ignore[attr-defined]
        source.save(update_fields=[*filled, "updated_at"])
    return filled


def publisher_named(name: str) -> Publisher:
    """The publisher of that name, whatever its case, created when the desk has none."""
    publisher = Publisher.objects.filter(name__iexact=name).first()
    if publisher is None:
        publisher, _ = Publisher.objects.get_or_create(name=name)
    return publisher


@dataclass
class SourceFields:
    """What a new source is made of: its key (the caller derives it), its text and the bibliographic fields a
    person or a page gave ("" / None / [] where nothing did)."""

    key: str
    text: str = ""
    url: str = ""
    title: str = ""
    authors: list[str] = field(default_factory=list)
    published_on: dt.date | None = None
    published_precision: str = ""
    publisher: str = ""
    kind: str = ""
    accessed_on: dt.date | None = None


def source_create(*, fields: SourceFields, actor: AbstractBaseUser | None, reason: str) -> Source:
    """Create one source, validated by its model (full_clean: the URL, the key, the date's precision), with a
    history row naming `actor` and `reason` ("intake: pasted text"). The caller has asked the selectors whether the
    desk already holds it (source_with_url, source_with_text)."""
    with transaction.atomic():
        source = Source(
            key=fields.key,
            text=fields.text,
            url=fields.url,
            title=fields.title[:500],
            authors=list(fields.authors),
            published_on=fields.published_on,
            published_precision=fields.published_precision if fields.published_on else "",
            kind=fields.kind,
            accessed_on=fields.accessed_on,
            publisher=publisher_named(fields.publisher[:200]) if fields.publisher.strip() else None,
        )
        source.normalized_url = normalize_url(source.url) if source.url else None  # as save() sets it
        source.full_clean()
        source._change_reason = reason  # type: ignore[attr-defined]
        if actor is not None:
            source._history_user = actor  # type: ignore[attr-defined]
        source.save()
    return source


def source_fill_text(*, source: Source, text: str, actor: AbstractBaseUser | None, reason: str) -> bool:
    """Give a source that holds no text yet this one (an article brought in by the URL of a source cited without its
    text). Never replaces a text: quotes' offsets point into it. Returns whether it was filled."""
    with transaction.atomic():
        filled = Source.objects.filter(pk=source.pk, text="").update(text=text, updated_at=timezone.now())
    if filled:
        source.text = text
        logger.info("source %s: text filled (%s) by %s", source.pk, reason, actor or "the system")
    return bool(filled)


def _db_text(value: str, limit: int | None = None) -> str:
    """A string from the network as the database takes it: no NUL characters (PostgreSQL refuses them)."""
    value = value.replace("\x00", "")
    return value[:limit] if limit else value


def _since(old: object, new: object, old_since: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    return old_since if old == new and old_since is not None else now


def record_source_check(
    *, outcome: CheckOutcome, actor: AbstractBaseUser | None = None, checked_at: dt.datetime | None = None
) -> SourceCheck | None:
    """Record one fetch: a SourceCheck row, the source's current state and its metadata; tell who listens.

    A page's text is announced by signals.source_page_read (the claims app checks its evidence's excerpts
    against it) inside the same transaction. Returns None when the source was deleted, or its URL changed, while
    it was being fetched.
    """
    now = checked_at or timezone.now()
    result, page = outcome.result, outcome.page
    with transaction.atomic():
        source = Source.objects.select_for_update().defer("text").filter(pk=outcome.source_id).first()
        if source is None or source.url != result.url:
            return None  # deleted, or given another URL, while it was being fetched: this check is moot
        fingerprint = page.fingerprint if page is not None else ""
        verdict = judge(
            result,
            fingerprint=fingerprint,
            previous_fingerprint=source.fingerprint,
            change_pending=source.change_detected_at is not None,
        )
        change_detected_at = source.change_detected_at or (now if verdict.text_changed else None)
        detail = verdict.detail
        if verdict.health == SourceHealth.CHANGED:
            detail = f"The page's text changed (seen {change_detected_at:%Y-%m-%d}); accept the change once read"
        final_url = _db_text(result.final_url, 2000)
        content_type = _db_text(result.content_type, 200)
        state = {
            "health": verdict.health,
            "health_since": _since(source.health, verdict.health, source.health_since, now),
            "health_detail": _db_text(detail, 500),
            "last_checked_at": now,
            "http_status": result.http_status,
            "http_status_since": _since(source.http_status, result.http_status, source.http_status_since, now),
            "final_url": final_url,
            "final_url_since": _since(source.final_url, final_url, source.final_url_since, now),
            "content_type": content_type,
            "content_type_since": _since(source.content_type, content_type, source.content_type_since, now),
            "change_detected_at": change_detected_at,
        }
        # The fingerprint and title describe the last page read: a failed fetch leaves them as they were, so
        # that an outage is not later mistaken for a change.
        if fingerprint:
            state["fingerprint"] = fingerprint
            state["fingerprint_since"] = _since(source.fingerprint, fingerprint, source.fingerprint_since, now)
        if page is not None and page.is_html:
            state["page_title"] = page.title
        Source.objects.filter(pk=source.pk).update(**state)
        notes = [*result.notes, *(page.notes if page is not None else [])]
        check = SourceCheck.objects.create(
            source=source,
            checked_at=now,
            url=result.url,
            health=verdict.health,
            http_status=result.http_status,
            final_url=final_url,
            redirects=[
                {key: _db_text(value) if isinstance(value, str) else value for key, value in hop.items()}
                for hop in result.redirects
            ],
            content_type=content_type,
            fingerprint=fingerprint,
            bytes_read=result.bytes_read,
            duration_ms=round(result.duration * 1000),
            error=_db_text("; ".join(filter(None, [result.error, *notes]))),
            error_detail=_db_text(result.error_detail),
        )
        for name, value in state.items():
            setattr(source, name, value)
        if page is not None:
            fill_source_metadata(source=source, page=page, actor=actor)
            if page.text is not None:
                source_page_read.send(sender=Source, source_id=source.pk, page_text=page.text, checked_at=now)
    return check


def check_sources(
    *,
    sources: Iterable[Source],
    concurrency: int | None = None,
    actor: AbstractBaseUser | None = None,
    on_checked: Callable[[SourceCheck], None] | None = None,
) -> CheckRunSummary:
    """Fetch each source's URL and record what came back, each source as soon as it is done.

    Sources without a URL are not checked (they keep their state) and are counted as such. `on_checked` is
    told of each recorded check (the command's progress bar, the admin's messages).
    """
    summary = CheckRunSummary()
    items = []
    for source in sources:
        if source.url:
            items.append((source.pk, source.url))
        else:
            summary.without_url += 1
    limits = CheckLimits.from_settings()
    concurrency = concurrency or int(setting("SOURCE_CHECK_CONCURRENCY"))
    with closing(fetch_sources(items, concurrency=concurrency, limits=limits)) as outcomes:
        for outcome in outcomes:
            check = record_source_check(outcome=outcome, actor=actor)
            if check is None:
                continue
            summary.add(check)
            if on_checked is not None:
                on_checked(check)
    return summary


def accept_source_changes(*, sources: Iterable[Source], actor: AbstractBaseUser | None = None) -> int:
    """Take the pages' current text as the new reference: a changed source goes back to ok or redirected."""
    now, accepted = timezone.now(), 0
    for source in sources:
        if source.change_detected_at is None:
            continue
        state: dict[str, Any] = {"change_detected_at": None}
        if source.health == SourceHealth.CHANGED:
            health = settled_health(final_url=source.final_url, cited_url=source.url)
            state.update(health=health, health_since=now, health_detail="Page change accepted")
        Source.objects.filter(pk=source.pk).update(**state)
        logger.info("source %s: page change accepted by %s", source.pk, actor or "the system")
        accepted += 1
    return accepted
