"""FilterSets of sources and publishers (the API's /api/v1/sources/ and /api/v1/publishers/)."""

from django.core.exceptions import ValidationError
from django_filters import rest_framework as filters

from .choices import SourceKind
from .models import Publisher, Source
from .urlnorm import InvalidURL, normalize_url

BIGINT = 2**63 - 1


class IdInFilter(filters.BaseInFilter, filters.NumberFilter):
    """One or more ids, comma-separated."""

    def __init__(self, *args, **kwargs):
        kwargs.update(min_value=1, max_value=BIGINT, decimal_places=0, max_digits=19)
        super().__init__(*args, **kwargs)


class KindInFilter(filters.BaseInFilter, filters.ChoiceFilter):
    """One or more kinds, comma-separated."""


class SourceFilter(filters.FilterSet):
    q = filters.CharFilter(field_name="title", lookup_expr="icontains", max_length=200, label="Words in the title.")
    publisher = IdInFilter(field_name="publisher_id", label="Sources of these publisher ids.")
    kind = KindInFilter(choices=SourceKind.choices, label="Kind(s) of document.")
    published_after = filters.DateFilter(field_name="published_on", lookup_expr="gte", label="Published on or after.")
    published_before = filters.DateFilter(field_name="published_on", lookup_expr="lte", label="Published on or before.")
    url = filters.CharFilter(
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


class PublisherFilter(filters.FilterSet):
    q = filters.CharFilter(field_name="name", lookup_expr="icontains", max_length=200, label="Words in the name.")

    class Meta:
        model = Publisher
        fields: list[str] = []
