from django.contrib import admin
from django.db import models
from django.db.models import Count

from .models import Publisher, Source


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


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("__str__", "publisher", "kind", "published_display", "url")
    list_filter = ("kind", "publisher")
    list_select_related = ("publisher",)
    search_fields = ("title", "key", "url", "publisher__name")
    readonly_fields = ("normalized_url", "created_at", "updated_at")
    autocomplete_fields = ("publisher",)
    fieldsets = (
        (None, {"fields": ("key", "title", "publisher", "authors", "kind")}),
        ("Publication", {"fields": ("published_on", "published_precision", "url", "normalized_url", "accessed_on",
                                    "archive_url")}),
        ("Text", {"fields": ("text",), "classes": ("collapse",)}),
        ("Record", {"fields": ("created_at", "updated_at")}),
    )

    @admin.display(description="published", ordering="published_on")
    def published_display(self, obj):
        return obj.published_display
