"""Throttles per authenticated user and per anonymous address, counted in the shared cache (CACHES["default"]:
Redis or the database), so that a limit holds across gunicorn workers. Over the limit: 429 with Retry-After.

A fixed window per client (`5000/hour`: at most 5000 requests in each clock hour), counted with one atomic
increment: DRF's stock throttles keep every request's timestamp in a list that is read, unpickled, pickled and
written back on each request, which costs more than many of our responses at high rates. The rates are read at
each request from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] (API_THROTTLE_USER / API_THROTTLE_ANON).

A process takes its clients' requests from the shared counter in leases: one increment by n reserves n requests of
the window, which the process then serves without asking the cache again. A lease is at most THROTTLE_LEASE
requests and at most a LEASE_SHARE-th of what the window had left when the process last counted, so a small limit
(or the end of a large one's window) counts every request, as without leases. No more than the limit is ever
served in a window: the counter holds every reservation. What leases cost is the other way round: the requests a
process reserved and did not serve count against the client, so a client whose requests are spread over several
processes can be refused a little before its limit: by what the other processes hold, under THROTTLE_LEASE each
and under a LEASE_SHARE-th of what was left when they last counted. THROTTLE_LEASE = 1 counts every request in the
cache.
"""

import threading
import time

from django.conf import settings
from django.core.cache import cache
from redis.commands.core import Script
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

# The window's counter in one command, atomic as every Lua script: the increment by a lease's size, and for a new
# counter its expiry a second after the window's length. (A MULTI of SET NX and INCR took 330 µs against the
# script's 180 µs.)
_WINDOW_SCRIPT = (
    b"local n = redis.call('INCRBY', KEYS[1], ARGV[2]) "
    b"if n == tonumber(ARGV[2]) then redis.call('EXPIRE', KEYS[1], ARGV[1]) end return n"
)
_WINDOW_COUNT = Script(None, _WINDOW_SCRIPT)  # type: ignore[arg-type]  # no client of its own: each call passes one


LEASE_SHARE = 64  # a lease takes at most this share of what its window has left


def _count(key: str, seconds: int, requests: int = 1) -> int:
    """Add `requests` to the window's counter and return it; one command on Redis."""
    client = getattr(cache, "_cache", None)
    if client is not None and hasattr(client, "get_client"):  # django.core.cache.backends.redis.RedisCache
        full_key = cache.make_and_validate_key(key)
        client = client.get_client(full_key, write=True)
        return int(_WINDOW_COUNT(keys=[full_key], args=[seconds + 1, requests], client=client))
    try:
        return cache.incr(key, requests)  # the usual case: the window's counter exists
    except ValueError:
        if cache.add(key, requests, seconds + 1):
            return requests
        return cache.incr(key, requests)  # another worker created it in between


class _Leases:
    """The requests this process holds of each client's window: {client: (window's key, requests left, counter)}.
    Thread-safe (gunicorn's threaded workers); forgotten wholesale past MAX_CLIENTS (a lease lost only refuses
    early, never serves more)."""

    MAX_CLIENTS = 10_000

    def __init__(self) -> None:
        self._held: dict[str, tuple[str, int, int]] = {}
        self._lock = threading.Lock()

    def take(self, ident: str, key: str) -> bool:
        """One request from the lease held for this window, if any is left."""
        with self._lock:
            held = self._held.get(ident)
            if held is None or held[0] != key or held[1] <= 0:
                return False
            self._held[ident] = (key, held[1] - 1, held[2])
            return True

    def size(self, ident: str, key: str, limit: int) -> int:
        """How many requests the next lease of this window asks for, from the counter this process last saw."""
        held = self._held.get(ident)
        counted = held[2] if held is not None and held[0] == key else 0
        return max(1, min(settings.THROTTLE_LEASE, (limit - counted) // LEASE_SHARE))

    def keep(self, ident: str, key: str, left: int, counted: int) -> None:
        with self._lock:
            if len(self._held) >= self.MAX_CLIENTS and ident not in self._held:
                self._held.clear()
            self._held[ident] = (key, left, counted)


leases = _Leases()


class _FixedWindowThrottle(SimpleRateThrottle):
    def __init__(self):  # the parent reads the rate once here; ours reads it per request in allow_request
        self.wait_seconds = None

    def allow_request(self, request, view):
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        if not rate:
            return True
        ident = self.get_cache_key(request, view)
        if ident is None:
            return True
        limit, seconds = self.parse_rate(rate)
        now = time.time()
        window = int(now // seconds)
        key = f"{ident}:{window}"
        if leases.take(ident, key):
            return True
        size = leases.size(ident, key, limit)
        counted = _count(key, seconds, size)
        granted = min(size, limit - (counted - size))  # the lease's requests that fall within the limit
        leases.keep(ident, key, max(0, granted - 1), counted)
        if granted > 0:
            return True
        self.wait_seconds = max(1, int((window + 1) * seconds - now + 0.999))
        return False

    def wait(self):
        return self.wait_seconds


class UserThrottle(_FixedWindowThrottle):
    scope = "user"

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None
        return f"throttle:user:{request.user.pk}"


class AnonThrottle(_FixedWindowThrottle):
    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return f"throttle:anon:{self.get_ident(request)}"
