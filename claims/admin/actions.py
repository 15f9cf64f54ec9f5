"""Bulk actions on the claim list. Each goes through the services and reports, per claim, what was refused."""

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import ngettext

from factcheck.errors import DeskError

from ..choices import Status
from ..services import claim_assign, claim_transition, status_label
from .forms import AssignForm, TransitionForm
from .writes import report_refusals


def apply_transition(modeladmin, request, queryset, to: str, form_data: dict | None = None) -> None:
    data = form_data or {}
    done, refused = 0, []
    for claim in queryset.order_by("pk"):
        try:
            claim_transition(
                claim=claim,
                to=to,
                actor=request.user,
                note=data.get("note") or "",
                textual_rating=data.get("textual_rating") or "",
                rating_value=data.get("rating_value"),
            )
            done += 1
        except DeskError as exc:
            refused.append((claim, exc.message))
    if done:
        text = ngettext("%(count)d claim is now %(status)s.", "%(count)d claims are now %(status)s.", done)
        modeladmin.message_user(request, text % {"count": done, "status": status_label(to).lower()}, messages.SUCCESS)
    report_refusals(modeladmin, request, refused)


def _verdict_action(to: str, description: str):
    """A bulk verdict: an intermediate page asks for the note and rating, then each claim is moved."""

    def action(modeladmin, request, queryset):
        if "apply" in request.POST:
            form = TransitionForm(request.POST)
            if form.is_valid():
                apply_transition(modeladmin, request, queryset, to, form.cleaned_data)
                return None
        else:
            form = TransitionForm(initial={"to": to})
        return TemplateResponse(
            request,
            "admin/claims/claim/bulk_transition.html",
            {
                **modeladmin.admin_site.each_context(request),
                "title": description,
                "form": form,
                "claims": queryset,
                "action": action.__name__,
                "to_label": status_label(to),
                "opts": modeladmin.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    action.__name__ = f"mark_{to}"
    return admin.action(description=description, permissions=["change_status"])(action)


@admin.action(description="Send selected claims to review", permissions=["change_status"])
def send_to_review(modeladmin, request, queryset):
    apply_transition(modeladmin, request, queryset, Status.IN_REVIEW)


mark_verified = _verdict_action(Status.VERIFIED, "Mark selected claims verified…")
mark_false = _verdict_action(Status.FALSE, "Mark selected claims false…")
mark_misleading = _verdict_action(Status.MISLEADING, "Mark selected claims misleading…")
mark_unverifiable = _verdict_action(Status.UNVERIFIABLE, "Mark selected claims unverifiable…")


def assigned_message(count: int, who: str | None) -> str:
    """What an assignment did, in the desk's words: "1 claim assigned to you.", "3 claims unassigned."."""
    if who is None:
        return ngettext("%(count)d claim unassigned.", "%(count)d claims unassigned.", count) % {"count": count}
    text = ngettext("%(count)d claim assigned to %(who)s.", "%(count)d claims assigned to %(who)s.", count)
    return text % {"count": count, "who": who}


@admin.action(description="Assign selected claims to me", permissions=["change"])
def assign_to_me(modeladmin, request, queryset):
    count = claim_assign(claims=list(queryset), assignee=request.user, actor=request.user)
    modeladmin.message_user(request, assigned_message(count, "you"), messages.SUCCESS)


@admin.action(description="Assign selected claims to…", permissions=["change"])
def assign_to(modeladmin, request, queryset):
    if "apply" in request.POST:
        form = AssignForm(request.POST)
        if form.is_valid():
            assignee = form.cleaned_data["assignee"]
            count = claim_assign(claims=list(queryset), assignee=assignee, actor=request.user)
            who = assignee.get_username() if assignee else None
            modeladmin.message_user(request, assigned_message(count, who), messages.SUCCESS)
            return None
    else:
        form = AssignForm()
    return TemplateResponse(
        request,
        "admin/claims/claim/bulk_assign.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": "Assign claims",
            "form": form,
            "claims": queryset,
            "action": "assign_to",
            "opts": modeladmin.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )
