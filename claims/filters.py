"""The claims' FilterSet: what `/api/v1/claims/`, its CSV / NDJSON exports and feeds can be narrowed by.

Several values at once are comma-separated (`?status=verified,false`). `q` is a full-text search over the
subject, the appearances' quotes and their sources' titles: PostgreSQL full-text search (English stemming,
websearch syntax: "exact phrase", OR, -word), the matches ranked by relevance (ts_rank of the claim's search
document, where the subject weighs most, then the quotes, then the titles): best match first unless `ordering`
asks for another order (`ordering=relevance` is the default with `q`, `-relevance` the worst match first). Without
`q` a list comes newest change first.
"""

import functools
import operator
import re
from collections import OrderedDict
from typing import Any, cast

from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import QueryDict
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from factcheck.api.filtering import BooleanFilter, FilterSet, IdInFilter, IsoDateTimeFilter
from sources.partial_dates import InvalidDate, parse_partial_date, period_end

from .choices import NO_UNIT, NO_UNIT_LABEL, ClaimType, Status, Unit
from .models import Appearance, Claim, Evidence
from .quantities import AMOUNT_DECIMAL_PLACES, AMOUNT_MAX_DIGITS

AMOUNT_LIMITS: dict[str, Any] = {"max_digits": AMOUNT_MAX_DIGITS, "decimal_places": AMOUNT_DECIMAL_PLACES}
SEARCH_CONFIG = "english"


class ChoiceInFilter(filters.BaseInFilter, filters.ChoiceFilter):
    """One or more choices, comma-separated."""


YEAR = "(?:[1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"  # 0001 to 9999


@extend_schema_field(
    {
        "type": "string",
        "anyOf": [{"pattern": f"^{YEAR}$"}, {"pattern": f"^{YEAR}-(?:0[1-9]|1[0-2])$"}, {"format": "date"}],
        "maxLength": 10,
    }
)
class PartialDateFilter(filters.Filter):
    """A date known to a year, a month or a day (sources.partial_dates); given empty it is a 400, as a date is."""

    field_class = forms.CharField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 10)
        super().__init__(*args, **kwargs)


def _partial_date(value: str, field: str):
    try:
        return parse_partial_date(value)
    except InvalidDate as exc:
        raise ValidationError({field: [str(exc)]}) from exc


class ClaimOrdering(filters.OrderingFilter):
    """`value`, `period`, `updated`, `status`; `-` for descending; `relevance` (most relevant first, the default)
    with `q`, ignored without it."""

    def filter(self, qs, value):
        if not value:
            return qs
        ordering = []
        for param in value:
            descending, name = param.startswith("-"), param.lstrip("-")
            if name == "relevance":
                if "rank" in qs.query.annotations:
                    ordering.append(F("rank").asc() if descending else F("rank").desc())
                continue
            field = self.param_map[name]
            # Claims without the value (no figure, no period) come last either way. A column that is never NULL is
            # ordered plainly: `NULLS LAST` on a descending order doesn't match its index (a backward scan puts
            # NULLs first), and PostgreSQL then sorts every match (`ordering=-updated` at a million claims: 540 ms
            # for a page, 1.6 ms walking the index).
            nulls_last = True if qs.model._meta.get_field(field).null else None
            ordering.append(F(field).desc(nulls_last=nulls_last) if descending else F(field).asc(nulls_last=nulls_last))
        return qs.order_by(*ordering, "-id") if ordering else qs


# A name made of letters, a hyphen and digits ("Su-27", "F-16", "COVID-19"), alone or quoted, "-" before it to exclude.
_DESIGNATION = re.compile(r'(?:(?<=\s)|^)(-?)"?([^\W\d_]+)-(\d+)"?(?![\w"-])')


