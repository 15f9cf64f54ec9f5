"""The source check's settings and their defaults, read in one place.

Every value can be set in the Django settings under the name on the left; the tests shrink the timeouts
and sizes so that a run against their local server takes a fraction of a second.
"""

from dataclasses import dataclass

from django.conf import settings

DEFAULTS = {
    # Lets the check reach loopback and private (RFC 1918, fc00::/7) addresses: for tests and local setups
    # only. Link-local, multicast, reserved and cloud metadata addresses stay refused either way.
    "SOURCE_CHECK_ALLOW_PRIVATE": False,
    "SOURCE_CHECK_USER_AGENT": (
        "factcheck-desk-source-check/0.1 (link checker of a fact-checking desk; reads each cited page once per run)"
    ),
    "SOURCE_CHECK_CONCURRENCY": 8,  # requests in flight at once, over all hosts
    "SOURCE_CHECK_PER_HOST": 2,  # requests in flight at once to one host
    "SOURCE_CHECK_CONNECT_TIMEOUT": 5.0,  # seconds
    "SOURCE_CHECK_READ_TIMEOUT": 15.0,  # seconds without a byte from the server
    "SOURCE_CHECK_TIME_LIMIT": 60.0,  # seconds for one source, redirects and retries included
    "SOURCE_CHECK_MAX_BYTES": 5 * 1024 * 1024,  # a body is read up to this size, the rest is not fetched
    "SOURCE_CHECK_MAX_REDIRECTS": 10,
    "SOURCE_CHECK_RETRIES": 2,  # further attempts after a connection error, a 429 or a 5xx
    "SOURCE_CHECK_BACKOFF": 1.0,  # seconds before the first retry, doubled for each further one
    "SOURCE_CHECK_RETRY_AFTER_MAX": 30.0,  # a server's Retry-After is honoured up to this many seconds
    "SOURCE_CHECK_ADMIN_MAX": 1000,  # the admin's "check now" queues one job of at most this many sources
}


def setting(name: str):
    """The Django setting `name`, or its default above."""
    return getattr(settings, name, DEFAULTS[name])


@dataclass(frozen=True)
class CheckLimits:
    """The limits one run works within (read from the settings when the run starts)."""

    user_agent: str
    per_host: int
    connect_timeout: float
    read_timeout: float
    time_limit: float
    max_bytes: int
    max_redirects: int
    retries: int
    backoff: float
    retry_after_max: float

    @classmethod
    def from_settings(cls) -> "CheckLimits":
        return cls(
            user_agent=setting("SOURCE_CHECK_USER_AGENT"),
            per_host=int(setting("SOURCE_CHECK_PER_HOST")),
            connect_timeout=float(setting("SOURCE_CHECK_CONNECT_TIMEOUT")),
            read_timeout=float(setting("SOURCE_CHECK_READ_TIMEOUT")),
            time_limit=float(setting("SOURCE_CHECK_TIME_LIMIT")),
            max_bytes=int(setting("SOURCE_CHECK_MAX_BYTES")),
            max_redirects=int(setting("SOURCE_CHECK_MAX_REDIRECTS")),
            retries=int(setting("SOURCE_CHECK_RETRIES")),
            backoff=float(setting("SOURCE_CHECK_BACKOFF")),
            retry_after_max=float(setting("SOURCE_CHECK_RETRY_AFTER_MAX")),
        )
