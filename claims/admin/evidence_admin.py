from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from ..models import Evidence


@admin.register(Evidence)
class EvidenceAdmin(SimpleHistoryAdmin):
    list_display = ("claim", "source", "relation", "locator", "source_value", "excerpt_missing_since")
    list_filter = ("relation",)
    list_select_related = ("claim", "source", "source__publisher")
    search_fields = ("claim__subject", "source__title", "excerpt")
    autocomplete_fields = ("claim", "source")
