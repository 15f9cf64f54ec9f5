"""Pagination: page numbers with a capped page size (the default), or a cursor for syncing changing data.

Page mode (`?page=2&page_size=100`): `count` is exact up to settings.API_COUNT_LIMIT matches and null above it
(`count_exact: false`): counting a million rows for every page would cost more than the page itself. A view may let
the planner's estimate stand for a count far above the limit (`estimate_counts_above`: a search, whose count reads
every match); the count is null then too. Where it is null, `count_estimate` is the planner's estimate of the
matches (else the count). Counts are kept settings.API_COUNT_CACHE_SECONDS in the shared cache. In
an answer that the answer cache keeps (factcheck.api.response_cache) the count is keyed by the same database
snapshot as the answer, so it is exact for it; elsewhere a count may lag the rows by up to API_COUNT_CACHE_SECONDS.
The page size is capped at settings.API_MAX_PAGE_SIZE.

Cursor mode (`?cursor=` to start, then follow `next`): rows in the order they last changed (updated_at, id),
read by keyset, so a sync never skips or repeats a row while others edit; a row edited during the sync moves to
the end and comes again. When a sync has caught up, `next` is null and `cursor` resumes it later. A cursor is
opaque: the schema gives its alphabet and length (another string is a 400), and one that is written right but was
never given out names no place in the list, so it is a 404, as a page past the last one is (and as DRF's own cursor
pagination answers).
"""

import base64
import binascii
import datetime as dt
import hashlib
import re
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import remove_query_param, replace_query_param

from ..counts import bounded, count_or_estimate, counted, known_count
from .response_cache import answer_snapshot

MAX_NUMBER = 999_999_999  # `page` and `page_size` have at most nine digits
CURSOR_MAX_LENGTH = 120  # base64 of an ISO time with microseconds and offset, "|" and an 18-digit id: 84
CURSOR_PATTERN = r"^[A-Za-z0-9_-]*$"  # base64url without padding


