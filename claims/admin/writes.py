"""How the admin writes: every save and delete of a claim, an appearance or evidence goes through claims.services.

Django's admin would save the form's object, then each inline formset's objects, each by itself; here the claim
page's form and its inlines are one change of the claim (claims.services.claim_change: one version, one lock, the
verdict lock and the audit trail applied to each part), and deletions on their own pages or from the list's
action go through the same services, each refusal shown to the editor.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import model_ngettext
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import ngettext

from factcheck.errors import DeskError

from ..models import Appearance, Claim, Evidence
from ..services import ADMIN, CLAIM_EDITABLE, ClaimChange, child_delete, claim_change, claim_create, claim_delete

MAX_LISTED = 15


def desk_user(request: HttpRequest) -> AbstractUser:
    """The signed-in user acting in the admin (its views let no one else in)."""
    if not isinstance(request.user, AbstractUser):
        raise PermissionDenied
    return request.user


def claim_form_data(form: forms.ModelForm) -> dict[str, Any]:
    """The claim form's editable values as the services take them (the period as its canonical text)."""
    return {name: form.cleaned_data[name] for name in (*CLAIM_EDITABLE, "period") if name in form.cleaned_data}


def save_claim_page(*, request: HttpRequest, form: forms.ModelForm, formsets: Iterable[BaseInlineFormSet],
                    change: bool) -> Claim:  # fmt: skip
    """Save the claim page (the form and its inline formsets) as one change of the claim."""
    claim = form.instance
    if not change:
        claim_create(data=claim_form_data(form), actor=desk_user(request), via=ADMIN, instance=claim)
    expected = form.cleaned_data.get("expected_version") if change else None
    with claim_change(
        claim=claim.pk, expected_version=expected, actor=desk_user(request), via=ADMIN, created=not change
    ) as edit:
        if change:
            edit.update_claim(claim_form_data(form))
        for formset in formsets:
            save_children(formset, edit)
    claim.version, claim.updated_at = edit.claim.version, edit.claim.updated_at
    return claim


def save_children(formset: BaseInlineFormSet, edit: ClaimChange) -> None:
    """An inline formset's deletions, changes and additions, each through the claim's change."""
    formset.save(commit=False)  # fills new_objects, changed_objects, deleted_objects (the admin's log reads them)
    for obj in formset.deleted_objects:
        edit.delete_child(obj)
    for obj, _names in formset.changed_objects:
        edit.save_child(obj)
    for obj in formset.new_objects:
        edit.save_child(obj)


def report_refusals(modeladmin: admin.ModelAdmin, request: HttpRequest, refused: list[tuple[Model, str]]) -> None:
    """One message per refused object, naming its claim (the first MAX_LISTED, then a count)."""
    for obj, reason in refused[:MAX_LISTED]:
        claim = obj if isinstance(obj, Claim) else obj.claim  # type: ignore[attr-defined]  # a claim's child
        what = "" if isinstance(obj, Claim) else f"{obj._meta.verbose_name} {obj.pk} of "
        modeladmin.message_user(request, f"{what}Claim {claim.pk} ({claim.subject}) refused: {reason}", messages.ERROR)
    if len(refused) > MAX_LISTED:
        more = len(refused) - MAX_LISTED
        text = ngettext("… and %(count)d more was refused.", "… and %(count)d more were refused.", more)
        modeladmin.message_user(request, text % {"count": more}, messages.ERROR)


def delete_one(obj: Model, request: HttpRequest) -> None:
    """Delete a claim, an appearance or a piece of evidence through the services."""
    if isinstance(obj, Claim):
        claim_delete(claim=obj, actor=desk_user(request), via=ADMIN)
    elif isinstance(obj, (Appearance, Evidence)):
        child_delete(obj=obj, actor=desk_user(request), expected_version=None, via=ADMIN)
    else:
        raise TypeError(f"not a claim or a child of one: {obj!r}")


@admin.action(description="Delete selected %(verbose_name_plural)s", permissions=["delete"])
def delete_selected(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse | None:
    """Django's delete action (its confirmation page and permission checks), each deletion through the services:
    what they refuse (a reviewed claim, the evidence of a standing verdict) stays, with a message per claim."""
    if not request.POST.get("post"):
        return django_delete_selected(modeladmin, request, queryset)
    _objects, _counts, perms_needed, protected = modeladmin.get_deleted_objects(queryset, request)
    if perms_needed or protected:
        return django_delete_selected(modeladmin, request, queryset)  # Django's page says what is missing
    deleted, refused = 0, []
    for obj in queryset.order_by("pk"):
        try:
            with transaction.atomic():  # the admin's log entry is written before the deletion, and kept with it
                modeladmin.log_deletions(request, queryset.filter(pk=obj.pk))
                delete_one(obj, request)
        except DeskError as exc:
            refused.append((obj, exc.message))
        else:
            deleted += 1
    if deleted:
        modeladmin.message_user(
            request, f"Deleted {deleted} {model_ngettext(modeladmin.opts, deleted)}.", messages.SUCCESS
        )
    report_refusals(modeladmin, request, refused)
    return None


def refusals_as_messages(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A change or delete view whose save a service refused after the form was valid (a race the forms' own checks
    leave open): the whole save is rolled back; say why and go back to the page instead of failing."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DeskError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(request.get_full_path())

    return wrapped


class WritesThroughServices:
    """For the ModelAdmins of claims and evidence: deletions through the services, the delete action replaced
    by delete_selected above, and a service refusal after a valid form answered with a message."""

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions: dict[str, Any] = super().get_actions(request)  # type: ignore[misc]
        if "delete_selected" in actions:
            actions["delete_selected"] = self.get_action(delete_selected)  # type: ignore[attr-defined]
        return actions

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        delete_one(obj, request)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset.order_by("pk"):
            delete_one(obj, request)

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        view = super().changeform_view  # type: ignore[misc]
        return refusals_as_messages(view)(request, object_id, form_url, extra_context)

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        return refusals_as_messages(super().delete_view)(request, object_id, extra_context)  # type: ignore[misc]

    # django-simple-history's "Revert" would save an old version with the admin's form alone, outside the
    # services (its status and verdict too, past the workflow): the history pages stay, read-only.
    def revert_disabled(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return True

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)  # type: ignore[misc]
