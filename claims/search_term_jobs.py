"""The refresh of the held rankings (claims.search_terms) as a background job, started daily by the workers'
schedule (JOBS_SCHEDULE, SEARCH_TERMS_REFRESH_EVERY). Each word is committed when it is done, so a cancelled or
interrupted run keeps the words it cut; the held matches are right either way (the triggers keep them)."""

from django_tasks import task

from jobs.models import Job, JobStatus
from jobs.services import JobCancelled, JobRun, run_job, start_job

from .search_terms import RefreshSummary, refresh_search_terms

KIND = "search terms refresh"


def start_refresh() -> Job:
    """Put a refresh on the queue (the schedule's starter)."""
    return start_job(
        task=refresh_search_terms_task,
        kind=KIND,
        queue="default",
        title="Refresh of the frequent words' held rankings",
        user=None,
        unit="words",
    )


def _result(summary: RefreshSummary) -> dict:
    return {"lines": summary.lines(), "held": summary.held, "dropped": summary.dropped}


def _refresh(run: JobRun) -> None:
    summary = RefreshSummary()

    def progress(done: int, total: int, word: str) -> None:
        run.set_total(total)
        run.advance(1)

    try:
        summary = refresh_search_terms(progress=progress, summary=summary)
    except JobCancelled:
        lines = [*summary.lines(), f"Cancelled after {run.done} of {run.total} word(s)."]
        run.complete(result={**_result(summary), "lines": lines}, status=JobStatus.CANCELLED)
        return
    run.complete(result=_result(summary))


@task(queue_name="default")
def refresh_search_terms_task(job_id: int) -> str:
    return run_job(job_id, _refresh)
