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

A parameter given empty (`?relation=`, `?page=`, `?updated_after=`) is a 400 too, unless it takes text (a text
filter such as `q`, a text parameter, `cursor`: empty there means "no words", "start"); so is an empty item of a
comma-separated list (`?status=verified,`). Otherwise an empty value would be read as "not given" and answer the
unfiltered list, as an unknown name would. The OpenAPI schema says the same: lists have at least one item, typed
parameters no empty value (factcheck.api.schema).

A method the view doesn't have (TRACE) is left to its 405: parameters mean nothing to it.

The backends: django-filter's, answering invalid values with the API's 400, and one that only documents a
FilterSet whose filtering the view's selector does itself (claims.selectors.claim_list).
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from django import forms
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.serializers import Serializer
from rest_framework.settings import api_settings
from rest_framework.views import APIView

CACHE_BUSTER = "_"
BIGINT = 2**63 - 1
MAX_NAMED = 20  # unknown parameters named in one answer; a URL with thousands of them gets the first ones

QueryParameters = Sequence[OpenApiParameter | type[Serializer]]


class FilterSet(filters.FilterSet):
    """django-filter's FilterSet, building its form class once per FilterSet class instead of once per request.

    The stock get_form_class builds a form field for every filter and a new Form class around them on each request
    (a metaclass pass and deep copies): a quarter of a filtered list's filtering (four of the claims' filters took
    1,930 µs a request with it and 1,410-1,710 µs without, on a 2-core machine). Our filters' fields depend on the
    filter alone, never on the request, so one class per FilterSet serves every request; each form still copies
    its fields (Form.__init__). A FilterSet whose fields depend on the request (a queryset of choices per user)
    must not derive from this one.
    """

    def get_form_class(self):
        cls = type(self)
        form = cls.__dict__.get("_form_class")  # this class's own: a subclass has other filters
        if form is None:  # two threads may build one each; either serves
            form = super().get_form_class()
            cls._form_class = form
        return form


class FilteredBackend(DjangoFilterBackend):
    raise_exception = True


class SelectorFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        return queryset


class BooleanParameterField(forms.NullBooleanField):
    """`true` or `false`, as the schema's boolean is written in a URL; anything else (`1`, `yes`, `maybe`) is an
    error, not "no filter" nor a guess."""

    VALUES = {"true": True, "false": False}

    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]  # None: not given, as in Django's
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        found = self.VALUES.get(str(value))
        if found is None:
            raise forms.ValidationError(f"must be true or false, not {str(value)[:40]!r}", code="invalid")
        return found


class BooleanFilter(filters.BooleanFilter):
    """django-filter's BooleanFilter reads `?x=maybe` as "not given" and filters nothing; this one refuses it."""

    field_class = BooleanParameterField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)


class IdInFilter(filters.BaseInFilter, filters.NumberFilter):
    """One or more ids (whole numbers from 1 to the largest bigint), comma-separated."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.update(min_value=1, max_value=BIGINT, decimal_places=0, max_digits=19)
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


def _paginates(view: APIView) -> bool:
    if getattr(view, "paginator", None) is None:
        return False
    if getattr(view, "detail", None) is not True:
        return True  # a list route
    handler = getattr(view, getattr(view, "action", "") or "", None)
    return "pagination_class" in getattr(handler, "kwargs", {})  # a detail action with a paginator of its own


class Accepted(NamedTuple):
    """The query parameters of one operation: their names, those that may be given empty (text) and those that are
    comma-separated lists."""

    names: frozenset[str]
    blank: frozenset[str]
    lists: frozenset[str]


def _declared_shape(item: OpenApiParameter | type[Serializer]) -> tuple[set[str], set[str], set[str]]:
    if isinstance(item, OpenApiParameter):
        if item.location != OpenApiParameter.QUERY:
            return set(), set(), set()
        text = item.type in (str, OpenApiTypes.STR) and not item.enum and not item.many
        return {item.name}, ({item.name} if text else set()), ({item.name} if item.many else set())
    fields = item().fields
    blank = {name for name, field in fields.items() if getattr(field, "allow_blank", False)}
    return set(fields), blank, set()


def _filter_shape(filterset: type[filters.FilterSet]) -> tuple[set[str], set[str], set[str]]:
    names, blank, lists = set(filterset.base_filters), set(), set()
    for name, item in filterset.base_filters.items():
        if isinstance(item, filters.BaseCSVFilter):
            lists.add(name)
        elif isinstance(item, filters.CharFilter):
            blank.add(name)
    return names, blank, lists


_ACCEPTED: dict[tuple[type, str, bool], Accepted] = {}


def accepted_parameters(view: APIView, request: Request) -> Accepted:
    """Every query parameter `view` understands for this request's operation (kept per view class and action)."""
    operation, reading = _operation(view, request), request.method in ("GET", "HEAD")
    key = (type(view), operation, reading)
    accepted = _ACCEPTED.get(key)
    if accepted is not None:
        return accepted
    names, blank, lists = {api_settings.URL_FORMAT_OVERRIDE or "format", CACHE_BUSTER}, {CACHE_BUSTER}, set()

    def add(shape: tuple[set[str], set[str], set[str]]) -> None:
        names.update(shape[0])
        blank.update(shape[1])
        lists.update(shape[2])

    for item in declared_parameters(view, operation):
        add(_declared_shape(item))
    if reading and getattr(view, "detail", None) is not True:
        for backend_class in getattr(view, "filter_backends", ()):
            backend = backend_class()
            if isinstance(backend, DjangoFilterBackend):
                filterset = backend.get_filterset_class(view, None)
                if filterset is not None:
                    add(_filter_shape(filterset))
            else:
                add(_schema_shape(backend.get_schema_operation_parameters(view)))
    if reading and _paginates(view):
        add(_schema_shape(view.paginator.get_schema_operation_parameters(view)))  # type: ignore[attr-defined]
    accepted = _ACCEPTED[key] = Accepted(frozenset(names), frozenset(blank), frozenset(lists))
    return accepted


