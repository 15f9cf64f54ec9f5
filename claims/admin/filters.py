"""List filters of the claim list. Each filters with EXISTS, so a claim never shows twice."""

import datetime as dt

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q

from sources.models import Publisher, Source

from ..models import Appearance, Evidence
from ..roles import FACT_CHECKER


class PublisherFilter(admin.SimpleListFilter):
    title = "publisher"
    parameter_name = "publisher"

    def lookups(self, request, model_admin):
        return [(str(pk), name) for pk, name in Publisher.objects.order_by("name").values_list("pk", "name")]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(
                Exists(Appearance.objects.filter(claim=OuterRef("pk"), source__publisher_id=self.value()))
            )
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

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(Exists(Appearance.objects.filter(claim=OuterRef("pk"), source_id=self.value())))
        return queryset


class EvidenceSourceFilter(SourceFilter):
    title = "has evidence from source"
    parameter_name = "evidence_source"

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(Exists(Evidence.objects.filter(claim=OuterRef("pk"), source_id=self.value())))
        return queryset


class AssigneeFilter(admin.SimpleListFilter):
    title = "assignee"
    parameter_name = "assignee"

    def lookups(self, request, model_admin):
        checkers = get_user_model().objects.filter(Q(groups__name=FACT_CHECKER) | Q(assigned_claims__isnull=False))
        names = checkers.distinct().order_by("username").values_list("pk", "username")
        return [("me", "Me"), ("none", "Nobody"), *((str(pk), name) for pk, name in names)]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "me":
            return queryset.filter(assignee=request.user)
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        if value and value.isdigit():
            return queryset.filter(assignee_id=value)
        return queryset


class HasEvidenceFilter(admin.SimpleListFilter):
    title = "evidence"
    parameter_name = "has_evidence"

    def lookups(self, request, model_admin):
        return [("yes", "Has evidence"), ("no", "No evidence")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(evidence_count__gt=0)
        if self.value() == "no":
            return queryset.filter(evidence_count=0)
        return queryset


class PeriodFilter(admin.SimpleListFilter):
    """Claims whose period overlaps a decade."""

    title = "period"
    parameter_name = "period"

    def lookups(self, request, model_admin):
        this_decade = dt.date.today().year // 10 * 10
        decades = [(str(start), f"{start}s") for start in range(this_decade, 1950 - 1, -10)]
        return [*decades, ("earlier", "Before 1950"), ("none", "No period")]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(period_start__isnull=True, period_end__isnull=True)
        if value == "earlier":
            return queryset.filter(Q(period_start__lt=dt.date(1950, 1, 1)) | Q(period_end__lt=dt.date(1950, 1, 1)))
        if value and value.isdigit():
            start, end = dt.date(int(value), 1, 1), dt.date(int(value) + 9, 12, 31)
            return queryset.filter(
                (Q(period_start__lte=end) | Q(period_start__isnull=True) & Q(period_end__isnull=False))
                & (Q(period_end__gte=start) | Q(period_end__isnull=True) & Q(period_start__isnull=False))
            )
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
