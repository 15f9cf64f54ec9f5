"""The one rule that turns what a fetch gave into a source's health state.

- refused:      the URL is not http(s), or its host (or a redirect's) resolves to a non-public address
- unreachable:  no complete answer: DNS, TLS, connection errors, timeouts, the time limit, 429 after retries
- broken:       an HTTP error (4xx, 5xx after retries), a redirect loop or chain too long, a 3xx with nowhere to go
- changed:      a 2xx whose text differs from the text last seen; it stays so until someone accepts the change
- redirected:   a 2xx at another address than the one cited (by the URL normalisation rule)
- ok:           a 2xx at the cited address
"""

from dataclasses import dataclass

from ..choices import SourceHealth
from ..urlnorm import InvalidURL, normalize_url
from .fetch import FetchResult, answered


@dataclass(frozen=True)
class Verdict:
    health: str
    detail: str
    text_changed: bool = False  # this check saw a fingerprint other than the one recorded


def settled_health(*, final_url: str, cited_url: str) -> str:
    """ok or redirected, for an answer that is good and whose text is not under a pending change."""
    try:
        same = normalize_url(final_url) == normalize_url(cited_url)
    except InvalidURL:
        same = final_url == cited_url
    return SourceHealth.OK if same else SourceHealth.REDIRECTED


def judge(result: FetchResult, *, fingerprint: str, previous_fingerprint: str, change_pending: bool) -> Verdict:
    """The state for `result`. `fingerprint` is this fetch's ("" when the body was not read)."""
    if result.failure == "refused":
        return Verdict(SourceHealth.REFUSED, result.error)
    if result.failure == "broken":
        return Verdict(SourceHealth.BROKEN, result.error)
    if result.failure:
        return Verdict(SourceHealth.UNREACHABLE, result.error)
    status = result.http_status
    if status == 429:
        return Verdict(SourceHealth.UNREACHABLE, "The server asks us to slow down (429 Too Many Requests)")
    if status is None:
        return Verdict(SourceHealth.BROKEN, "The server gave no answer")
    if not 200 <= status < 300:
        detail = answered(status)
        if status in (301, 302, 303, 307, 308):
            detail += " without saying where to go"
        return Verdict(SourceHealth.BROKEN, detail)
    changed_now = bool(fingerprint and previous_fingerprint and fingerprint != previous_fingerprint)
    notes = "; ".join(result.notes)
    if changed_now or change_pending:
        return Verdict(SourceHealth.CHANGED, "The page's text changed since it was last accepted", changed_now)
    health = settled_health(final_url=result.final_url, cited_url=result.url)
    if health == SourceHealth.REDIRECTED:
        return Verdict(health, f"The page is now at {result.final_url}" + (f"; {notes}" if notes else ""))
    return Verdict(health, notes)
