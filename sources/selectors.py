"""Reads with rules for sources."""

import datetime as dt
from collections.abc import Sequence

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from .models import Source


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
