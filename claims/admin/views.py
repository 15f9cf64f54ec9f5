"""Views of the claim page beyond Django's: status moves, withdrawal, the import upload, and the page's context."""

from itertools import chain
from pathlib import Path
from urllib.parse import urlencode

import markdown
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.views import View

from factcheck.errors import DeskError
from jobs.models import Job, JobStatus
from jobs.services import JobProblem, can_see_job, notify_once

from ..choices import VERDICTS, Status
from ..history import ShownEntry, history_entry, readable_entries
from ..import_jobs import DRY_RUN, IMPORT, confirm_import, confirmable, result_from_json, start_dry_run
from ..importers.engine import KINDS
from ..importers.readers import KIND_OF_SECTION, clean_file_name, csv_template, import_endings, is_import_file
from ..models import Appearance, Claim, Evidence
from ..quotes import paragraph_around
from ..roles import IMPORT_PERMISSION, STATUS_PERMISSION
from ..services import (
    CORRECT,
    PUBLISH,
    UNPUBLISH,
    allowed_moves,
    allowed_publication_moves,
    claim_correct,
    claim_publish,
    claim_transition,
    claim_unpublish,
    claim_withdraw,
    publication_problem,
    status_label,
)
from .forms import ImportUploadForm, PublicationForm, TransitionForm, WithdrawForm

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
        **publication_context(request, claim),
    }


PUBLICATION_LABELS = {PUBLISH: "Publish", UNPUBLISH: "Unpublish", CORRECT: "Correct the verdict"}
PUBLICATION_DONE = {
    PUBLISH: "The verdict is published.",
    UNPUBLISH: "The verdict is taken down; its page says so.",
    CORRECT: "The verdict is corrected; the earlier one stays on its page as a correction.",
}


def publication_context(request, claim: Claim) -> dict:
    """The claim page's publication panel: its state, the moves the user may make, and why Publish is refused
    (the second-person rule) when it is."""
    moves = allowed_publication_moves(claim, request.user)
    refused = ""
    if claim.status in VERDICTS and claim.published_at is None and PUBLISH not in moves:
        refused = publication_problem(claim=claim, move=PUBLISH, actor=request.user) or ""
    return {
        "publication_moves": [(move, PUBLICATION_LABELS[move]) for move in moves],
        "publication_refused": refused,
        "publication_shown": claim.status in VERDICTS or claim.unpublished_at is not None,
        "publication_form": PublicationForm(initial={"expected_version": claim.version}, auto_id="id_pub_%s"),
        "public_path": _public_path(claim) if claim.published_at is not None else "",
        "corrections": list(claim.corrections.select_related("corrected_by")),
    }


def _public_path(claim: Claim) -> str:
    return reverse("public:fact-check-short", kwargs={"pk": claim.pk})


