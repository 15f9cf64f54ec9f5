"""The jobs in the admin: each job's page (who started it, when, its progress, its result) with a cancel button while
it runs; the list shows a person their own jobs, an admin everyone's."""

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from .models import Job
from .services import JobProblem, can_cancel_job, can_see_job, cancel_job, notify_once

REFRESH_SECONDS = 2  # a job's page reloads itself this often until the job ends


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "kind", "status", "progress", "started_by", "created_at", "finished_at")
    list_filter = ("status", "kind", "queue")
    list_select_related = ("started_by",)
    search_fields = ("title",)
    change_form_template = "admin/jobs/job/change_form.html"
    fields = (
        "title",
        "kind",
        "queue",
        "status",
        "started_by",
        "created_at",
        "started_at",
        "finished_at",
        "progress",
        "attempt",
        "cancel_requested_at",
        "error",
        "result_page",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> Any:
        queryset = super().get_queryset(request).defer("result", "params")
        if request.user.has_perm("jobs.view_job"):
            return queryset
        return queryset.filter(started_by=request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_view_permission(self, request: HttpRequest, obj: Job | None = None) -> bool:
        if obj is None:
            return bool(request.user.is_active and request.user.is_staff)
        return can_see_job(request.user, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Job | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Job | None = None) -> bool:
        return bool(request.user.has_perm("jobs.delete_job") and (obj is None or obj.finished))

    @admin.display(description="progress")
    def progress(self, obj: Job) -> str:
        if obj.total is None:
            return f"{obj.done:,} {obj.unit}".strip()
        percent = f" ({obj.percent}%)" if obj.percent is not None else ""
        return f"{obj.done:,} of {obj.total:,} {obj.unit}{percent}".strip()

    @admin.display(description="result page")
    def result_page(self, obj: Job) -> str:
        return format_html('<a href="{}">{}</a>', obj.page_url, obj.page_url) if obj.page_url else "—"

    def get_urls(self) -> list[Any]:
        return [
            path("<int:object_id>/cancel/", self.admin_site.admin_view(self.cancel_view), name="jobs_job_cancel"),
            *super().get_urls(),
        ]

    def cancel_view(self, request: HttpRequest, object_id: int) -> HttpResponseRedirect:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])  # type: ignore[return-value]
        job = get_object_or_404(Job, pk=object_id)
        try:
            job = cancel_job(job=job, user=request.user)
        except JobProblem as problem:
            messages.error(request, problem.message)
        else:
            messages.success(request, "Cancelled." if job.finished else "Cancelling: the job stops at its next step.")
        return HttpResponseRedirect(reverse("admin:jobs_job_change", args=[job.pk]))

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> Any:
        job = Job.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        context: dict[str, Any] = {**(extra_context or {})}
        if job is not None and can_see_job(request.user, job):
            if notify_once(job, request.user):
                level = messages.SUCCESS if job.status == "succeeded" else messages.WARNING
                messages.add_message(request, level, f"{job.title} has {job.get_status_display()}.")
            context.update(
                job=job,
                lines=job.result.get("lines", []),
                errors=job.result.get("errors", [])[:200],
                sources=job.result.get("sources", []),
                refresh=REFRESH_SECONDS if not job.finished else None,
                can_cancel=not job.finished and can_cancel_job(request.user, job),
                cancel_url=reverse("admin:jobs_job_cancel", args=[job.pk]),
            )
        return super().change_view(request, object_id, form_url, extra_context=context)
