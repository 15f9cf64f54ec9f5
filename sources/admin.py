from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import ngettext

from .checking.limits import setting
from .choices import SourceHealth
from .models import CHECK_FIELDS, Publisher, Source, SourceCheck
from .selectors import source_with_url
from .services import accept_source_changes
from .tasks import start_check
from .urlnorm import InvalidURL

HEALTH_COLOURS: dict[str, str] = {
    SourceHealth.NEVER_CHECKED: "#6b7280",
    SourceHealth.OK: "#15803d",
    SourceHealth.REDIRECTED: "#1d4ed8",
    SourceHealth.CHANGED: "#b45309",
    SourceHealth.BROKEN: "#b91c1c",
    SourceHealth.UNREACHABLE: "#7c2d12",
    SourceHealth.REFUSED: "#4b5563",
}


@admin.register(Publisher)
class PublisherAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("name", "website", "source_count")
    search_fields = ("name",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(source_count=Count("sources"))

    @admin.display(description="sources", ordering="source_count")
    def source_count(self, obj):
        return obj.source_count


class SourceCheckInline(admin.TabularInline):
    """The source's check history, newest first. Checks are records: nobody adds, edits or deletes them."""

    model = SourceCheck
    extra = 0
    can_delete = False
    verbose_name_plural = "check history"
    fields = (
        "checked_at",
        "health",
        "http_status",
        "final_url",
        "redirect_chain",
        "content_type",
        "duration_ms",
        "short_fingerprint",
        "error",
        "error_detail",
    )
    readonly_fields = fields
    ordering = ("-checked_at", "-id")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="redirects")
    def redirect_chain(self, obj):
        return " → ".join(f"{hop['status']} {hop['location']}" for hop in obj.redirects) or "—"

    @admin.display(description="fingerprint")
    def short_fingerprint(self, obj):
        return obj.fingerprint[:12] or "—"


CLAIMS_LISTED = 25


def _claim_links(related, source: Source, list_filter: str, detail: str) -> str:
    """Up to CLAIMS_LISTED claims linked from this source (through appearances or evidence), and a link to all."""
    rows = list(related.select_related("claim").order_by("claim_id")[: CLAIMS_LISTED + 1])
    if not rows:
        return "—"
    items = format_html_join(
        "",
        '<li><a href="{}">{}</a> — {}</li>',
        (
            (
                reverse("admin:claims_claim_change", args=[row.claim_id]),
                Truncator(str(row.claim)).chars(90),
                Truncator(row.quote).chars(80) if detail == "quote" else row.get_relation_display(),
            )
            for row in rows[:CLAIMS_LISTED]
        ),
    )
    every = reverse("admin:claims_claim_changelist") + f"?{list_filter}={source.pk}"
    more = "all of them in the claim list" if len(rows) > CLAIMS_LISTED else "in the claim list"
    return format_html('<ul style="margin-left:0">{}</ul><a href="{}">{}</a>', items, every, more)


def health_badge_html(source: Source) -> str:
    return format_html(
        '<span class="health-badge health-{}" title="{}" style="background:{};color:#fff;padding:2px 8px;'
        'border-radius:10px;white-space:nowrap">{}</span>',
        source.health,
        source.health_detail,
        HEALTH_COLOURS.get(source.health, "#6b7280"),
        source.get_health_display(),
    )