def search_query(text: str) -> SearchQuery:
    """The full-text query of `q` (websearch syntax: "exact phrase", OR, -word), with model names found.

    PostgreSQL's parser reads "Su-27" in a query as the word "su" followed by the number -27, but "Su-27s" in a text
    as one hyphenated word with the parts "su" and "27s": the plain websearch query misses the plural, the usual
    form in prose. Such a name therefore matches as "su" followed by "-27" or by a word starting with "27".
    Queries with OR, or with a phrase of several words, keep the plain websearch meaning.
    """
    names = _DESIGNATION.findall(text)
    # OR (any case) and phrases of several words keep the plain websearch meaning: taking a name out of them would
    # change it ("Su-27 fighter jets" is a phrase; "Su-27" alone is just the name).
    several_words = any(len(phrase.split()) > 1 for phrase in re.findall(r'"([^"]*)"', text)) or text.count('"') % 2
    if not names or re.search(r"\bor\b", text, re.IGNORECASE) or several_words:
        return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    parts = [
        # letters and digits only (the pattern's groups), so the raw tsquery text is safe
        SearchQuery(
            f"{'!' if negated else ''}({letters.lower()} <-> '-{digits}' | {letters.lower()} <-> {digits}:*)",
            search_type="raw",
            config=SEARCH_CONFIG,
        )
        for negated, letters, digits in names
    ]
    rest = _DESIGNATION.sub(" ", text).strip()
    if re.search(r"\w", rest):
        parts.insert(0, SearchQuery(rest, search_type="websearch", config=SEARCH_CONFIG))
    return functools.reduce(operator.and_, parts)