def publication_view(model_admin):
    """POST: publish, unpublish or correct the claim's verdict (claims.services.publication); refusals as
    messages."""

    def view(request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        claim = get_object_or_404(Claim, pk=object_id)
        back = reverse("admin:claims_claim_change", args=[claim.pk])
        form = PublicationForm(request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = (form.fields[field].label or capfirst(field.replace("_", " "))) if field in form.fields else ""
                messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
            return HttpResponseRedirect(back)
        data = form.cleaned_data
        move, note, version = data["move"], data["note"] or "", data["expected_version"]
        try:
            if move == PUBLISH:
                claim_publish(claim=claim, actor=request.user, note=note, expected_version=version)
            elif move == UNPUBLISH:
                claim_unpublish(claim=claim, actor=request.user, note=note, expected_version=version)
            else:
                claim_correct(
                    claim=claim,
                    actor=request.user,
                    note=note,
                    to=data["to"] or None,
                    textual_rating=data["textual_rating"] or None,
                    rating_value=data["rating_value"],
                    verdict_note=data["verdict_note"] or None,
                    expected_version=version,
                )
        except DeskError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(back)
        messages.success(request, PUBLICATION_DONE[move])
        return HttpResponseRedirect(back)

    return view


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


JOB_PAGE_REFRESH_SECONDS = 2  # the import page reloads itself this often while its job runs


def import_page_url(job: Job) -> str:
    return f"{reverse('admin:claims_claim_import')}?job={job.pk}"


# Each kind's heading in the preview: the import format's name of its section.
SECTION_OF_KIND = {kind: section for section, kind in KIND_OF_SECTION.items()}


class ImportView(View):
    """Upload a file, see the dry run (per kind: counts, the first records created, updated or left unchanged with
    an update's changed fields, and the records with errors), then confirm: the command's importer. The file is
    named by its own (cleaned) name in the page and in the audit trail, not by the token it is stored under."""

    model_admin = None
    template = "admin/claims/claim/import.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(IMPORT_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render(self, request, **context):
        if context.get("result") is not None:
            # The importer's own report of its run: per kind, its records and errors, under the section's name.
            report = context["result"].report()
            context["report"] = report
            context["sections"] = [(SECTION_OF_KIND[kind.kind], kind) for kind in report.kinds]
        return TemplateResponse(
            request,
            self.template,
            {
                **self.model_admin.admin_site.each_context(request),
                "title": "Import claims",
                "opts": Claim._meta,
                "kinds": KINDS,
                "format_url": reverse("admin:claims_claim_import_format"),
                "template_url": reverse("admin:claims_claim_import_template"),
                "schema_url": reverse("admin:claims_claim_import_schema"),
                **context,
            },
        )

    def get(self, request):
        job_id = request.GET.get("job", "")
        if job_id.isdigit():
            return self.job_page(request, int(job_id))
        return self.render(request, form=ImportUploadForm())

    def post(self, request):
        token = request.POST.get("token", "")
        if token:
            return self.confirm(request, token)
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(request, form=form)
        upload = form.cleaned_data["file"]
        name = clean_file_name(upload.name)
        if not is_import_file(name):
            form.add_error("file", f"{name}: expected a file ending in {import_endings()}")
            return self.render(request, form=form)
        # The dry run runs on the queue (claims/import_jobs.py); this page follows its job until it ends.
        job = start_dry_run(
            user=request.user, name=name, chunks=upload.chunks(), size=upload.size, page_url=import_page_url
        )
        return HttpResponseRedirect(import_page_url(job))

    def confirm(self, request, token: str):
        job_id = token.removeprefix("job-")
        dry_run = Job.objects.filter(pk=int(job_id)).first() if job_id.isdigit() else None
        try:
            if dry_run is None:
                raise JobProblem("That upload has expired or was already imported; upload the file again.")
            job = confirm_import(dry_run=dry_run, user=request.user, page_url=import_page_url)
        except JobProblem as problem:
            messages.error(request, problem.message)
            return HttpResponseRedirect(reverse("admin:claims_claim_import"))
        return HttpResponseRedirect(import_page_url(job))

    def job_page(self, request, job_id: int):
        """A dry run's or an import's job: its progress while it runs (the page reloads itself), then its report."""
        job = Job.objects.filter(pk=job_id).first()
        if job is None or job.kind not in (DRY_RUN, IMPORT) or not can_see_job(request.user, job):
            raise Http404("No such import.")
        name = job.params.get("name", "")
        context = {"job": job, "job_url": reverse("admin:jobs_job_change", args=[job.pk]), "name": name}
        if not job.finished:
            return self.render(request, **context, refresh=JOB_PAGE_REFRESH_SECONDS, form=ImportUploadForm())
        if notify_once(job, request.user):  # the starter is told once that it ended
            level = messages.SUCCESS if job.status == JobStatus.SUCCEEDED else messages.ERROR
            lines = job.result.get("lines") or [job.error or job.get_status_display()]
            messages.add_message(request, level, f"{job.title} has {job.get_status_display()}: {lines[0]}")
        if "counts" not in job.result:  # cancelled, or failed before the importer reported
            return self.render(request, **context, form=ImportUploadForm())
        result = result_from_json(job.result)
        imported = job.kind == IMPORT and result.ok
        return self.render(
            request,
            **context,
            result=result,
            token=f"job-{job.pk}" if confirmable(job, request.user) else "",
            rows=self.rows(result),
            imported=imported,
            form=ImportUploadForm(),
        )

    @staticmethod
    def rows(result):
        return [(kind, result.counts[kind]) for kind in KINDS]


# --- the import format, in the admin -----------------------------------------------------------------------------
FORMAT_DOC = "import-format.md"
FORMAT_SCHEMA = "import-format.schema.json"  # the name docs/import-format.md links to, beside it
TEMPLATE_NAME = "claims-import-template.csv"


def docs_dir() -> Path:
    return Path(settings.BASE_DIR) / "docs"


def format_html_of(text: str) -> str:
    """docs/import-format.md as HTML: Python-Markdown with tables, fenced code and heading anchors. The text is the
    project's own (not a user's), so its HTML is kept."""
    return markdown.markdown(text, extensions=["tables", "fenced_code", "toc"], output_format="html")


def import_format_view(model_admin):
    """The import format's documentation, rendered from docs/import-format.md: one text, in the repository and here."""

    def view(request):
        path = docs_dir() / FORMAT_DOC
        if not path.is_file():
            raise Http404("The import format's documentation isn't installed.")
        return TemplateResponse(
            request,
            "admin/claims/claim/import_format.html",
            {
                **model_admin.admin_site.each_context(request),
                "title": "The import format",
                "opts": Claim._meta,
                "document": mark_safe(format_html_of(path.read_text(encoding="utf-8"))),  # the project's own text
                "import_url": reverse("admin:claims_claim_import"),
                "template_url": reverse("admin:claims_claim_import_template"),
                "schema_url": reverse("admin:claims_claim_import_schema"),
            },
        )

    return view


def import_schema_view(request):
    """docs/import-format.schema.json, to download (and to validate a JSON file against in an editor)."""
    path = docs_dir() / FORMAT_SCHEMA
    if not path.is_file():
        raise Http404("The import format's JSON Schema isn't installed.")
    return FileResponse(path.open("rb"), as_attachment=True, filename=FORMAT_SCHEMA, content_type="application/json")


def import_template_view(request):
    """A CSV file to fill in: the CSV reader's own columns and rows that import as they are."""
    response = HttpResponse(csv_template(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_NAME}"'
    return response
