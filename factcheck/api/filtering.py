"""Query parameters: every view refuses the ones it doesn't know, and filters refuse malformed values.

A mistyped filter (`?period=1990` for `period_from`, `?value__gt=5`, `?has_evidence=maybe`) must not answer the
unfiltered list with 200: the totals would be wrong and nobody would notice. KnownQueryParameters answers an unknown
parameter with a 400 that names it and lists the endpoint's parameters, before anything else runs. What a view
accepts is what its schema documents:

- its filter backends' parameters (list routes; a FilterSet's filters),
- its paginator's (`page`, `page_size`, `cursor`; list routes and actions that declare their own paginator),
- the parameters the view declares per action in `query_parameters` (OpenApiParameter objects or a serializer
  class whose fields are parameters); factcheck.api.schema.DeskAutoSchema puts those in the OpenAPI schema,
- `format` (content negotiation; a value no renderer of the view has is a 400 too) and `_`, a cache-buster that
  is ignored (jQuery's `_=<timestamp>`). Nothing else: `_sort` is refused like any other unknown name.

The backends: django-filter's, answering invalid values with the API's 400, and one that only documents a
FilterSet whose filtering the view's selector does itself (claims.selectors.claim_list).
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.serializers import Serializer
from rest_framework.settings import api_settings
from rest_framework.views import APIView

CACHE_BUSTER = "_"
MAX_NAMED = 20  # unknown parameters named in one answer; a URL with thousands of them gets the first ones

QueryParameters = Sequence[OpenApiParameter | type[Serializer]]


class FilteredBackend(DjangoFilterBackend):
    raise_exception = True


class SelectorFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        return queryset


class BooleanParameterField(forms.NullBooleanField):
    """true / false (also 1 / 0, yes / no, any case); anything else is an error, not "no filter"."""

    VALUES = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}

    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]  # None: not given, as in Django's
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        found = self.VALUES.get(str(value).strip().lower())
        if found is None:
            raise forms.ValidationError(f"must be true or false, not {str(value)[:40]!r}", code="invalid")
        return found


class BooleanFilter(filters.BooleanFilter):
    """django-filter's BooleanFilter reads `?x=maybe` as "not given" and filters nothing; this one refuses it."""

    field_class = BooleanParameterField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)


class UTCIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 time, converted to UTC: Python takes offsets up to ±23:59, PostgreSQL only up to ±15:59, so a
    time such as 2000-01-01T00:00:00-20:00 is the same instant written in UTC, and one outside the years 1-9999 in
    UTC is an error, not a database failure."""

    def to_python(self, value: Any) -> dt.datetime | None:
        parsed = super().to_python(value)
        if parsed is None:
            return None
        try:
            return parsed.astimezone(dt.UTC)
        except OverflowError as exc:
            raise forms.ValidationError("is outside the years 1 to 9999 once converted to UTC", code="invalid") from exc


class IsoDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UTCIsoDateTimeField


def _operation(view: APIView, request: Request) -> str:
    return getattr(view, "action", None) or (request.method or "get").lower()


def declared_parameters(view: APIView, operation: str) -> QueryParameters:
    """The query parameters `view` declares for `operation` (a viewset's action, or an APIView's method name)."""
    declared: Mapping[str, QueryParameters] = getattr(view, "query_parameters", {})
    return declared.get(operation, ())


def _names(item: OpenApiParameter | type[Serializer]) -> set[str]:
    if isinstance(item, OpenApiParameter):
        return {item.name} if item.location == OpenApiParameter.QUERY else set()
    return set(item().fields)


def _paginates(view: APIView) -> bool:
    if getattr(view, "paginator", None) is None:
        return False
    if getattr(view, "detail", None) is not True:
        return True  # a list route
    handler = getattr(view, getattr(view, "action", "") or "", None)
    return "pagination_class" in getattr(handler, "kwargs", {})  # a detail action with a paginator of its own


_ACCEPTED: dict[tuple[type, str, bool], frozenset[str]] = {}


def accepted_parameters(view: APIView, request: Request) -> frozenset[str]:
    """Every query parameter `view` understands for this request's operation (kept per view class and action)."""
    operation, reading = _operation(view, request), request.method in ("GET", "HEAD")
    key = (type(view), operation, reading)
    accepted = _ACCEPTED.get(key)
    if accepted is not None:
        return accepted
    names = {api_settings.URL_FORMAT_OVERRIDE or "format", CACHE_BUSTER}
    for item in declared_parameters(view, operation):
        names |= _names(item)
    if reading and getattr(view, "detail", None) is not True:
        for backend_class in getattr(view, "filter_backends", ()):
            backend = backend_class()
            if isinstance(backend, DjangoFilterBackend):
                filterset = backend.get_filterset_class(view, None)
                names |= set(filterset.base_filters) if filterset is not None else set()
            else:
                names |= {p["name"] for p in backend.get_schema_operation_parameters(view) if p.get("in") == "query"}
    if reading and _paginates(view):
        names |= {p["name"] for p in view.paginator.get_schema_operation_parameters(view)}  # type: ignore[attr-defined]
    accepted = _ACCEPTED[key] = frozenset(names)
    return accepted


def refuse_unknown_parameters(view: APIView, request: Request) -> None:
    """A 400 naming each query parameter that `view` doesn't know, or a `format` that none of its renderers has."""
    accepted = accepted_parameters(view, request)
    known = ", ".join(sorted(accepted - {CACHE_BUSTER}))
    unknown = [name for name in request.query_params if name not in accepted]
    problems = {
        name[:100]: [f"is not a parameter of this endpoint; its parameters: {known} (and `_`, ignored)"]
        for name in unknown[:MAX_NAMED]
    }
    if len(unknown) > MAX_NAMED:
        problems["…"] = [f"and {len(unknown) - MAX_NAMED} more unknown parameters"]
    format_name = api_settings.URL_FORMAT_OVERRIDE or "format"
    wanted = request.query_params.get(format_name)
    if wanted:
        formats = [renderer.format for renderer in view.get_renderers()]
        if wanted not in formats:
            problems[format_name] = [f"is {wanted[:40]!r}, not one of: {', '.join(formats)}"]
    if problems:
        raise ValidationError(problems)


class KnownQueryParameters(APIView):
    """Put first among a view's bases: unknown query parameters and formats are a 400 before anything else runs."""

    query_parameters: Mapping[str, QueryParameters] = {}

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        refuse_unknown_parameters(self, request)
        super().initial(request, *args, **kwargs)
