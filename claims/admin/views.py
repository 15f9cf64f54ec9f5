"""Views of the claim page beyond Django's: status moves, withdrawal, the import upload, and the page's context."""

import secrets
import tempfile
from itertools import chain
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.views import View

from factcheck.errors import DeskError

from ..choices import VERDICTS, Status
from ..history import ShownEntry, history_entry, readable_entries
from ..importers import import_files
from ..importers.engine import KINDS
from ..importers.readers import import_endings, is_import_file
from ..models import Appearance, Claim, Evidence
from ..quotes import paragraph_around
from ..roles import IMPORT_PERMISSION, STATUS_PERMISSION
from ..services import allowed_moves, claim_transition, claim_withdraw, status_label
from .forms import ImportUploadForm, TransitionForm, WithdrawForm

HISTORY_SHOWN = 30
MOVE_LABELS: dict[str, str] = {
    Status.IN_REVIEW: "Send to review",
    Status.VERIFIED: "Mark verified",
    Status.FALSE: "Mark false",
    Status.MISLEADING: "Mark misleading",
    Status.UNVERIFIABLE: "Mark unverifiable",
    Status.UNVERIFIED: "Back to unverified",
}


def quote_in_context(appearance) -> str:
    """The paragraph of the source holding the quote, with the quote highlighted."""
    if appearance.start_offset is None:
        return format_html("<q>{}</q>", appearance.quote)
    paragraph, start, end = paragraph_around(appearance.source.text, appearance.start_offset, appearance.end_offset)
    return format_html(
        '{}<mark class="claim-quote">{}</mark>{}', paragraph[:start], paragraph[start:end], paragraph[end:]
    )


def history_entries(claim: Claim) -> list[ShownEntry]:
    """The latest changes to the claim, its appearances and its evidence (claims.history entries, as the API's
    history gives them), newest first, in people's words (claims.history.readable_entries)."""
    related = [Appearance.history, Evidence.history]
    records = chain(
        claim.history.select_related("history_user")[:HISTORY_SHOWN],
        *(manager.filter(claim_id=claim.pk).select_related("history_user")[:HISTORY_SHOWN] for manager in related),
    )
    entries = []
    for record in sorted(records, key=lambda r: r.history_date, reverse=True)[:HISTORY_SHOWN]:
        entry = history_entry(record, record.prev_record if record.history_type == "~" else None)
        if entry.type == "changed" and not entry.changes and not entry.reason:
            continue  # a save that changed nothing shown (e.g. the claim's version, after an edit of an inline)
        entries.append(entry)
    return readable_entries(entries)


def claim_page_context(request, claim: Claim) -> dict:
    can_move = request.user.has_perm(STATUS_PERMISSION)
    moves = [(to, MOVE_LABELS[to], to in VERDICTS) for to in allowed_moves(claim)] if can_move else []
    appearances = claim.appearances.select_related("source__publisher")
    return {
        "claim": claim,
        "moves": moves,
        "transition_form": TransitionForm(
            initial={"expected_version": claim.version, "note": request.GET.get("transition_note", "")}
        ),
        "contexts": [(appearance, quote_in_context(appearance)) for appearance in appearances],
        "history": history_entries(claim),
        "can_withdraw": request.user.has_perm("claims.change_claim") and not claim.withdrawn_at,
    }


def transition_view(model_admin):
    def view(request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        claim = get_object_or_404(Claim, pk=object_id)
        back = reverse("admin:claims_claim_change", args=[claim.pk])
        form = TransitionForm(request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label or capfirst(field.replace("_", " ")) if field in form.fields else ""
                messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
            return HttpResponseRedirect(back)
        data = form.cleaned_data
        try:
            claim = claim_transition(
                claim=claim,
                to=data["to"],
                actor=request.user,
                note=data["note"] or "",
                textual_rating=data["textual_rating"] or "",
                rating_value=data["rating_value"],
                expected_version=data["expected_version"],
            )
        except DeskError as exc:
            messages.error(request, exc.message)
            query = "?" + urlencode({"transition_note": data["note"]}) if data["note"] else ""
            return HttpResponseRedirect(back + query)
        messages.success(request, f"The claim is now {status_label(claim.status).lower()}.")
        return HttpResponseRedirect(back)

    return view


def withdraw_view(model_admin):
    def view(request, object_id):
        claim = get_object_or_404(Claim, pk=object_id)
        if not model_admin.has_change_permission(request, claim):
            raise PermissionDenied
        form = WithdrawForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                claim_withdraw(
                    claim=claim,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    superseded_by=form.cleaned_data["superseded_by"],
                )
            except DeskError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "The claim is withdrawn; it stays on record.")
                return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim.pk]))
        return TemplateResponse(
            request,
            "admin/claims/claim/withdraw.html",
            {
                **model_admin.admin_site.each_context(request),
                "title": f"Withdraw claim {claim.pk}",
                "form": form,
                "claim": claim,
                "opts": Claim._meta,
                "original": claim,
            },
        )

    return view


def upload_dir() -> Path:
    folder = Path(getattr(settings, "IMPORT_UPLOAD_DIR", "") or Path(tempfile.gettempdir()) / "factcheck-imports")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class ImportView(View):
    """Upload a file, see the dry run (counts and per-record errors), then confirm: the command's importer."""

    model_admin = None
    template = "admin/claims/claim/import.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(IMPORT_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render(self, request, **context):
        return TemplateResponse(
            request,
            self.template,
            {
                **self.model_admin.admin_site.each_context(request),
                "title": "Import claims",
                "opts": Claim._meta,
                "kinds": KINDS,
                **context,
            },
        )

    def get(self, request):
        return self.render(request, form=ImportUploadForm())

    def post(self, request):
        token = request.POST.get("token", "")
        if token:
            return self.confirm(request, token)
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(request, form=form)
        upload = form.cleaned_data["file"]
        if not is_import_file(upload.name):
            form.add_error("file", f"{upload.name}: expected a file ending in {import_endings()}")
            return self.render(request, form=form)
        token = f"{secrets.token_hex(16)}{Path(upload.name).suffix.lower()}"
        path = upload_dir() / token
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        request.session[f"import:{token}"] = upload.name
        result = import_files([path], dry_run=True, actor=request.user)
        return self.render(
            request,
            result=result,
            token=token if result.ok else "",
            name=upload.name,
            rows=self.rows(result),
            form=ImportUploadForm(),
        )

    def confirm(self, request, token: str):
        name = request.session.pop(f"import:{token}", None)
        path = upload_dir() / Path(token).name
        if name is None or not path.is_file():
            messages.error(request, "That upload has expired or was already imported; upload the file again.")
            return HttpResponseRedirect(reverse("admin:claims_claim_import"))
        try:
            result = import_files([path], actor=request.user)
        finally:
            path.unlink(missing_ok=True)
        if result.ok:
            messages.success(request, f"Imported {name}.")
        return self.render(
            request, result=result, name=name, rows=self.rows(result), imported=result.ok, form=ImportUploadForm()
        )

    @staticmethod
    def rows(result):
        return [(kind, result.counts[kind]) for kind in KINDS]
