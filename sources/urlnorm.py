"""URL normalisation: the one rule for deciding that two URLs name the same document."""

from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}

# Query parameters that say how a reader arrived, not which document they read.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "ref_src",
        "ref_url",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "cmpid",
        "ncid",
        "ocid",
        "sr_share",
        "smid",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")


class InvalidURL(ValueError):
    """Raised for a string that is not an absolute http(s) URL."""


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


@lru_cache(maxsize=65536)  # imports refer to the same few thousand sources over and over
def normalize_url(url: str) -> str:
    """Return the canonical form of an http(s) URL.

    Lower-cases scheme and host, drops the default port, the fragment, tracking parameters and a trailing
    slash, and sorts the remaining query parameters. Path case is kept: servers may treat it as significant.
    """
    if not isinstance(url, str) or not url.strip():
        raise InvalidURL("is empty")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise InvalidURL(f"is not a valid URL ({exc})") from exc
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise InvalidURL("must start with http:// or https://")
    host = (parts.hostname or "").lower()
    if not host or " " in host:
        raise InvalidURL("has no host")
    if parts.username or parts.password:
        raise InvalidURL("must not carry a user name or password")
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    path = parts.path or ""
    while path.endswith("/"):
        path = path[:-1]
    query_pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking_param(k)]
    query = urlencode(sorted(query_pairs), doseq=True)
    return urlunsplit((scheme, netloc, path, query, ""))
