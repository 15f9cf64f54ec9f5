"""Cached public pages: the API's answer cache (factcheck.api.response_cache) for plain Django views.

    @cached_page
    def fact_check(request, pk, slug=""): ...

An anonymous GET's page is kept under a key holding the database's snapshot (`pg_current_snapshot()`), the code's
version and the absolute URL, as the API's answers are: any committed write (publishing, unpublishing, correcting a
verdict, any edit, by any door) makes the next request compute the page again, so a page is never served older than
the data; a deploy changes the code's version. Pages for signed-in readers are not cached (they may show more).
Kept: 200 pages and 410 tombstones, with their Content-Type; the middleware's headers (CSP, security) are added to
every answer, cached or not.

Settings: PUBLIC_PAGE_CACHE_SECONDS (how long an entry may live; 0 turns this off). As for the API, hits need a cache
outside PostgreSQL (CACHE_URL): with the database cache table, storing a page is itself a write.
"""

import functools
import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.db import DatabaseCache
from django.db import DEFAULT_DB_ALIAS
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import patch_vary_headers

from factcheck.api.response_cache import code_version, data_stamp

KEPT_STATUSES = (200, 410)
VARY = ("Cookie",)
MEMO_SECONDS = 300

T = TypeVar("T")


def _seconds() -> int:
    return int(getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 0))


def page_key(request: HttpRequest, stamp: str) -> str:
    raw = f"{code_version()}|{stamp}|{request.build_absolute_uri()}"
    return "page:" + hashlib.sha1(raw.encode()).hexdigest()


def cached_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """The view's page from the cache while nothing was written since it was computed (see the module's text)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        seconds = _seconds()
        user = getattr(request, "user", None)
        if seconds <= 0 or request.method not in ("GET", "HEAD") or (user is not None and user.is_authenticated):
            return view(request, *args, **kwargs)
        stamp = data_stamp(DEFAULT_DB_ALIAS)
        if stamp is None:  # inside a transaction: nothing is cached
            return view(request, *args, **kwargs)
        key = page_key(request, stamp)
        stored = cache.get(key)
        if stored is not None:
            content, status, content_type = stored
            answer = HttpResponse(content, status=status, content_type=content_type)
            answer["X-Cache"] = "hit"
            patch_vary_headers(answer, VARY)
            return answer
        response = view(request, *args, **kwargs)
        if response.status_code in KEPT_STATUSES and isinstance(response, HttpResponse) and not response.streaming:
            cache.set(key, (response.content, response.status_code, response["Content-Type"]), seconds)
            response["X-Cache"] = "miss"
            patch_vary_headers(response, VARY)
        return response

    return wrapper


def snapshot_memo(name: str, compute: Callable[[], T], *, seconds: int = MEMO_SECONDS) -> T:
    """compute()'s value as of the data now committed, for a part of a page that many pages share (the index's menu
    of publishers): kept in the shared cache under the database's snapshot, as a cached page is, so any committed
    write makes the next call compute it again and it is never older than the data, whether or not whole pages are
    cached. Computed every time inside a transaction, or with the database as the cache (storing it would be a
    write, changing the snapshot it is stored under)."""
    if isinstance(cache, DatabaseCache):
        return compute()
    stamp = data_stamp(DEFAULT_DB_ALIAS)
    if stamp is None:
        return compute()
    key = "memo:" + hashlib.sha1(f"{code_version()}|{stamp}|{name}".encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value
