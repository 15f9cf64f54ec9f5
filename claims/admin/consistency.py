"""The consistency report in the admin: the desk's figures that disagree (claims.consistency), kind by kind, each row
linking to the claims and evidence it names. For the desk's staff (who read every claim), as the charts are."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.response import TemplateResponse

from ..consistency import KIND_TITLES, KINDS, TOLERANCE, consistency_report
from ..selectors import can_read_all_claims


def consistency_view(request: HttpRequest) -> TemplateResponse:
    """Every kind of disagreement, at most REPORT_LIMIT of each: one query a kind."""
    if not can_read_all_claims(request.user):
        raise PermissionDenied
    report = consistency_report()
    sections = [
        {
            "kind": kind,
            "title": KIND_TITLES[kind],
            "rows": report.of(kind),
            "full": len(report.of(kind)) >= report.limit,
        }
        for kind in KINDS
    ]
    return TemplateResponse(
        request,
        "admin/claims/consistency.html",
        {
            **admin.site.each_context(request),
            "title": "Figures that disagree",
            "sections": sections,
            "limit": report.limit,
            "tolerance": TOLERANCE,
        },
    )
