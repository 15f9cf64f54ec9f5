"""The evidence list: every link between a claim and a source, searchable; its writes go through the services."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from ..models import Evidence
from ..services import ADMIN, evidence_save
from .figures import EvidenceAmountsAsRead
from .forms import EvidenceAdminForm
from .history_page import ReadableHistoryAdmin
from .writes import WritesThroughServices, desk_user


@admin.register(Evidence)
class EvidenceAdmin(EvidenceAmountsAsRead, WritesThroughServices, ReadableHistoryAdmin, SimpleHistoryAdmin):
    form = EvidenceAdminForm
    fields = ("claim", "source", "relation", "excerpt", "locator", "source_value", "excerpt_missing_since")
    list_display = ("claim", "source", "relation", "locator", "source_value_as_read", "excerpt_missing_since")
    list_filter = ("relation",)
    list_select_related = ("claim", "source", "source__publisher")
    search_fields = ("claim__subject", "source__title", "excerpt")
    autocomplete_fields = ("claim", "source")

    def get_readonly_fields(self, request: HttpRequest, obj: Evidence | None = None) -> Any:
        # Evidence stays with its claim (delete it and add it to the other), as in the API.
        own = ("claim", "excerpt_missing_since") if obj is not None else ("excerpt_missing_since",)
        return (*super().get_readonly_fields(request, obj), *own)

    def save_model(self, request: HttpRequest, obj: Evidence, form: Any, change: bool) -> None:
        evidence_save(evidence=obj, data=None, actor=desk_user(request), expected_version=None, via=ADMIN)