def _schema_shape(parameters: list[dict[str, Any]]) -> tuple[set[str], set[str], set[str]]:
    query = [p for p in parameters if p.get("in") == "query"]
    schema = lambda p: p.get("schema", {})  # noqa: E731
    blank = {p["name"] for p in query if schema(p).get("type") == "string" and not schema(p).get("minLength")}
    return {p["name"] for p in query}, blank, {p["name"] for p in query if schema(p).get("type") == "array"}


def _handles(view: APIView, request: Request) -> bool:
    method = (request.method or "").lower()
    return method in view.http_method_names and hasattr(view, method)


def refuse_unknown_parameters(view: APIView, request: Request) -> None:
    """A 400 naming each query parameter that `view` doesn't know, or that is given empty where it takes no text,
    or a `format` that none of its renderers has."""
    if not _handles(view, request):
        return  # the 405 answers
    accepted = accepted_parameters(view, request)
    known = ", ".join(sorted(accepted.names - {CACHE_BUSTER}))
    unknown = [name for name in request.query_params if name not in accepted.names]
    problems = {
        name[:100]: [f"is not a parameter of this endpoint; its parameters: {known} (and `_`, ignored)"]
        for name in unknown[:MAX_NAMED]
    }
    if len(unknown) > MAX_NAMED:
        problems["…"] = [f"and {len(unknown) - MAX_NAMED} more unknown parameters"]
    for name, values in request.query_params.lists():
        if name not in accepted.names or name in problems:
            continue
        if name not in accepted.blank and "" in values:
            problems[name] = ["is empty: give it a value, or leave the parameter out"]
        elif name in accepted.lists and any("" in value.split(",") for value in values if value):
            problems[name] = ["has an empty item: separate the values by single commas"]
    format_name = api_settings.URL_FORMAT_OVERRIDE or "format"
    wanted = request.query_params.get(format_name)
    if wanted and format_name not in problems:
        formats = [renderer.format for renderer in view.get_renderers()]
        if wanted not in formats:
            problems[format_name] = [f"is {wanted[:40]!r}, not one of: {', '.join(formats)}"]
    if problems:
        raise ValidationError(problems)


class KnownQueryParameters(APIView):
    """Put first among a view's bases: unknown query parameters and formats are a 400 before anything else runs."""

    query_parameters: Mapping[str, QueryParameters] = {}

    def get_renderers(self):
        """The view's renderers; those of whole lists (CSV, NDJSON: `lists_only`) on its list route only, so that
        `format=csv` on one claim is a 400 and its schema names JSON only."""
        renderers = super().get_renderers()
        if getattr(self, "action", None) in ("list", None):
            return renderers  # a list, or a method the view doesn't have (its 405 may be asked for as CSV)
        return [renderer for renderer in renderers if not getattr(renderer, "lists_only", False)]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        refuse_unknown_parameters(self, request)
        super().initial(request, *args, **kwargs)
