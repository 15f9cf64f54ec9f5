"""ETags of claims and the If-Match precondition of every write to a claim or its appearances and evidence.

A claim's ETag is W/"<version>"; its version rises with every change to it or to its appearances and evidence.
A write names the version it read in If-Match (W/"3" or "3"); a missing header is refused with 428, a stale one
with 412 (by claims.services.StaleVersion, inside the write's transaction).
"""

import re

from .exceptions import PreconditionRequired

_TAG = re.compile(r'^\s*(?:W/)?"?(\d{1,9})"?\s*$')


def etag(version: int) -> str:
    return f'W/"{version}"'


def expected_version(request) -> int:
    """The version named by the request's If-Match, or 428. A tag that is no version of ours can never match: 0."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        raise PreconditionRequired()
    for tag in header.split(","):
        match = _TAG.match(tag)
        if match:
            return int(match.group(1))
    return 0