class AuthorNamesField(forms.CharField):
    """A source's authors as people write them, one name per line (stored as a list of names)."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 60})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("encoder", None), kwargs.pop("decoder", None)  # a JSONField's form arguments
        kwargs.setdefault("help_text", "One name per line, as the source gives them.")
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(str(name) for name in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]  # a list, not a string
        if isinstance(value, list):
            return [str(name).strip() for name in value if str(name).strip()]
        text = super().to_python(value) or ""
        return [" ".join(line.split()) for line in text.splitlines() if line.strip()]

    def has_changed(self, initial: Any, data: Any) -> bool:
        return self.to_python(initial or []) != self.to_python(data)


class SourceAdminForm(forms.ModelForm):
    """A source's page (and the "+" popup of the claim page): a URL that another source already has, after the
    desk's normalisation, is refused on the field with a link to that source; so is one it can't normalise."""

    class Meta:
        model = Source
        fields = ()  # the admin's fieldsets name them (with its formfield_overrides: https by default)

    def clean_url(self) -> str:
        url: str = self.cleaned_data.get("url") or ""
        if not url:
            return url
        try:
            existing = source_with_url(url, other_than=self.instance.pk)
        except InvalidURL as exc:
            raise ValidationError(f"This address {exc}.", code="invalid") from exc
        if existing is not None:
            page = reverse("admin:sources_source_change", args=[existing.pk])
            raise ValidationError(
                format_html(
                    'Another source already has this address: <a href="{}">{}</a>. Cite that source, or change '
                    "its address first.",
                    page,
                    existing,
                ),
                code="duplicate_url",
            )
        return url


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    form = SourceAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("__str__", "publisher", "kind", "published_display", "url", "health_badge", "last_checked_at")
    list_filter = ("health", "kind", "publisher")
    list_select_related = ("publisher",)
    search_fields = ("title", "key", "url", "publisher__name")
    readonly_fields = ("normalized_url", "created_at", "updated_at", *CHECK_FIELDS)
    autocomplete_fields = ("publisher",)
    inlines = (SourceCheckInline,)
    actions = ("check_now", "accept_changes")
    fieldsets = (
        (None, {"fields": ("key", "title", "publisher", "authors", "kind")}),
        (
            "Publication",
            {"fields": ("published_on", "published_precision", "url", "normalized_url", "accessed_on", "archive_url")},
        ),
        (
            "Link health",
            {
                "fields": (
                    ("health", "health_since"),
                    "health_detail",
                    "last_checked_at",
                    ("http_status", "http_status_since"),
                    ("final_url", "final_url_since"),
                    ("content_type", "content_type_since"),
                    "page_title",
                    ("fingerprint", "fingerprint_since"),
                    "change_detected_at",
                )
            },
        ),
        ("Text", {"fields": ("text",), "classes": ("collapse",)}),
        ("Record", {"fields": ("created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).defer("text")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "authors":
            return db_field.formfield(form_class=AuthorNamesField, **kwargs)
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in ("title", "key") and field is not None:
            field.widget.attrs["class"] = "vLargeTextField"  # the admin's wide input: titles run long
        return field

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "claims_here", "evidence_for") if obj is not None else fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return (fieldsets[0], ("Claims", {"fields": ("claims_here", "evidence_for")}), *fieldsets[1:])

    @admin.display(description="claims that appear in it")
    def claims_here(self, obj):
        return _claim_links(obj.appearances, obj, "source", "quote")

    @admin.display(description="claims it is evidence for")
    def evidence_for(self, obj):
        return _claim_links(obj.evidence, obj, "evidence_source", "relation")

    @admin.display(description="published", ordering="published_on")
    def published_display(self, obj):
        return obj.published_display

    @admin.display(description="health", ordering="health")
    def health_badge(self, obj):
        return health_badge_html(obj)

    @admin.action(description="Check now (fetch the selected sources' URLs)", permissions=["change"])
    def check_now(self, request, queryset):
        limit = int(setting("SOURCE_CHECK_ADMIN_MAX"))
        if queryset.count() > limit:
            text = ngettext(
                "Select at most %(limit)d source at once.",
                "Select at most %(limit)d sources at once.",
                limit,
            )
            more = " Larger checks run on the server, on a schedule or when an administrator starts one."
            self.message_user(request, text % {"limit": limit} + more, messages.ERROR)
            return
        # On the queue (sources/tasks.py): the page answers at once, the job's page follows the check.
        job = start_check(source_ids=list(queryset.values_list("pk", flat=True)), user=request.user)
        job_url = reverse("admin:jobs_job_change", args=[job.pk])
        text = ngettext(
            "Checking %(count)d source in the background:", "Checking %(count)d sources in the background:", job.total
        )
        self.message_user(
            request, format_html('{} <a href="{}">{}</a>.', text % {"count": job.total}, job_url, job), messages.SUCCESS
        )

    @admin.action(description="Accept page changes (the current text becomes the reference)", permissions=["change"])
    def accept_changes(self, request, queryset):
        accepted = accept_source_changes(sources=queryset, actor=request.user)
        text = ngettext(
            "Accepted the page changes of %(count)d source.",
            "Accepted the page changes of %(count)d sources.",
            accepted,
        )
        self.message_user(request, text % {"count": accepted}, messages.SUCCESS)
