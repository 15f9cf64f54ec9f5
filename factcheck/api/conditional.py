"""ETags of claims and the If-Match precondition of every write to a claim or its appearances and evidence.

A claim's ETag is W/"<version>"; its version rises with every change to it or to its appearances and evidence.
Every write to an existing claim, and every write of one of its appearances or pieces of evidence (adding one too),
names the version it read in If-Match, as RFC 9110 writes entity tags: W/"3" or "3" (a list: the first that is a
version counts).

- no If-Match, or an empty one: 428 (if_match_required);
- `If-Match: *` ("any version"): 428 as well: it would overwrite whatever is there, and the desk's writes exist to
  not do that; send the ETag you read;
- a header that is no entity tag at all (`banana`, `3` without quotes): 400 naming If-Match;
- a well-formed tag that is no version of ours (`""`, `W/"x"`) can never match: 412, like a stale version (by
  claims.services' StaleVersion, inside the write's transaction).
"""

import re

from rest_framework.exceptions import ValidationError

from .exceptions import PreconditionRequired

_TAG = r'[ \t]*(?:W/)?"[\x21\x23-\x7e\x80-\xff]*"[ \t]*'  # RFC 9110: OWS is spaces and tabs
_TAG_LIST = re.compile(rf"{_TAG}(?:,{_TAG})*")
# What If-Match may be, for the schema: one or more entity tags (not `*`, not empty: those are a 428).
IF_MATCH_PATTERN = rf"^{_TAG}(?:,{_TAG})*$"
_OPAQUE = re.compile(r'(?:W/)?"([^"]*)"')
_VERSION = re.compile(r"[0-9]{1,9}")
ANY = "*"


def etag(version: int) -> str:
    return f'W/"{version}"'


def expected_version(request) -> int:
    """The version named by the request's If-Match; 428 without one, 400 for a header that is no entity tag.
    A well-formed tag that is no version of ours can never match: 0 (the write is refused with 412)."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired()
    if header == ANY:
        raise PreconditionRequired(
            "If-Match: * matches any version, so it can't keep you from overwriting someone else's change: send "
            "the claim's ETag (GET the claim first)."
        )
    if not _TAG_LIST.fullmatch(header):
        raise ValidationError(
            {"If-Match": [f'{header[:60]!r} is not an entity tag: send the claim\'s ETag as it came, e.g. W/"3"']}
        )
    for opaque in _OPAQUE.findall(header):
        if _VERSION.fullmatch(opaque):
            return int(opaque)
    return 0
