"""The API's one body parser: JSON, limited in size and in depth, so that no body can cost more than it should.

    API_MAX_BODY_BYTES (settings): a bigger body is a 413 (body_too_large), read no further than the limit;
    API_MAX_BODY_DEPTH (settings): objects and arrays nested deeper are a 400 (too_deep), refused before parsing
    (the standard library's parser recurses once per level: a body nested a thousand levels was a RecursionError).

Django's DATA_UPLOAD_MAX_MEMORY_SIZE (an HTML 400 when exceeded) stays the limit of the admin's forms; the API never
reads `request.body` through it. The text is read with the standard library (integers of any size stay exact: an
amount sent as a JSON number keeps every digit); NaN and Infinity are refused, as RFC 8259 says.
"""

import json
import re
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser

from .exceptions import BodyTooDeep, BodyTooLarge

# A JSON string (with its escapes): what is inside strings doesn't nest.
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_OPENING, _CLOSING = frozenset(b"[{"), frozenset(b"]}")


def nesting_exceeds(raw: bytes, limit: int) -> bool:
    """Whether the JSON text `raw` nests objects and arrays more than `limit` levels deep."""
    depth = 0
    for byte in _STRING.sub(b"", raw):
        if byte in _OPENING:
            depth += 1
            if depth > limit:
                return True
        elif byte in _CLOSING:
            depth -= 1
    return False


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


class LimitedJSONParser(BaseParser):
    """application/json with the API's size and depth limits (not a JSONParser subclass on purpose: DRF reads the
    whole body through Django's request.body, with Django's limit and its HTML error, for those)."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        limit, depth = settings.API_MAX_BODY_BYTES, settings.API_MAX_BODY_DEPTH
        request = (parser_context or {}).get("request")
        declared = str(request.META.get("CONTENT_LENGTH") or "") if request is not None else ""
        if declared.isdigit() and int(declared) > limit:
            raise BodyTooLarge(limit)
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise BodyTooLarge(limit)
        if nesting_exceeds(raw, depth):
            raise BodyTooDeep(depth)
        try:
            return json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
        except (UnicodeDecodeError, ValueError) as exc:
            raise ParseError(f"The body is not valid JSON: {exc}") from exc
