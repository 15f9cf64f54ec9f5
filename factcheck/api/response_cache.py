"""Cached GET answers, safe because they are keyed by the database's snapshot and the code that shaped them.

    cached = cached_answer(request, scope=..., using=...)   # after authentication, permissions and throttling
    if cached is not None:
        return cached
    response = ...                                          # built as usual
    return store_answer(request, view, response)

The key holds, besides the absolute URL with its query string and the media type:
- `pg_current_snapshot()` of the caller's database: which transactions are committed. Two reads that see the same
  snapshot see the same rows in every table, so an answer computed once can be served again until anything is
  written (by any door: admin, API, importer, raw SQL); the next write makes the next request miss. The snapshot is
  read before the answer's own queries, which can only see as much or more: an entry is never older than its key.
  The snapshot is the whole server's, so writes to other databases on it cost hits too, never correctness. So do
  the cache's own writes when the cache is the database table: hits need a cache outside PostgreSQL (CACHE_URL).
- code_version(): a digest of the project's own source files (the framework and the apps under BASE_DIR,
  migrations included), so that after a deploy no process serves an answer shaped by the code before it, even
  while old and new processes share one cache.
- the caller's `scope`: whatever else its answers depend on, e.g. the reader's visibility (the claims API passes
  whether the reader sees every claim or the published ones). This module knows no app.

Anything embedded in an answer that is cached on its own must be keyed by the same snapshot: the paginator keys
its counts by answer_snapshot(request) (factcheck.api.pagination). Only the fast JSON renderer's answers are kept
(not the browsable API, not the streamed exports).

Conditional GET comes with it: a cached list answer carries an ETag naming its key, and a request whose
If-None-Match names the current key is answered 304 without a body.

Settings: API_RESPONSE_CACHE_SECONDS (how long an entry may live; 0 turns this off).
"""

import functools
import hashlib
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .renderers import FastJSONRenderer

KEPT_HEADERS = ("ETag", "Content-Type")
VARY = ("Accept", "Authorization", "Cookie")  # what the answer depends on, for HTTP caches between us and readers
FRAMEWORK_DIR = Path(__file__).resolve().parent.parent  # the factcheck package
STATE = "_answer_cache"  # the request's attribute holding its _Keyed, between cached_answer() and store_answer()


@dataclass(frozen=True)
class _Keyed:
    key: str
    snapshot: str


def source_fingerprint(directories: Iterable[Path]) -> str:
    """A digest of every .py file under `directories` (their paths and contents): any change of code is a new one."""
    digest = hashlib.sha256()
    for directory in sorted(set(directories)):
        for path in sorted(directory.rglob("*.py")):
            digest.update(str(path.relative_to(directory.parent)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def code_directories() -> list[Path]:
    """The project's own code: the framework and the installed apps under BASE_DIR, less those of the Python
    installation (a virtualenv inside the checkout holds the third-party apps)."""
    base, installed = Path(settings.BASE_DIR).resolve(), Path(sys.prefix).resolve()
    own_apps = [Path(config.path).resolve() for config in apps.get_app_configs()]
    return [FRAMEWORK_DIR, *(p for p in own_apps if p.is_relative_to(base) and not p.is_relative_to(installed))]


@functools.cache
def code_version() -> str:
    """The fingerprint of the code this process runs (code_directories), computed once per process."""
    return source_fingerprint(code_directories())


def data_stamp(using: str = DEFAULT_DB_ALIAS) -> str | None:
    """The snapshot the next read on `using` will see, or None inside a transaction (then nothing is cached)."""
    connection = connections[using]
    if connection.in_atomic_block:
        # Inside a transaction its own writes are not in the snapshot's text: no stamp, no caching.
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        row = cursor.fetchone()
    return str(row[0])


def _keyed(request: Request) -> _Keyed | None:
    state = getattr(request, STATE, None)
    return state if isinstance(state, _Keyed) else None


def answer_snapshot(request: Request) -> str | None:
    """The snapshot this request's answer is keyed by, or None when it is not cached (see the module's text)."""
    keyed = _keyed(request)
    return keyed.snapshot if keyed is not None else None


def _key(request: Request, *, stamp: str, scope: str) -> str:
    media = getattr(request, "accepted_media_type", "")
    raw = f"{code_version()}|{stamp}|{scope}|{media}|{request.build_absolute_uri()}"
    return "api:answer:" + hashlib.sha1(raw.encode()).hexdigest()


def _cacheable(request: Request) -> bool:
    return (
        settings.API_RESPONSE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and isinstance(getattr(request, "accepted_renderer", None), FastJSONRenderer)
    )


def _etag(key: str) -> str:
    return f'W/"{key.rsplit(":", 1)[1][:20]}"'


def cached_answer(
    request: Request, *, scope: str, using: str = DEFAULT_DB_ALIAS, conditional: bool = False
) -> HttpResponseBase | None:
    """The stored answer to this request as of the data now on `using`, a 304, or None (compute it).

    `scope` names what else the answer depends on (the reader's visibility); readers of different scopes never
    share an entry.
    """
    setattr(request, STATE, None)
    if not _cacheable(request):
        return None
    stamp = data_stamp(using)
    if stamp is None:
        return None
    key = _key(request, stamp=stamp, scope=scope)
    setattr(request, STATE, _Keyed(key=key, snapshot=stamp))
    if conditional and _etag(key) in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
        response["ETag"] = _etag(key)
        return response
    stored = cache.get(key)
    if stored is None:
        return None
    content, headers = stored
    answer = HttpResponse(content)
    for name, value in headers.items():
        answer[name] = value
    answer["X-Cache"] = "hit"
    patch_vary_headers(answer, VARY)
    return answer


def store_answer(request: Request, view: APIView, response: Response, *, conditional: bool = False) -> Response:
    """Render `response` now and keep it under the key cached_answer() computed; return it."""
    keyed = _keyed(request)
    if keyed is None or response.status_code != 200:
        return response
    key = keyed.key
    if conditional:
        response["ETag"] = _etag(key)
    response.accepted_renderer = request.accepted_renderer
    response.accepted_media_type = request.accepted_media_type
    response.renderer_context = view.get_renderer_context()  # type: ignore[attr-defined]  # DRF sets it; unstubbed
    response.render()
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    cache.set(key, (response.content, headers), settings.API_RESPONSE_CACHE_SECONDS)
    response["X-Cache"] = "miss"
    patch_vary_headers(response, VARY)
    return response
