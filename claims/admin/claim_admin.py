"""The claim list and claim page: the fact-checker's main screens."""

from django.contrib import admin, messages
from django.db.models import Prefetch
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin

from sources.admin import health_badge_html

from ..models import Appearance, Claim, Evidence, first_appearance_of
from ..roles import STATUS_PERMISSION
from ..services import can_delete_claim
from ..templatetags.claim_status import status_badge_html
from . import actions, filters, views
from .figures import ClaimAmountsAsRead, EvidenceAmountsAsRead, figure_reading, gap_as_read
from .forms import AppearanceFormSet, AppearanceInlineForm, ClaimAdminForm, EvidenceFormSet, EvidenceInlineForm
from .paginator import EstimatedCountPaginator
from .writes import WritesThroughServices, save_claim_page


class AppearanceInline(admin.StackedInline):
    model = Appearance
    form = AppearanceInlineForm
    formset = AppearanceFormSet
    extra = 0
    autocomplete_fields = ("source",)
    fields = ("source", "quote", "claimant", "stated_on", "start_offset", "end_offset")
    readonly_fields = ("start_offset", "end_offset")


class EvidenceInline(EvidenceAmountsAsRead, admin.TabularInline):
    model = Evidence
    form = EvidenceInlineForm
    formset = EvidenceFormSet
    extra = 0
    autocomplete_fields = ("source",)
    fields = ("source", "relation", "excerpt", "locator", "source_value", "gap", "excerpt_check", "source_health")
    readonly_fields = ("gap", "excerpt_check", "source_health")

    @admin.display(description="gap vs claim")
    def gap(self, obj):
        return gap_as_read(obj)

    @admin.display(description="excerpt on page")
    def excerpt_check(self, obj):
        if obj.pk and obj.excerpt_missing_since:
            return format_html(
                '<strong style="color:#b91c1c">not found since {}</strong>', f"{obj.excerpt_missing_since:%Y-%m-%d}"
            )
        return "—"

    @admin.display(description="source link")
    def source_health(self, obj):
        return health_badge_html(obj.source) if obj.pk else "—"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source__publisher").defer("source__text")


@admin.register(Claim)
class ClaimAdmin(ClaimAmountsAsRead, WritesThroughServices, SimpleHistoryAdmin):
    form = ClaimAdminForm
    change_form_template = "admin/claims/claim/change_form.html"
    change_list_template = "admin/claims/claim/change_list.html"
    list_display = (
        "short_quote",
        "figure",
        "subject",
        "status_badge",
        "first_source",
        "evidence_count",
        "assignee",
        "updated_at",
    )
    list_display_links = ("short_quote", "figure")
    list_filter = (
        "status",
        filters.AssigneeFilter,
        filters.HasEvidenceFilter,
        "unit",
        "claim_type",
        filters.PeriodFilter,
        filters.PublisherFilter,
        filters.SourceFilter,
        filters.EvidenceSourceFilter,
        filters.WithdrawnFilter,
        filters.ExcerptMissingFilter,
    )
    list_select_related = ("assignee",)
    list_per_page = 50
    search_fields = ("subject", "key", "appearances__quote", "appearances__source__title")
    search_help_text = "Search the subject, the quotes and the titles of the sources they appear in."
    sortable_by = ("figure", "subject", "status_badge", "evidence_count", "assignee", "updated_at")
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    inlines = (AppearanceInline, EvidenceInline)
    actions = (
        actions.send_to_review,
        actions.mark_verified,
        actions.mark_false,
        actions.mark_misleading,
        actions.mark_unverifiable,
        actions.assign_to_me,
        actions.assign_to,
    )
    history_list_display = ("status", "textual_rating")
    readonly_fields = (
        "figure",
        "status_badge",
        "textual_rating",
        "rating_value",
        "verdict_note",
        "reviewer",
        "reviewed_at",
        "period_display",
        "withdrawal",
        "version",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (
            "Verdict",
            {
                "fields": (
                    "status_badge",
                    "textual_rating",
                    "rating_value",
                    "verdict_note",
                    "reviewer",
                    "reviewed_at",
                    "withdrawal",
                )
            },
        ),
        (None, {"fields": ("expected_version", "key", "subject", "claim_type", "assignee")}),
        ("Quantity", {"fields": ("figure", "value", "unit", "qualifier", "lower_bound", "upper_bound")}),
        ("Period", {"fields": ("period", "period_display")}),
        ("Record", {"fields": ("version", "created_at", "updated_at"), "classes": ("collapse",)}),
    )

    def get_queryset(self, request):
        appearances = Appearance.objects.select_related("source__publisher").defer("source__text")
        return super().get_queryset(request).prefetch_related(Prefetch("appearances", queryset=appearances))

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(views.ImportView.as_view(model_admin=self)), name="claims_claim_import"),
            path("figure-reading/", wrap(figure_reading), name="claims_figure_reading"),
            path("<path:object_id>/transition/", wrap(views.transition_view(self)), name="claims_claim_transition"),
            path("<path:object_id>/withdraw/", wrap(views.withdraw_view(self)), name="claims_claim_withdraw"),
            *super().get_urls(),
        ]

    def get_search_results(self, request, queryset, search_term):
        """The API's search (PostgreSQL full text over the claims' search documents): one owner."""
        from ..filters import ClaimFilter

        if not search_term.strip():
            return queryset, False
        return ClaimFilter(data={"q": search_term}, queryset=queryset).qs, False

    def save_model(self, request, obj, form, change):
        pass  # the claim is written with its inlines in save_related, as one change (claims.admin.writes)

    def save_related(self, request, form, formsets, change):
        save_claim_page(request=request, form=form, formsets=formsets, change=change)

    def has_change_status_permission(self, request):
        return request.user.has_perm(STATUS_PERMISSION)

    def has_delete_permission(self, request, obj=None):
        return can_delete_claim(claim=obj, user=request.user)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        claim = self.get_object(request, object_id)
        if claim and request.method == "GET" and claim.evidence.filter(excerpt_missing_since__isnull=False).exists():
            messages.warning(request, "An evidence excerpt is no longer on its source's page: see “excerpt on page”.")
        extra_context = {**(extra_context or {}), **views.claim_page_context(request, claim)} if claim else None
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

    # --- columns -------------------------------------------------------------------------------------------
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
    def status_badge(self, obj: Claim) -> str:
        return status_badge_html(obj.status, withdrawn=obj.withdrawn_at is not None)

    @admin.display(description="first appearance")
    def first_source(self, obj):
        first = first_appearance_of(obj.appearances.all())
        if first is None:
            return "—"
        publisher = first.source.publisher.name if first.source.publisher_id else ""
        return f"{Truncator(str(first.source)).chars(50)}" + (f" — {publisher}" if publisher else "")

    @admin.display(description="evidence", ordering="evidence_count")
    def evidence_count(self, obj):
        return obj.evidence_count

    @admin.display(description="withdrawn")
    def withdrawal(self, obj):
        if not obj.withdrawn_at:
            return "—"
        successor = ""
        if obj.superseded_by_id:
            url = reverse("admin:claims_claim_change", args=[obj.superseded_by_id])
            successor = format_html(' — superseded by <a href="{}">claim {}</a>', url, obj.superseded_by_id)
        return format_html("{:%Y-%m-%d}: {}{}", obj.withdrawn_at, obj.withdrawal_reason, successor)