def _positive_int(request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_NUMBER:
        raise ValidationError({name: [f"must be a whole number from 1 to {MAX_NUMBER}, not {raw[:40]!r}"]})
    return int(raw)


def _cached_count(
    queryset: QuerySet[Any], limit: int, *, snapshot: str | None, estimate: int = 0
) -> tuple[int | None, int | None]:
    """factcheck.counts.count_or_estimate (the exact count up to `limit`, else the planner's estimate; with
    `estimate`, a query estimated at `estimate` × limit or more is not counted), kept API_COUNT_CACHE_SECONDS in the
    shared cache per distinct query: a count scans up to `limit` index entries, more than the page itself costs.

    With a `snapshot` (the answer being built is cached under it) the entry is that snapshot's: a cached answer
    never embeds a count older than its own key. Without one, a count a few seconds old is fine.
    """
    seconds = settings.API_COUNT_CACHE_SECONDS
    if not seconds:
        return count_or_estimate(queryset, limit, estimate_first=estimate)
    sql, params = bounded(queryset)[: limit + 1].query.sql_with_params()
    raw = f"{snapshot or ''}|{queryset.db}|{estimate}|{sql}|{params!r}"
    key = "api:counted:" + hashlib.sha1(raw.encode()).hexdigest()  # (count, estimate); "api:count:" held the count
    counted = cache.get(key)
    if counted is None:
        counted = count_or_estimate(queryset, limit, estimate_first=estimate)
        cache.set(key, counted, seconds)
    return counted


def encode_cursor(updated_at: dt.datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{updated_at.isoformat()}|{pk}".encode()).decode().rstrip("=")


def decode_cursor(token: str) -> tuple[dt.datetime, int]:
    """The (updated_at, id) a cursor stands for: a 400 for a string that can't be a cursor (too long, other
    characters), a 404 for one that could be but was never given out."""
    if len(token) > CURSOR_MAX_LENGTH or not re.fullmatch(CURSOR_PATTERN, token):
        raise ValidationError(
            {"cursor": [f"is no cursor: at most {CURSOR_MAX_LENGTH} letters, digits, '-' and '_'; start: ?cursor="]}
        )
    problem = NotFound(
        "This cursor is not one the API gave out, so it names no place in the list; start again with ?cursor=."
    )
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        when, _, pk = raw.partition("|")
        updated_at = parse_datetime(when)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise problem from exc
    if updated_at is None or updated_at.tzinfo is None or not pk.isdigit() or len(pk) > 18:
        raise problem
    return updated_at, int(pk)


class PagePagination(BasePagination):
    page_query_param = "page"
    page_size_query_param = "page_size"
    cursor_query_param = "cursor"
    # Set by a view for a list whose count reads every match (a search): a factor of the count limit at which the
    # planner's estimate stands for the count (_cached_count's `estimate`); 0 counts.
    estimate_counts_above = 0

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        # Cursor mode needs a QuerySet with updated_at (the audit trail, for one, pages by number only).
        self.cursor_mode = self.cursor_query_param in request.query_params and hasattr(queryset, "filter")
        self.page_size = min(
            _positive_int(request, self.page_size_query_param, api_settings.PAGE_SIZE), settings.API_MAX_PAGE_SIZE
        )
        self.page = _positive_int(request, self.page_query_param, 1)  # checked in cursor mode too, though unused
        if self.cursor_mode:
            return self._cursor_page(queryset, request.query_params[self.cursor_query_param])
        offset = (self.page - 1) * self.page_size
        rows = list(queryset[offset : offset + self.page_size + 1])
        self.has_next = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if not rows and self.page > 1:
            raise NotFound(f"Page {self.page} is past the last page.")
        self.estimate = None
        if self.page == 1 and not self.has_next:
            self.count = len(rows)  # the whole result is on this page: no count query needed
        else:
            limit = settings.API_COUNT_LIMIT
            known, listed = known_count(queryset), counted(queryset)
            if known is not None:
                self.count, self.estimate = (known, None) if known <= limit else (None, known)
            elif hasattr(listed, "query"):
                self.count, self.estimate = _cached_count(
                    listed, limit, snapshot=answer_snapshot(request), estimate=self.estimate_counts_above
                )
            else:
                matches = listed.count()
                self.count = matches if matches <= limit else None
        return rows

    def _cursor_page(self, queryset, token: str):
        queryset = queryset.order_by("updated_at", "id")
        if token:
            updated_at, pk = decode_cursor(token)
            # (updated_at, id) > (cursor): the redundant updated_at >= bound lets the (updated_at, id) index start its
            # scan at the cursor instead of filtering every earlier row through the OR.
            queryset = queryset.filter(Q(updated_at__gte=updated_at) & (Q(updated_at__gt=updated_at) | Q(id__gt=pk)))
        rows = list(queryset[: self.page_size + 1])
        self.has_next = len(rows) > self.page_size
        rows = rows[: self.page_size]
        self.last = rows[-1] if rows else None
        self.token = token
        return rows

    def _cursor_of(self, row) -> str:
        if isinstance(row, dict):
            return encode_cursor(row["updated_at"], row["id"])
        return encode_cursor(row.updated_at, row.pk)

    def get_paginated_response(self, data, extra: dict | None = None):
        url = self.request.build_absolute_uri()
        if self.cursor_mode:
            resume = self._cursor_of(self.last) if self.last is not None else self.token
            body = {
                "next": replace_query_param(url, self.cursor_query_param, resume) if self.has_next else None,
                "cursor": resume,
                "results": data,
            }
        else:
            previous = None
            if self.page > 1:
                previous = (
                    remove_query_param(url, self.page_query_param)
                    if self.page == 2
                    else replace_query_param(url, self.page_query_param, self.page - 1)
                )
            body = {
                "count": self.count,
                "count_exact": self.count is not None,
                "count_estimate": self.count if self.count is not None else self.estimate,
                "page": self.page,
                "page_size": self.page_size,
                "next": replace_query_param(url, self.page_query_param, self.page + 1) if self.has_next else None,
                "previous": previous,
                "results": data,
            }
        if extra:
            body.update(extra)
        return Response(body)

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "in": "query",
                "required": False,
                "description": "Page number (page mode); a page past the last one is a 404.",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_NUMBER},
            },
            {
                "name": self.page_size_query_param,
                "in": "query",
                "required": False,
                "description": f"Rows per page (default {api_settings.PAGE_SIZE}); more than "
                f"{settings.API_MAX_PAGE_SIZE} is served as {settings.API_MAX_PAGE_SIZE} (the answer's `page_size`).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_NUMBER},
            },
            {
                "name": self.cursor_query_param,
                "in": "query",
                "required": False,
                "description": "Cursor mode for syncing: empty to start, then the `cursor` of the previous answer. "
                "Rows come in the order they last changed; `ordering` is ignored. A cursor the API never gave out "
                "is a 404.",
                "schema": {"type": "string", "maxLength": CURSOR_MAX_LENGTH, "pattern": CURSOR_PATTERN},
            },
        ]

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "nullable": True,
                    "description": f"Matches, exact up to {settings.API_COUNT_LIMIT}; null above, and for a search "
                    "that the database estimates far above (page mode only).",
                },
                "count_exact": {"type": "boolean"},
                "count_estimate": {
                    "type": "integer",
                    "nullable": True,
                    "description": "The matches: `count` when it is exact, else PostgreSQL's estimate of them (never "
                    f"below {settings.API_COUNT_LIMIT + 1}; page mode only).",
                },
                "page": {"type": "integer"},
                "page_size": {"type": "integer"},
                "next": {"type": "string", "format": "uri", "nullable": True},
                "previous": {"type": "string", "format": "uri", "nullable": True},
                "cursor": {"type": "string", "description": "Cursor mode: resumes after the last row."},
                "results": schema,
            },
        }