class ClaimFilter(FilterSet):
    q = filters.CharFilter(
        method="search",
        max_length=500,
        label='Full-text search in the subject, the quotes and the sources\' titles: words, "a phrase", OR, -word.',
    )
    status = ChoiceInFilter(choices=Status.choices, label="Status; several comma-separated.")
    unit = ChoiceInFilter(
        choices=[*Unit.choices, (NO_UNIT, NO_UNIT_LABEL)],
        method="filter_unit",
        label=f"Unit; several comma-separated; `{NO_UNIT}`: claims without a unit (no figure).",
    )
    claim_type = ChoiceInFilter(choices=ClaimType.choices, label="Claim type; several comma-separated.")
    value_min = filters.NumberFilter(
        field_name="value", lookup_expr="gte", **AMOUNT_LIMITS, label="Value ≥ this (in the unit)."
    )
    value_max = filters.NumberFilter(
        field_name="value", lookup_expr="lte", **AMOUNT_LIMITS, label="Value ≤ this (in the unit)."
    )
    period_from = PartialDateFilter(
        method="filter_period_from", label="Period reaching into or past this date: YYYY[-MM[-DD]]."
    )
    period_to = PartialDateFilter(
        method="filter_period_to", label="Period reaching into or before this date: YYYY[-MM[-DD]]."
    )
    publisher = IdInFilter(method="filter_publisher", label="Appears in a source of these publisher ids.")
    source = IdInFilter(method="filter_source", label="Appears in these source ids.")
    evidence_source = IdInFilter(method="filter_evidence_source", label="Has evidence from these source ids.")
    evidence_publisher = IdInFilter(
        method="filter_evidence_publisher", label="Cites (has evidence from) a source of these publisher ids."
    )
    has_evidence = BooleanFilter(method="filter_has_evidence", label="Has (true) or lacks (false) evidence.")
    assignee = IdInFilter(field_name="assignee_id", label="Assigned to these user ids.")
    updated_after = IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gt", label="Changed after this ISO 8601 time (for syncing)."
    )
    published = BooleanFilter(
        method="filter_published", label="Published (true: public) or not (false) verdicts; false also lists claims "
        "without a verdict."
    )  # fmt: skip
    published_after = IsoDateTimeFilter(
        field_name="published_at", lookup_expr="gt", label="Verdict published after this ISO 8601 time."
    )
    published_before = IsoDateTimeFilter(
        field_name="published_at", lookup_expr="lt", label="Verdict published before this ISO 8601 time."
    )
    ordering = ClaimOrdering(
        fields=(("value", "value"), ("period_start", "period"), ("updated_at", "updated"), ("status", "status"),
                ("id", "relevance")),
        label="Sort by value, period, updated, status or relevance (with q, its default order); '-' for descending.",
    )  # fmt: skip

    class Meta:
        model = Claim
        fields: list[str] = []

    @classmethod
    def apply(cls, data: QueryDict | dict[str, Any], queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        """Filter `queryset` by `data` or raise django's ValidationError naming the invalid parameters."""
        named = frozenset(name for name in cls.base_filters if name in data)
        if not named:
            return queryset  # nothing to filter by: skip building the filters and their form (a deep copy each)
        filterset = cls._narrowed(named)(data=data, queryset=queryset)
        if not filterset.is_valid():
            raise ValidationError({name: list(errors) for name, errors in filterset.errors.items()})
        return filterset.qs

    @classmethod
    @functools.lru_cache(maxsize=256)
    def _narrowed(cls, names: frozenset[str]) -> "type[ClaimFilter]":
        """This FilterSet with only the named filters: a FilterSet deep-copies every filter on every request, and its
        form every field, the most of a request's filtering cost. An absent filter does nothing anyway. Each narrowed
        class builds its form class once (factcheck.api.filtering.FilterSet)."""
        narrowed = cast("type[ClaimFilter]", type(cls.__name__, (cls,), {"__module__": cls.__module__}))
        # An OrderedDict, as django-filter builds base_filters.
        narrowed.base_filters = OrderedDict((name, f) for name, f in cls.base_filters.items() if name in names)
        return narrowed

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return self._search_documents(queryset, value)

    def _search_documents(self, queryset, text):
        # One GIN-indexed document per claim (subject, quotes, source titles: claims.models.ClaimSearch, kept by
        # triggers), joined one-to-one: the planner either walks the newest claims and probes each one's document (a
        # common word) or fetches the few matches through the GIN index and sorts them (a rare one), and the rank is
        # read off the joined document, not looked up again per match.
        query = search_query(text)
        queryset = queryset.filter(search_document__document=query)
        ordering = self.form.cleaned_data.get("ordering") or ()
        if ordering and not any(name.lstrip("-") == "relevance" for name in ordering):
            return queryset  # ordered otherwise: no rank to compute
        # ts_rank over the stored document (subject weighs most, then quotes, then titles): the order of a search
        # unless another is asked for (ClaimOrdering then orders by it). Ties go newest claim first: the id is the
        # document's own key, so the matches are sorted among the documents and only the page's claims are read.
        queryset = queryset.annotate(rank=SearchRank(F("search_document__document"), query))
        return queryset if ordering else queryset.order_by(F("rank").desc(), "-id")

    def filter_period_from(self, queryset, name, value):
        start, _ = _partial_date(value, name)
        return queryset.filter(Q(period_end__gte=start) | Q(period_end__isnull=True, period_start__isnull=False))

    def filter_period_to(self, queryset, name, value):
        start, precision = _partial_date(value, name)
        end = period_end(start, precision)
        return queryset.filter(Q(period_start__lte=end) | Q(period_start__isnull=True, period_end__isnull=False))

    def filter_unit(self, queryset, name, value):
        return queryset.filter(unit__in=["" if unit == NO_UNIT else unit for unit in value])

    def filter_publisher(self, queryset, name, value):
        return queryset.filter(
            Exists(Appearance.objects.filter(claim=OuterRef("pk"), source__publisher_id__in=[int(v) for v in value]))
        )

    def filter_source(self, queryset, name, value):
        return queryset.filter(
            Exists(Appearance.objects.filter(claim=OuterRef("pk"), source_id__in=[int(v) for v in value]))
        )

    def filter_evidence_source(self, queryset, name, value):
        return queryset.filter(
            Exists(Evidence.objects.filter(claim=OuterRef("pk"), source_id__in=[int(v) for v in value]))
        )

    def filter_evidence_publisher(self, queryset, name, value):
        return queryset.filter(
            Exists(Evidence.objects.filter(claim=OuterRef("pk"), source__publisher_id__in=[int(v) for v in value]))
        )

    def filter_published(self, queryset, name, value):
        from .selectors import PUBLISHED  # the rule of what is public; the selectors import this module

        return queryset.filter(PUBLISHED) if value else queryset.exclude(PUBLISHED)

    def filter_has_evidence(self, queryset, name, value):
        # The count the database's triggers keep (migration claims 0010); "none" has its own partial index.
        return queryset.filter(evidence_count__gt=0) if value else queryset.filter(evidence_count=0)


class EvidenceFilter(FilterSet):
    claim = IdInFilter(field_name="claim_id", label="Evidence of these claim ids.")
    source = IdInFilter(field_name="source_id", label="Evidence from these source ids.")
    relation = ChoiceInFilter(choices=Evidence._meta.get_field("relation").choices, label="Relation(s).")
    publisher = IdInFilter(field_name="source__publisher_id", label="From sources of these publisher ids.")

    class Meta:
        model = Evidence
        fields: list[str] = []


class AppearanceFilter(FilterSet):
    claim = IdInFilter(field_name="claim_id", label="Appearances of these claim ids.")
    source = IdInFilter(field_name="source_id", label="Appearances in these source ids.")
    publisher = IdInFilter(field_name="source__publisher_id", label="In sources of these publisher ids.")

    class Meta:
        model = Appearance
        fields: list[str] = []
