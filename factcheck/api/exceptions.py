"""The one exception handler of the API: every error is JSON of one shape, and service errors get their status.

    {"status": 412, "code": "stale_version", "detail": "This claim was changed by someone else…", "fields": {}}

`fields` maps an input field to its messages. Services never import DRF: their exceptions are DeskErrors
(factcheck.errors) that carry their own status and code, and this handler maps any of them without knowing the
app that raised it; Django's ValidationError, IntegrityError, Http404 and PermissionDenied are mapped here too.
"""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from factcheck.errors import DeskError


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


class Duplicate(Conflict):
    """A write that would duplicate an existing record (a unique field or constraint): the model's own message."""

    default_code = "duplicate"

    def __init__(self, fields: dict[str, list[str]]) -> None:
        super().__init__(next(iter(fields.values()))[0])
        self.code = "duplicate"
        self.fields = fields


DUPLICATE_CODES = frozenset({"unique", "unique_together", "duplicate"})  # Django's, and the desk's constraints'


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = (
        "Send the claim's ETag in an If-Match header (GET the claim first), so that you don't overwrite "
        "someone else's change."
    )
    default_code = "if_match_required"


class BodyTooLarge(exceptions.APIException):
    """A request body over settings.API_MAX_BODY_BYTES (factcheck.api.parsers)."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "body_too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(f"The request body is larger than the {limit} bytes the API accepts.")


class BodyTooDeep(exceptions.ParseError):
    """A JSON body nested deeper than settings.API_MAX_BODY_DEPTH (factcheck.api.parsers)."""

    default_code = "too_deep"

    def __init__(self, limit: int) -> None:
        super().__init__(f"The request body nests objects and arrays deeper than the {limit} levels the API accepts.")


class ServiceRefusal(exceptions.APIException):
    """A DeskError as DRF sees it: the service's own message, status, code and field messages."""

    def __init__(self, error: DeskError) -> None:
        super().__init__(error.message, code=error.code)
        self.status_code = error.status_code
        self.code = error.code
        self.fields = error.fields


def _translate(exc: Exception) -> Exception:
    if isinstance(exc, DeskError):
        return ServiceRefusal(exc)
    if isinstance(exc, RequestDataTooBig):  # request.body read past DATA_UPLOAD_MAX_MEMORY_SIZE
        return BodyTooLarge(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            fields = {
                ("non_field_errors" if name == "__all__" else name): [str(m) for e in errors for m in e.messages]
                for name, errors in exc.error_dict.items()
            }
            if all(e.code in DUPLICATE_CODES for errors in exc.error_dict.values() for e in errors):
                return Duplicate(fields)  # the data is fine; it conflicts with a record that exists: 409
            return exceptions.ValidationError(fields)
        return exceptions.ValidationError({"non_field_errors": exc.messages})
    if isinstance(exc, IntegrityError):
        return Conflict("The change conflicts with existing data (a duplicate, or a record still in use).")
    if isinstance(exc, DataError):
        return exceptions.ValidationError({"non_field_errors": ["A value is out of the range the database stores."]})
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    return exc


def _first_code(codes: object) -> str:
    while isinstance(codes, (list, dict)):
        if not codes:
            return "invalid"
        codes = next(iter(codes.values())) if isinstance(codes, dict) else codes[0]
    return str(codes)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    exc = _translate(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a bug: Django's 500 handler answers (JSON under /api/, see factcheck.api.views)
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        body = {
            "status": response.status_code,
            "code": "invalid",
            "detail": _invalid_fields(detail),
            "fields": {str(name): _messages(value) for name, value in detail.items()},
        }
    elif isinstance(exc, Duplicate):
        body = {"status": response.status_code, "code": exc.code, "detail": str(exc.detail), "fields": exc.fields}
    elif isinstance(exc, ServiceRefusal):
        body = {
            "status": response.status_code,
            "code": exc.code,
            "detail": _invalid_fields(exc.fields) if exc.fields else str(exc.detail),
            "fields": {name: list(messages) for name, messages in exc.fields.items()},
        }
    else:
        body = {
            "status": response.status_code,
            "code": _first_code(exc.get_codes()) if isinstance(exc, exceptions.APIException) else "error",
            "detail": str(exc.detail) if isinstance(exc, exceptions.APIException) else str(exc),
            "fields": {},
        }
    response.data = body
    return response


def _invalid_fields(fields: Mapping[str, object]) -> str:
    return "The request has invalid fields: " + ", ".join(sorted(map(str, fields))) + "."


def _messages(value: object) -> list[str]:
    if isinstance(value, dict):
        return [f"{key}: {message}" for key, inner in value.items() for message in _messages(inner)]
    if isinstance(value, list):
        return [message for item in value for message in _messages(item)]
    return [str(value)]
