from django.contrib import admin
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.utils.html import format_html
from django.utils.text import Truncator

from .models import Appearance, Claim, Evidence, first_appearance_of

STATUS_COLOURS = {
    "unverified": "#6b7280",
    "in_review": "#b45309",
    "verified": "#15803d",
    "false": "#b91c1c",
    "misleading": "#c2410c",
    "unverifiable": "#4b5563",
}


class AppearanceInline(admin.StackedInline):
    model = Appearance
    extra = 0
    autocomplete_fields = ("source",)
    readonly_fields = ("start_offset", "end_offset")
    fields = ("source", "quote", "start_offset", "end_offset", "claimant", "stated_on")


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    autocomplete_fields = ("source",)
    fields = ("source", "relation", "excerpt", "locator", "source_value", "gap")
    readonly_fields = ("gap",)

    @admin.display(description="gap vs claim")
    def gap(self, obj):
        if obj.pk is None:
            return "—"
        gap = obj.gap_percent()
        return "—" if gap is None else f"{gap:+} %"


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ("short_quote", "figure", "subject", "status_badge", "period_display", "first_source",
                    "evidence_count", "updated_at")
    list_display_links = ("short_quote", "figure")
    list_filter = ("status", "unit", "claim_type")
    search_fields = ("subject", "key", "appearances__quote")
    readonly_fields = ("figure", "period_display", "created_at", "updated_at")
    inlines = (AppearanceInline, EvidenceInline)
    show_full_result_count = False
    fieldsets = (
        (None, {"fields": ("key", "subject", "claim_type", "status", "verdict_note")}),
        ("Quantity", {"fields": ("figure", "value", "unit", "qualifier", "lower_bound", "upper_bound")}),
        ("Period", {"fields": ("period_display", "period", "period_start", "period_end", "period_precision",
                               "period_as_of")}),
        ("Record", {"fields": ("created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        evidence_count = (
            Evidence.objects.filter(claim=OuterRef("pk")).order_by().values("claim").annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(evidence_count=Subquery(evidence_count))
            .prefetch_related(
                Prefetch("appearances", queryset=Appearance.objects.select_related("source__publisher").defer("source__text"))
            )
        )

    @admin.display(description="quote")
    def short_quote(self, obj):
        first = first_appearance_of(obj.appearances.all())
        return Truncator(first.quote).chars(90) if first else "(no appearance)"

    @admin.display(description="figure", ordering="value")
    def figure(self, obj):
        return obj.display_quantity or "—"

    @admin.display(description="period", ordering="period_start")
    def period_display(self, obj):
        return obj.display_period or "—"

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj):
        return format_html(
            '<span class="status-badge status-{}" style="background:{};color:#fff;padding:2px 8px;'
            'border-radius:10px;white-space:nowrap">{}</span>',
            obj.status, STATUS_COLOURS.get(obj.status, "#6b7280"), obj.get_status_display(),
        )

    @admin.display(description="first appearance")
    def first_source(self, obj):
        first = first_appearance_of(obj.appearances.all())
        if first is None:
            return "—"
        publisher = first.source.publisher.name if first.source.publisher_id else ""
        return f"{Truncator(str(first.source)).chars(50)}" + (f" ({publisher})" if publisher else "")

    @admin.display(description="evidence", ordering="evidence_count")
    def evidence_count(self, obj):
        return obj.evidence_count or 0


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ("claim", "source", "relation", "locator", "source_value")
    list_filter = ("relation",)
    list_select_related = ("claim", "source", "source__publisher")
    search_fields = ("claim__subject", "source__title", "excerpt")
    autocomplete_fields = ("claim", "source")
