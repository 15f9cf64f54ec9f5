"""Cached GET answers, safe because they are keyed by the database's snapshot: a change anywhere is a new key.

    cached = cached_answer(request, view)      # after authentication, permissions and throttling
    if cached is not None:
        return cached
    response = ...                               # built as usual
    return store_answer(request, view, response)

On PostgreSQL the key includes `pg_current_snapshot()`: which transactions are committed. Two reads that see the
same snapshot see the same rows in every table, so an answer computed once can be served again until anything is
written (by any door: admin, API, importer, raw SQL); the next write makes the next request miss. The snapshot is
read before the answer's own queries, which can only see as much or more: an entry is never older than its key.
The snapshot is the whole server's, so writes to other databases on it cost hits too, never correctness.

The key also holds the reader's visibility (anonymous readers see published verdicts only, see claims.selectors),
the absolute URL with its query string and the media type. Only the fast JSON renderer's answers are kept (not the
browsable API, not the streamed exports). On other databases (SQLite, the embedded default) nothing is cached.

Conditional GET comes with it: a cached list answer carries an ETag naming its key, and a request whose
If-None-Match names the current key is answered 304 without a body.

Settings: API_RESPONSE_CACHE_SECONDS (how long an entry may live; 0 turns this off).
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers

from claims.models import Claim
from claims.selectors import can_read_all_claims

from .renderers import FastJSONRenderer

KEPT_HEADERS = ("ETag", "Content-Type")
VARY = ("Accept", "Authorization", "Cookie")  # what the answer depends on, for HTTP caches between us and readers


def data_stamp() -> str | None:
    """The snapshot the next read will see (PostgreSQL), or None where no such stamp exists (nothing is cached)."""
    connection = connections[router.db_for_read(Claim)]
    if connection.in_atomic_block:
        # Inside a transaction its own writes are not in the snapshot's text: no stamp, no caching.
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        return cursor.fetchone()[0]


def _key(request, stamp: str) -> str:
    reader = "all" if can_read_all_claims(request.user) else "published"
    media = getattr(request, "accepted_media_type", "")
    raw = f"{stamp}|{reader}|{media}|{request.build_absolute_uri()}"
    return "api:answer:" + hashlib.sha1(raw.encode()).hexdigest()


def _cacheable(request) -> bool:
    return (
        settings.API_RESPONSE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and isinstance(getattr(request, "accepted_renderer", None), FastJSONRenderer)
    )


def _etag(key: str) -> str:
    return f'W/"{key.rsplit(":", 1)[1][:20]}"'


def cached_answer(request, *, conditional: bool = False) -> HttpResponse | None:
    """The stored answer to this request as its reader sees the data now, a 304, or None (compute it)."""
    request._answer_key = None
    if not _cacheable(request):
        return None
    stamp = data_stamp()
    if stamp is None:
        return None
    key = request._answer_key = _key(request, stamp)
    if conditional and _etag(key) in request.headers.get("If-None-Match", ""):
        response: HttpResponse = HttpResponseNotModified()
        response["ETag"] = _etag(key)
        return response
    stored = cache.get(key)
    if stored is None:
        return None
    content, headers = stored
    response = HttpResponse(content)
    for name, value in headers.items():
        response[name] = value
    response["X-Cache"] = "hit"
    patch_vary_headers(response, VARY)
    return response


def store_answer(request, view, response, *, conditional: bool = False):
    """Render `response` now and keep it under the key cached_answer() computed; return it."""
    key = getattr(request, "_answer_key", None)
    if key is None or response.status_code != 200:
        return response
    if conditional:
        response["ETag"] = _etag(key)
    response.accepted_renderer = request.accepted_renderer
    response.accepted_media_type = request.accepted_media_type
    response.renderer_context = view.get_renderer_context()
    response.render()
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    cache.set(key, (response.content, headers), settings.API_RESPONSE_CACHE_SECONDS)
    response["X-Cache"] = "miss"
    patch_vary_headers(response, VARY)
    return response
