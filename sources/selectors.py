"""Reads with rules for sources."""

import datetime as dt
import hashlib
from collections.abc import Collection, Sequence

from django.db.models import F, Q, QuerySet
from django.db.models.functions import MD5
from django.utils import timezone

from .models import Source
from .urlnorm import normalize_url


def sources_to_check(
    *, ids: Sequence[int] | None = None, stale_after: dt.timedelta | None = None, now: dt.datetime | None = None
) -> QuerySet[Source]:
    """The sources a check run should take, least recently checked first (never checked before all).

    `ids` limits the run to those sources; `stale_after` to sources not checked within that time. Sources
    without a URL are included: the run reports them as not checkable rather than leaving them out silently.
    """
    queryset = Source.objects.all()
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    if stale_after is not None:
        cutoff = (now or timezone.now()) - stale_after
        queryset = queryset.filter(Q(last_checked_at__isnull=True) | Q(last_checked_at__lt=cutoff))
    return queryset.order_by(F("last_checked_at").asc(nulls_first=True), "id").only("id", "url")


# One source per document: two URLs name the same document when they are the same after sources.urlnorm's
# normalisation, and the database holds one source per normalised URL (the constraint `source_url_unique`). Every
# door that writes a source's URL asks these first, so that a second source for an address is a clear refusal that
# names the first, not the constraint's error.
def sources_with_urls(normalized_urls: Collection[str]) -> dict[str, Source]:
    """The sources holding these normalised URLs, by normalised URL (one query; the importer's batches)."""
    if not normalized_urls:
        return {}
    found = Source.objects.filter(normalized_url__in=list(normalized_urls)).select_related("publisher")
    return {source.normalized_url: source for source in found if source.normalized_url}


def source_with_url(url: str, *, other_than: int | None = None) -> Source | None:
    """The source whose URL is `url` after normalisation, other than the source `other_than` (the one being
    edited), or None. Raises sources.urlnorm.InvalidURL for an address the desk can't normalise (not http(s))."""
    found = Source.objects.filter(normalized_url=normalize_url(url)).defer("text")
    if other_than is not None:
        found = found.exclude(pk=other_than)
    return found.first()


def source_with_text(text: str) -> Source | None:
    """The earliest source holding exactly `text`, or None: one indexed lookup on the text's md5 (the index
    `source_text_md5`), the texts themselves compared to rule out a collision."""
    if not text:
        return None
    digest = hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()
    return (
        Source.objects.annotate(text_md5=MD5("text"))
        .filter(text_md5=digest, text=text)
        .defer("text")
        .order_by("pk")
        .first()
    )
