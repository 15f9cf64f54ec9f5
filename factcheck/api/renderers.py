"""Renderers: a fast JSON renderer (orjson) for every response, and the media types of the streamed exports.

CSV, NDJSON and JSON-LD bodies are produced by the views (streamed row by row); these renderers exist so that
content negotiation (`?format=csv`, `Accept: text/csv`) picks them, and so that an error answered in one of those
formats is still the API's JSON error.
"""

import datetime as dt
from decimal import Decimal

import orjson
from rest_framework.renderers import BaseRenderer

from factcheck.numbers import decimal_text

OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS


def _default(obj):
    if isinstance(obj, Decimal):
        return decimal_text(obj)
    if isinstance(obj, dt.timedelta):
        return obj.total_seconds()
    if hasattr(obj, "__str__"):
        return str(obj)  # lazy translation strings, UUIDs, ErrorDetail
    raise TypeError


def dumps(data) -> bytes:
    return orjson.dumps(data, default=_default, option=OPTIONS)


class FastJSONRenderer(BaseRenderer):
    media_type = "application/json"
    format = "json"
    charset = None  # JSON is UTF-8 by definition (RFC 8259)

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if (renderer_context or {}).get("indent"):  # a view that offers indented JSON puts it in the context
            return orjson.dumps(data, default=_default, option=OPTIONS | orjson.OPT_INDENT_2)
        return dumps(data)


class _ErrorsAsJSON(BaseRenderer):
    """Renders error bodies as JSON with the JSON media type; successful bodies come pre-rendered by the view."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None and response.status_code >= 400:
            response["Content-Type"] = "application/json"
            return dumps(data)
        if isinstance(data, (bytes, str)):
            return data
        return dumps(data)


class CSVRenderer(_ErrorsAsJSON):
    lists_only = True  # a whole list, streamed: only a list route offers it (factcheck.api.filtering)
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"


class NDJSONRenderer(_ErrorsAsJSON):
    lists_only = True
    media_type = "application/x-ndjson"
    format = "ndjson"
    charset = None


class JSONLDRenderer(_ErrorsAsJSON):
    media_type = "application/ld+json"
    format = "jsonld"
    charset = None
