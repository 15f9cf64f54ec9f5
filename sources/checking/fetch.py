"""Fetching one URL the careful way: HEAD first, redirects followed by hand, retries, caps on size and time.

Nothing here touches the database. `Fetcher.fetch(url)` always returns a FetchResult: a failure of any kind
(refused address, DNS, TLS, timeout, reset, loop, over-long body) is a `failure` with a message, never an
exception; only a cancelled run raises (CheckCancelled), so that nothing half-done is recorded.
"""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from urllib.parse import urljoin, urlsplit

import requests
from django.utils import timezone
from urllib3.exceptions import ConnectTimeoutError, HTTPError, NameResolutionError, NewConnectionError

from .addresses import AddressRefused
from .limits import CheckLimits

ALLOWED_SCHEMES = frozenset({"http", "https"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Servers that do not implement HEAD answer with these; the same URL is then asked with GET.
HEAD_REFUSED = frozenset({403, 405, 501})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
CHUNK = 64 * 1024


class CheckCancelled(Exception):
    """The run was stopped (Ctrl-C, an error elsewhere): the fetch is abandoned and not recorded."""


class FetchFailure(Exception):
    """A fetch that went wrong: its kind (see health.py), the reason in plain words for the desk ("The address could
    not be found (no such domain)") and the technical detail (the library's error text), kept for whoever
    investigates."""

    def __init__(self, kind: str, message: str, detail: str = ""):
        self.kind, self.message, self.detail = kind, message, detail
        super().__init__(message)


@dataclass
class FetchResult:
    """What asking for `url` gave. `failure` is "", "refused", "unreachable" or "broken" (see health.py).

    `body` holds a complete 2xx body only: a body over the size limit is not kept (`truncated`). `error` is a
    failure's reason in plain words, `error_detail` its technical detail.
    """

    url: str
    final_url: str = ""
    http_status: int | None = None
    content_type: str = ""
    redirects: list[dict] = field(default_factory=list)
    body: bytes | None = None
    bytes_read: int = 0
    truncated: bool = False
    failure: str = ""
    error: str = ""
    error_detail: str = ""
    notes: list[str] = field(default_factory=list)
    duration: float = 0.0


class HostSlots:
    """At most `per_host` requests in flight to any one host, across all the run's threads."""

    def __init__(self, per_host: int):
        self.per_host = max(1, per_host)
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}

    @contextmanager
    def hold(self, host: str, *, cancel: threading.Event) -> Iterator[None]:
        with self._lock:
            slot = self._slots.setdefault(host, threading.BoundedSemaphore(self.per_host))
        while not slot.acquire(timeout=0.1):
            if cancel.is_set():
                raise CheckCancelled
        try:
            yield
        finally:
            slot.release()


def answered(status: int) -> str:
    """An HTTP answer in words: "The page answered 404 Not Found"."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    return f"The page answered {status} {phrase}".rstrip()


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds from now: it is either a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - timezone.now()).total_seconds())


def _innermost(exc: BaseException) -> BaseException:
    seen = set()
    while id(exc) not in seen:
        seen.add(id(exc))
        inner = getattr(exc, "reason", None)
        if not isinstance(inner, BaseException):
            inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc.__cause__
        if inner is None:
            break
        exc = inner
    return exc


def _chain_has(exc: BaseException | None, kind: type) -> bool:
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, kind):
            return True
        seen.add(id(exc))
        inner = getattr(exc, "reason", None)
        if not isinstance(inner, BaseException):
            inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc.__cause__
        exc = inner
    return False


def _content_length(response: requests.Response) -> int | None:
    try:
        return int(response.headers["Content-Length"])
    except (KeyError, ValueError):
        return None


def _finish(response: requests.Response, method: str) -> None:
    """Hand the connection back to the pool when nothing of the answer is left to read, else close it.

    (Draining an unread body, even a small one, could take as long as a slow server wants.)
    """
    raw = response.raw
    if method == "HEAD" or raw.closed:
        raw.drain_conn()  # reads nothing: a HEAD answer has no body, a read one has no rest
        if raw.closed:
            raw.release_conn()
            return
    response.close()


class Fetcher:
    """Fetches URLs for one worker thread of a run, with that thread's session."""

    def __init__(self, *, session: requests.Session, limits: CheckLimits, slots: HostSlots, cancel: threading.Event):
        self.session, self.limits, self.slots, self.cancel = session, limits, slots, cancel
        self._deadline: float | None = None

    def fetch(self, url: str) -> FetchResult:
        result = FetchResult(url=url)
        started = time.monotonic()
        self._deadline = None
        # A previous source's cookies must not follow the next one; within a chain they may (cookie walls).
        self.session.cookies.clear()
        try:
            self._follow(url, result)
        except FetchFailure as failure:
            result.failure, result.error, result.error_detail = failure.kind, failure.message, failure.detail
        result.duration = time.monotonic() - started
        return result

    # --- the redirect chain -------------------------------------------------------------------------------
    def _follow(self, url: str, result: FetchResult) -> None:
        method, current = "HEAD", url
        visited: list[tuple[str, str]] = []
        while True:
            scheme = urlsplit(current).scheme.lower()
            if scheme not in ALLOWED_SCHEMES:
                raise FetchFailure(
                    "refused", "Refused: only http and https addresses are checked", f"{current}: scheme {scheme!r}"
                )
            if (method, current) in visited:
                chain = " → ".join(u for m, u in visited if m == method) + f" → {current}"
                raise FetchFailure("broken", "The page redirects in a loop", f"redirect loop: {chain}")
            visited.append((method, current))
            with self._exchange(method, current) as response:
                status = response.status_code
                if method == "HEAD" and status in HEAD_REFUSED:
                    result.notes.append(f"HEAD answered {status} at {current}; asked with GET")
                    method = "GET"
                    continue
                location = response.headers.get("Location", "").strip()
                if status in REDIRECT_STATUSES and location:
                    target = urljoin(current, location)
                    result.redirects.append({"method": method, "url": current, "status": status, "location": target})
                    if len(result.redirects) > self.limits.max_redirects:
                        raise FetchFailure(
                            "broken",
                            f"The page redirects more than {self.limits.max_redirects} times",
                            " → ".join(hop["location"] for hop in result.redirects),
                        )
                    current = target
                    continue
                result.final_url, result.http_status = current, status
                result.content_type = response.headers.get("Content-Type", "")[:200]
                if not 200 <= status < 300:
                    return
                length = _content_length(response)
                if length is not None and length > self.limits.max_bytes:
                    result.truncated = True
                    result.notes.append(
                        f"body of {length} bytes is over the {self.limits.max_bytes}-byte limit; not read"
                    )
                    return
                if method == "HEAD":
                    method = "GET"  # the answer is good: now read the page itself
                    continue
                self._read_body(response, result)
                return

    # --- one request, with its host slot and retries -----------------------------------------------------
    @contextmanager
    def _exchange(self, method: str, url: str) -> Iterator[requests.Response]:
        host = (urlsplit(url).hostname or "").lower()
        attempt = 0
        while True:
            if self.cancel.is_set():
                raise CheckCancelled
            error, detail = "", ""
            with self.slots.hold(host, cancel=self.cancel):
                if self._deadline is None:  # the clock starts with the first request, not in the queue
                    self._deadline = time.monotonic() + self.limits.time_limit
                remaining = self._remaining()
                try:
                    response = self.session.request(
                        method,
                        url,
                        stream=True,
                        allow_redirects=False,
                        timeout=(min(self.limits.connect_timeout, remaining), min(self.limits.read_timeout, remaining)),
                    )
                except AddressRefused as exc:
                    raise FetchFailure("refused", exc.plain, str(exc)) from exc
                except requests.exceptions.SSLError as exc:
                    raise FetchFailure(
                        "unreachable",
                        "The secure connection failed (the site's certificate or TLS setup)",
                        f"TLS error with {host}: {_innermost(exc)}",
                    ) from exc
                except requests.exceptions.ConnectionError as exc:
                    if _chain_has(exc, NameResolutionError):
                        raise FetchFailure(
                            "unreachable",
                            "The address could not be found (no such domain)",
                            f"could not resolve {host}: {_innermost(exc)}",
                        ) from exc
                    # (urllib3's NewConnectionError is a subclass of its ConnectTimeoutError.)
                    if _chain_has(exc, ConnectTimeoutError) and not _chain_has(exc, NewConnectionError):
                        error = f"The server did not accept a connection within {self.limits.connect_timeout:g} s"
                        detail = f"connecting to {host} timed out"
                    else:
                        error = "The server could not be reached: the connection failed"
                        detail = f"connection to {host} failed: {_innermost(exc)}"
                    response = None
                except requests.exceptions.Timeout as exc:
                    raise FetchFailure(
                        "unreachable",
                        f"The server did not answer within {self.limits.read_timeout:g} s",
                        f"{host} sent nothing for {self.limits.read_timeout:g} s",
                    ) from exc
                except (requests.exceptions.InvalidURL, requests.exceptions.InvalidSchema, ValueError) as exc:
                    raise FetchFailure(
                        "broken", "The address is not a usable URL", f"not a usable URL: {url!r} ({exc})"
                    ) from exc
                except requests.RequestException as exc:
                    raise FetchFailure(
                        "unreachable", "The request failed", f"request to {host} failed: {_innermost(exc)}"
                    ) from exc
                delay = None
                if response is not None:
                    delay = self._retry_delay(response, attempt)
                    if delay is None:
                        try:
                            yield response
                        except BaseException:
                            response.close()
                            raise
                        _finish(response, method)
                        return
                    _finish(response, method)
                    error, detail = answered(response.status_code), f"HTTP {response.status_code}"
            # The slot is free again while we wait: another source on the host may use it.
            if attempt >= self.limits.retries:
                raise FetchFailure("unreachable", f"{error} (tried {attempt + 1} times)", detail)
            delay = self.limits.backoff * 2**attempt if delay is None else delay
            if delay >= self._remaining():
                raise FetchFailure(
                    "unreachable",
                    f"{error}; no time was left to try again within {self.limits.time_limit:g} s",
                    detail,
                )
            if self.cancel.wait(delay):
                raise CheckCancelled
            attempt += 1

    def _retry_delay(self, response: requests.Response, attempt: int) -> float | None:
        """Seconds to wait before asking again, or None to take this answer as it is."""
        if response.status_code not in RETRY_STATUSES or attempt >= self.limits.retries:
            return None
        asked = retry_after_seconds(response.headers.get("Retry-After"))
        delay = self.limits.backoff * 2**attempt if asked is None else min(asked, self.limits.retry_after_max)
        return None if delay >= self._remaining() else delay

    def _remaining(self) -> float:
        assert self._deadline is not None, "the clock starts with the first request"
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise FetchFailure(
                "unreachable",
                f"The check gave up after {self.limits.time_limit:g} s (the time allowed for one source)",
                f"gave up after {self.limits.time_limit:g} s (time limit per source)",
            )
        return left

    # --- the body -------------------------------------------------------------------------------------------
    def _read_body(self, response: requests.Response, result: FetchResult) -> None:
        chunks, size = [], 0
        try:
            while True:
                if self.cancel.is_set():
                    raise CheckCancelled
                self._remaining()
                # read1 returns what has arrived instead of waiting for a full chunk, so a server that sends a
                # byte at a time cannot hold a read past the time limit for longer than one read timeout.
                chunk = response.raw.read1(CHUNK, decode_content=True)
                if not chunk:
                    break
                size += len(chunk)
                if size > self.limits.max_bytes:
                    result.truncated = True
                    result.notes.append(f"body over the {self.limits.max_bytes}-byte limit; reading stopped")
                    break
                chunks.append(chunk)
        except (HTTPError, OSError, requests.RequestException) as exc:
            raise FetchFailure(
                "unreachable",
                "The connection was lost while the page was being read",
                f"connection lost after {size} bytes of the body: {_innermost(exc)}",
            ) from exc
        result.bytes_read = min(size, self.limits.max_bytes)
        if not result.truncated:
            result.body = b"".join(chunks)
