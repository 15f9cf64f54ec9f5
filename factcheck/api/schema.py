"""The OpenAPI schema, from the same definitions that decide what a request may carry, so that the schema and the
behaviour can't disagree (schemathesis checks both ways in CI: what the schema allows is accepted, what it forbids
is refused):

- query parameters: the view's `query_parameters` (factcheck.api.filtering), its FilterSet's filters with the
  limits their form fields enforce (ids are integers from 1, amounts exact decimals, text its maximum length, a
  list at least one item: DeskFilterExtension, add_error_responses) and the paginator's;
- request bodies: a write serializer that refuses unknown fields (factcheck.api.serializers.KnownFieldsMixin)
  says so, `additionalProperties: false`;
- security: reads are open to anonymous clients (an empty requirement beside the token and the session), writes
  are not (factcheck.api.permissions.DeskPermission);
- responses: every operation documents the API's error responses (one JSON shape, see factcheck.api.exceptions)
  and the HTTP server's own refusals (414, 431), so that clients and the schema-driven tests know every status they
  may meet.
"""

from typing import Any

from django_filters import filters
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS

from .filtering import declared_parameters
from .serializers import KnownFieldsMixin


class DeskAutoSchema(AutoSchema):
    """drf-spectacular's schema, with the query parameters of the view's `query_parameters` for the operation,
    anonymous reads declared and closed request bodies."""

    def get_override_parameters(self):
        operation = getattr(self.view, "action", None) or self.method.lower()
        return [*super().get_override_parameters(), *declared_parameters(self.view, operation)]

    def get_auth(self):
        auths = super().get_auth()
        anonymous = self.method in SAFE_METHODS and all(
            getattr(permission, "reads_for_everyone", False) for permission in self.view.get_permissions()
        )
        if anonymous and {} not in auths:
            auths.append({})  # no credentials: an anonymous client's read
        return auths

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction != "request":
            return schema
        if isinstance(serializer, KnownFieldsMixin):
            schema["additionalProperties"] = False  # unknown fields are a 400
        for name, field in serializer.fields.items():
            if isinstance(field, serializers.CharField) and name in schema.get("properties", {}):
                _no_nul(schema["properties"][name])
        return schema


NO_NUL = "^[^\\x00]*$"  # Django's and DRF's text fields refuse the NUL character (PostgreSQL can't store it)


def _no_nul(schema: dict[str, Any]) -> None:
    if schema.get("type") == "string" and not any(key in schema for key in ("pattern", "enum", "format")):
        schema["pattern"] = NO_NUL


def decimal_pattern(max_digits: int, decimal_places: int) -> str:
    """An exact decimal as Django's DecimalField reads it within these limits: "12", "-0.5", "3.", ".25"."""
    before = max_digits - decimal_places
    if not decimal_places:
        return rf"^-?[0-9]{{1,{before}}}$"
    return rf"^-?(?:[0-9]{{1,{before}}}(?:\.[0-9]{{0,{decimal_places}}})?|\.[0-9]{{1,{decimal_places}}})$"


def _filter_value_schema(item: dict[str, Any], filter_field: filters.Filter) -> dict[str, Any]:
    """The schema of one value of `filter_field`, with the limits its form field enforces."""
    extra = filter_field.extra
    if isinstance(filter_field, filters.NumberFilter) and extra.get("decimal_places") is not None:
        if extra["decimal_places"] == 0:
            item = {"type": "integer"}
            if extra.get("min_value") is not None:
                item["minimum"] = extra["min_value"]
            if extra.get("max_value") is not None:
                item["maximum"] = extra["max_value"]
        else:  # an exact decimal in a URL is text: a JSON number would round it
            item = {"type": "string", "pattern": decimal_pattern(extra["max_digits"], extra["decimal_places"])}
    if item.get("type") == "string" and extra.get("max_length") and "maxLength" not in item:
        item["maxLength"] = extra["max_length"]
    return item


class DeskFilterExtension(DjangoFilterExtension):
    """django-filter's parameters as drf-spectacular documents them, with the limits the filters enforce: what
    the schema allows the filter accepts, and the other way round."""

    priority = 1  # before drf-spectacular's own extension for the same backend

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        for parameter in parameters:
            schema = parameter["schema"]
            if schema.get("type") == "array":
                schema["items"] = _filter_value_schema(schema["items"], filter_field)
            else:
                parameter["schema"] = _filter_value_schema(schema, filter_field)
        return parameters


ERROR_SCHEMA = {
    "type": "object",
    "required": ["status", "code", "detail", "fields"],
    "properties": {
        "status": {"type": "integer"},
        "code": {"type": "string", "description": "Machine-readable: invalid, not_found, stale_version, …"},
        "detail": {"type": "string", "description": "What went wrong and what to do, for people."},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Messages per invalid input field (validation errors only).",
        },
    },
}
DESCRIPTIONS = {
    "400": "Invalid, empty or unknown query parameters (the message lists the valid ones), an invalid body (unknown "
    "fields, texts over their maxLength, JSON nested too deep), or an If-Match that is no entity tag; `fields` names "
    "each.",
    "401": "Authentication required (or the token is invalid).",
    "403": "Your role doesn't allow this.",
    "404": "Not found, or not visible to you; also a page past the last one, or a cursor the API never gave out.",
    "405": "Method not allowed.",
    "406": "None of the accepted media types can be produced.",
    "409": "Refused by the workflow, or a duplicate of an existing record (code `duplicate`).",
    "412": "The claim changed since the ETag you sent (or the tag is no version of it); nothing was saved.",
    "413": "The body is larger than the API accepts (settings.API_MAX_BODY_BYTES; the message says how much).",
    "415": "Send JSON (Content-Type: application/json).",
    "428": "If-Match with the claim's ETag is required (`*` names no version and counts as none).",
    "429": "Too many requests; retry after Retry-After seconds.",
}
# Answered by the HTTP server (gunicorn) before the request reaches the API, in its own words (HTML).
SERVER_REFUSALS = {
    "414": "The URL is longer than the HTTP server reads (gunicorn: a request line of 4094 bytes); shorten the query.",
    "431": "A header is larger than the HTTP server reads (gunicorn: 8190 bytes a field).",
}
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}}
WRITES = {"post", "put", "patch", "delete"}


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in WRITES | {"get"}:
                continue
            codes = ["400", "401", "404", "405", "406", "429"]
            if method in WRITES:
                codes += ["403", "409", "413", "415"]
                parameters = operation.get("parameters", [])
                if any(p.get("in") == "header" and p.get("name") == "If-Match" for p in parameters):
                    codes += ["412", "428"]
            for parameter in operation.get("parameters", []):
                if parameter.get("in") != "query":
                    continue
                if parameter.get("schema", {}).get("type") == "array":
                    parameter["schema"]["minItems"] = 1  # `?status=` is a 400, not "any status" (filtering)
                _no_nul(parameter.get("schema", {}))
            responses = operation.setdefault("responses", {})
            for code in codes:
                if code in responses:
                    continue
                responses[code] = {
                    "description": DESCRIPTIONS[code],
                    "content": {"application/json": {"schema": ref}},
                }
                if code == "429":
                    responses[code]["headers"] = RETRY_AFTER
            for code, description in SERVER_REFUSALS.items():
                responses.setdefault(
                    code, {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}
                )
    return result
