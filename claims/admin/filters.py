"""List filters of the claim list. Where the API has the same filter, the admin's asks the API's FilterSet
(claims.filters.ClaimFilter) with the same parameter, so that a list narrowed in the admin and through the API holds
the same claims; the FilterSet filters with EXISTS, so a claim never shows twice."""

import datetime as dt
from typing import Any

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet

from sources.models import Publisher, Source

from ..filters import ClaimFilter
from ..models import Claim, Evidence
from ..roles import takes_claims
from ..selectors import assignable_users

EARLIEST_DECADE = 1950


def by_filterset(queryset: QuerySet[Claim], **params: str) -> QuerySet[Claim]:
    """The claims the API's FilterSet keeps for these parameters (a refused value is the admin's bad lookup)."""
    try:
        return ClaimFilter.apply(params, queryset)
    except ValidationError as exc:
        raise IncorrectLookupParameters(exc) from exc


class PublisherFilter(admin.SimpleListFilter):
    title = "publisher"
    parameter_name = "publisher"

    def lookups(self, request, model_admin):
        return [(str(pk), name) for pk, name in Publisher.objects.order_by("name").values_list("pk", "name")]

    def queryset(self, request: Any, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        value = self.value()
        if value and value.isdigit():
            return by_filterset(queryset, publisher=value)
        return queryset


class SourceFilter(admin.SimpleListFilter):
    """Claims appearing in one source. Sources are too many to list: the source's page links here."""

    title = "appears in source"
    parameter_name = "source"

    def lookups(self, request, model_admin):
        value = self.value()
        if value and value.isdigit():
            source = Source.objects.filter(pk=value).only("title", "url", "key", "kind", "publisher_id").first()
            if source:
                return [(value, str(source)[:80])]
        return []

    def queryset(self, request: Any, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        value = self.value()
        if value and value.isdigit():
            return by_filterset(queryset, source=value)
        return queryset


class EvidenceSourceFilter(SourceFilter):
    title = "has evidence from source"
    parameter_name = "evidence_source"

    def queryset(self, request: Any, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        value = self.value()
        if value and value.isdigit():
            return by_filterset(queryset, evidence_source=value)
        return queryset


class AssigneeFilter(admin.SimpleListFilter):
    title = "assignee"
    parameter_name = "assignee"

    def lookups(self, request, model_admin):
        # Whoever can take claims, and whoever still holds some (a former fact-checker's claims can be found).
        users = get_user_model().objects.filter(
            Q(pk__in=assignable_users().values("pk")) | Q(assigned_claims__isnull=False)
        )
        names = users.distinct().order_by("username").values_list("pk", "username")
        me = [("me", "Me")] if takes_claims(request.user) else []
        return [*me, ("none", "Nobody"), *((str(pk), name) for pk, name in names)]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "me":
            return queryset.filter(assignee=request.user)
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        if value and value.isdigit():
            return by_filterset(queryset, assignee=value)
        return queryset


class HasEvidenceFilter(admin.SimpleListFilter):
    title = "evidence"
    parameter_name = "has_evidence"

    def lookups(self, request, model_admin):
        return [("yes", "Has evidence"), ("no", "No evidence")]

    def queryset(self, request: Any, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        if self.value() in ("yes", "no"):
            return by_filterset(queryset, has_evidence="true" if self.value() == "yes" else "false")
        return queryset


class PeriodFilter(admin.SimpleListFilter):
    """Claims whose period overlaps a decade: the API's period_from and period_to (an open end reaches on)."""

    title = "period"
    parameter_name = "period"

    def lookups(self, request, model_admin):
        this_decade = dt.date.today().year // 10 * 10
        decades = [(str(start), f"{start}s") for start in range(this_decade, EARLIEST_DECADE - 1, -10)]
        return [*decades, ("earlier", f"Before {EARLIEST_DECADE}"), ("none", "No period")]

    def queryset(self, request: Any, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        value = self.value()
        if value == "none":
            return queryset.filter(period_start__isnull=True, period_end__isnull=True)
        if value == "earlier":
            return by_filterset(queryset, period_to=str(EARLIEST_DECADE - 1))
        if value and value.isdigit() and len(value) == 4:
            return by_filterset(queryset, period_from=value, period_to=str(int(value) + 9))
        return queryset


class WithdrawnFilter(admin.SimpleListFilter):
    title = "withdrawn"
    parameter_name = "withdrawn"

    def lookups(self, request, model_admin):
        return [("no", "Current claims"), ("yes", "Withdrawn")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(withdrawn_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(withdrawn_at__isnull=False)
        return queryset


class ExcerptMissingFilter(admin.SimpleListFilter):
    """Claims with evidence whose excerpt the source check no longer finds on its page."""

    title = "evidence excerpt"
    parameter_name = "excerpt_missing"

    def lookups(self, request, model_admin):
        return [("yes", "Gone from its page")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            flagged = Evidence.objects.filter(claim=OuterRef("pk"), excerpt_missing_since__isnull=False)
            return queryset.filter(Exists(flagged))
        return queryset
