"""FilterSets of sources and publishers (the API's /api/v1/sources/ and /api/v1/publishers/)."""

from django import forms
from django.core.exceptions import ValidationError
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from factcheck.api.filtering import FilterSet, IdInFilter

from .choices import SourceKind
from .models import Publisher, Source
from .urlnorm import InvalidURL, normalize_url

# An absolute http(s) URL as sources.urlnorm reads it: the scheme, a host of URL characters, a port, the rest.
HTTP_URL_PATTERN = r"^[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9._~%!$&'()*+,;=-]+(?::[0-9]{1,4})?(?:[/?#][^\x00]*)?$"


@extend_schema_field({"type": "string", "pattern": HTTP_URL_PATTERN, "maxLength": 2000})
class URLFilter(filters.Filter):
    """An http(s) URL (text, but given empty it is a 400 as any URL that isn't one)."""

    field_class = forms.CharField


class KindInFilter(filters.BaseInFilter, filters.ChoiceFilter):
    """One or more kinds, comma-separated."""


class SourceFilter(FilterSet):
    q = filters.CharFilter(field_name="title", lookup_expr="icontains", max_length=200, label="Words in the title.")
    publisher = IdInFilter(field_name="publisher_id", label="Sources of these publisher ids.")
    kind = KindInFilter(choices=SourceKind.choices, label="Kind(s) of document.")
    published_after = filters.DateFilter(field_name="published_on", lookup_expr="gte", label="Published on or after.")
    published_before = filters.DateFilter(field_name="published_on", lookup_expr="lte", label="Published on or before.")
    url = URLFilter(
        method="filter_url",
        max_length=2000,
        label="The source at this URL, compared normalised (scheme and host case, default port, trailing slash, "
        "fragment, tracking parameters and the query's order don't count).",
    )

    class Meta:
        model = Source
        fields: list[str] = []

    def filter_url(self, queryset, name, value):
        try:
            normalized = normalize_url(value)
        except InvalidURL as exc:
            raise ValidationError({name: [f"{value[:100]!r} {exc}"]}) from exc
        return queryset.filter(normalized_url=normalized)


class PublisherFilter(FilterSet):
    q = filters.CharFilter(field_name="name", lookup_expr="icontains", max_length=200, label="Words in the name.")

    class Meta:
        model = Publisher
        fields: list[str] = []
