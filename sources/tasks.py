"""Source checks as background jobs: the admin's "check now" and the scheduled check of stale sources.

Each check is recorded as soon as it is done (services.check_sources), so a cancelled or interrupted job keeps what
it checked; a job run again after its worker died skips the sources it already checked.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.urls import reverse
from django_tasks import task

from jobs.models import Job, JobStatus
from jobs.services import JobCancelled, JobRun, run_job, start_job

from .models import SourceCheck
from .selectors import sources_to_check
from .services import CheckRunSummary, check_sources

QUEUE = "source-checks"
KIND = "source check"
LISTED_SOURCES = 200  # the job's result lists each source's state up to this many; the counts cover the rest


def start_check(*, source_ids: list[int], user: AbstractBaseUser | None, title: str = "") -> Job:
    """Put a check of these sources on the queue."""
    ids = sorted(set(source_ids))
    return start_job(
        task=check_sources_task,
        kind=KIND,
        queue=QUEUE,
        title=title or f"Check of {len(ids)} source(s)",
        user=user,
        params={"source_ids": ids},
        total=len(ids),
        unit="sources",
    )


def start_stale_check() -> Job | None:
    """The scheduled run (JOBS_SCHEDULE): the sources not checked within SOURCE_CHECK_STALE_AFTER; None if none."""
    stale_after = dt.timedelta(seconds=int(getattr(settings, "SOURCE_CHECK_STALE_AFTER", 7 * 24 * 3600)))
    ids = list(sources_to_check(stale_after=stale_after).values_list("pk", flat=True))
    if not ids:
        return None
    return start_check(source_ids=ids, user=None, title=f"Scheduled check of {len(ids)} stale source(s)")


def check_result(summary: CheckRunSummary, rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "lines": summary.lines(),
        "counts": dict(summary.counts),
        "without_url": summary.without_url,
        "sources": rows,
    }


def _check(run: JobRun) -> None:
    job = run.job
    ids: list[int] = job.params.get("source_ids", [])
    actor = get_user_model().objects.filter(pk=job.started_by_id).first() if job.started_by_id else None
    summary = CheckRunSummary()
    rows: list[dict[str, Any]] = []
    # Run again after its worker died: the sources this job checked before are done, not fetched twice.
    already: set[int] = set()
    if job.attempt > 1 and job.started_at is not None:
        already = set(
            SourceCheck.objects.filter(source_id__in=ids, checked_at__gte=job.started_at).values_list(
                "source_id", flat=True
            )
        )
        run.advance(len(already))
    sources = sources_to_check(ids=[pk for pk in ids if pk not in already])

    def on_checked(check: SourceCheck) -> None:
        summary.add(check)
        if len(rows) < LISTED_SOURCES:
            rows.append(
                {
                    "id": check.source_id,
                    "url": reverse("admin:sources_source_change", args=[check.source_id]),
                    "label": str(check.source),
                    "health": check.health,
                    "state": check.get_health_display(),
                    "detail": check.source.health_detail,
                }
            )
        run.advance(1)

    try:
        result = check_sources(sources=sources, actor=actor, on_checked=on_checked)
    except JobCancelled:
        # What was checked is recorded; the job says how far it got.
        lines = [*summary.lines(), f"Cancelled after {summary.checked} of {len(ids)} source(s)."]
        run.complete(result={**check_result(summary, rows), "lines": lines}, status=JobStatus.CANCELLED)
        return
    summary.without_url = result.without_url
    run.advance(result.without_url)
    run.complete(result=check_result(summary, rows))


@task(queue_name=QUEUE)
def check_sources_task(job_id: int) -> str:
    return run_job(job_id, _check)
