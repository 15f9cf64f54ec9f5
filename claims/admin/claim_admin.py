"""The claim list and claim page: the fact-checker's main screens."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Prefetch
from django.urls import path, reverse
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.timezone import localtime
from simple_history.admin import SimpleHistoryAdmin

from sources.admin import health_badge_html

from ..models import Appearance, Claim, Evidence, first_appearance_of
from ..quantities import format_gap, format_quantity, gap_severity
from ..roles import STATUS_PERMISSION, takes_claims
from ..selectors import can_read_all_claims, claim_search_ids
from ..services import can_delete_claim
from ..templatetags.claim_status import status_badge_html
from . import actions, filters, views
from .figures import ClaimAmountsAsRead, EvidenceAmountsAsRead, figure_reading
from .forms import AppearanceFormSet, AppearanceInlineForm, ClaimAdminForm, EvidenceFormSet, EvidenceInlineForm
from .history_page import ReadableHistoryAdmin
from .paginator import IdsFirstPaginator
from .writes import WritesThroughServices, save_claim_page

GAP_TITLES = {
    "none": "The claim or the source states no figure to compare.",
    "close": "Within 1 % of the source's figure.",
    "notable": "Between 1 % and 10 % away from the source's figure.",
    "large": "10 % or more away from the source's figure.",
}


class AppearanceInline(admin.StackedInline):
    model = Appearance
    form = AppearanceInlineForm
    formset = AppearanceFormSet
    extra = 0
    autocomplete_fields = ("source",)
    fields = ("source", "quote", "claimant", "stated_on", "start_offset", "end_offset")
    readonly_fields = ("start_offset", "end_offset")


class EvidenceInline(EvidenceAmountsAsRead, admin.StackedInline):
    """A card per piece of evidence, laid out so that at 1280 px each shows, without scrolling sideways: its source
    and relation, the source's figure beside the claim's with the gap between them, the link's health, the excerpt
    and whether it is still on the page."""

    model = Evidence
    form = EvidenceInlineForm
    formset = EvidenceFormSet
    extra = 0
    autocomplete_fields = ("source",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("source", "relation", "source_health"),
                    ("source_value", "gap"),
                    "excerpt",
                    ("locator", "excerpt_check"),
                ),
                "classes": ("evidence-card",),
            },
        ),
    )
    readonly_fields = ("gap", "excerpt_check", "source_health")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        excerpt = formset.form.base_fields["excerpt"]
        excerpt.widget.attrs.update(rows=3, cols=100)
        return formset

    @admin.display(description="gap vs claim")
    def gap(self, obj):
        """The claim's figure against the source's: "claim ≈ $245 bn · source $244.8 bn · gap +0.1 %"."""
        if not obj.pk or obj.source_value is None:
            return "—"
        claim = obj.claim
        gap = obj.gap_percent()
        claimed = claim.display_quantity or "no figure"
        stated = format_quantity(obj.source_value, claim.unit)
        severity = gap_severity(gap)
        return format_html(
            '<span class="gap-compare">claim {} · source {} · <strong class="gap gap-{}" title="{}">{}</strong></span>',
            claimed,
            stated,
            severity,
            GAP_TITLES[severity],
            f"gap {format_gap(gap) or '—'}",
        )

    @admin.display(description="excerpt on page")
    def excerpt_check(self, obj):
        if obj.pk and obj.excerpt_missing_since:
            return format_html(
                '<strong class="excerpt-missing">not found since {}</strong>', f"{obj.excerpt_missing_since:%Y-%m-%d}"
            )
        return "—" if not obj.pk else "found at the last check" if obj.source.last_checked_at else "not checked yet"

    @admin.display(description="source link")
    def source_health(self, obj):
        if not obj.pk:
            return "—"
        source = obj.source
        if not source.url:
            return format_html("{} (no URL)", health_badge_html(source))
        host = urlsplit(source.url).hostname or source.url
        return format_html(
            '{} <a href="{}" target="_blank" rel="noopener noreferrer">{} ↗</a>',
            health_badge_html(source),
            source.url,
            host,
        )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source__publisher").defer("source__text")


@admin.register(Claim)
class ClaimAdmin(ClaimAmountsAsRead, WritesThroughServices, ReadableHistoryAdmin, SimpleHistoryAdmin):
    form = ClaimAdminForm
    change_form_template = "admin/claims/claim/change_form.html"
    change_list_template = "admin/claims/claim/change_list.html"
    # The subject and the quote share a column, so that at 1280 px every column stays on the screen.
    list_display = ("claim_column", "figure", "status_badge", "first_source", "evidence_column", "assignee", "updated")
    list_display_links = ("claim_column", "figure")
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
    sortable_by = ("claim_column", "figure", "status_badge", "evidence_column", "assignee", "updated")
    paginator = IdsFirstPaginator
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
            path("import/format/", wrap(views.import_format_view(self)), name="claims_claim_import_format"),
            path(
                f"import/format/{views.FORMAT_SCHEMA}",
                wrap(views.import_schema_view),
                name="claims_claim_import_schema",
            ),
            path("import/template.csv", wrap(views.import_template_view), name="claims_claim_import_template"),
            path("figure-reading/", wrap(figure_reading), name="claims_figure_reading"),
            path("<path:object_id>/transition/", wrap(views.transition_view(self)), name="claims_claim_transition"),
            path("<path:object_id>/withdraw/", wrap(views.withdraw_view(self)), name="claims_claim_withdraw"),
            path("<path:object_id>/publication/", wrap(views.publication_view(self)), name="claims_claim_publication"),
            *super().get_urls(),
        ]

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        paginator = super().get_paginator(request, queryset, per_page, orphans, allow_empty_first_page)
        search = request.GET.get("q", "").strip()
        if search:  # a search's count reads every match: its estimate may stand for it
            paginator.estimate_first_above = settings.SEARCH_COUNT_ESTIMATE
        if search and set(request.GET) <= {"q", "p"} and can_read_all_claims(request.user):
            # A search alone, best match first: its page's ids ranked among the search documents, as the API's, not
            # joined to every matched claim ('wheat' at a million claims: 40-75 ms against 116-300 ms).
            paginator.ids = claim_search_ids(user=request.user, filters={"q": search})
        return paginator

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

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "takes_claims": takes_claims(request.user)}
        return super().changelist_view(request, extra_context=extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        claim = self.get_object(request, object_id)
        if claim and request.method == "GET" and claim.evidence.filter(excerpt_missing_since__isnull=False).exists():
            messages.warning(request, "An evidence excerpt is no longer on its source's page: see “excerpt on page”.")
        extra_context = {**(extra_context or {}), **views.claim_page_context(request, claim)} if claim else None
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

    # --- columns -------------------------------------------------------------------------------------------
    @admin.display(description="claim", ordering="subject")
    def claim_column(self, obj):
        first = first_appearance_of(obj.appearances.all())
        quote = Truncator(first.quote).chars(110) if first else "(no appearance)"
        return format_html('<strong>{}</strong><br><span class="claim-list-quote">“{}”</span>', obj.subject, quote)

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
        source = first.source
        publisher = source.publisher.name if source.publisher_id and source.is_named else ""
        return Truncator(str(source)).chars(60) + (f" — {publisher}" if publisher else "")

    @admin.display(description="evidence", ordering="evidence_count")
    def evidence_column(self, obj):
        return obj.evidence_count

    @admin.display(description="updated", ordering="updated_at")
    def updated(self, obj):
        return date_format(localtime(obj.updated_at), "j M Y, H:i")

    @admin.display(description="withdrawn")
    def withdrawal(self, obj):
        if not obj.withdrawn_at:
            return "—"
        successor = ""
        if obj.superseded_by_id:
            url = reverse("admin:claims_claim_change", args=[obj.superseded_by_id])
            successor = format_html(' — superseded by <a href="{}">claim {}</a>', url, obj.superseded_by_id)
        return format_html("{:%Y-%m-%d}: {}{}", obj.withdrawn_at, obj.withdrawal_reason, successor)
