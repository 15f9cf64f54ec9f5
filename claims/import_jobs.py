"""Imports as background jobs: the admin's upload (a dry run, then the import it confirms) and the API's.

The upload is stored with its job (jobs.JobFile, in the database, so any worker reads it), kept by a passed dry run
until its import takes it over (or JOBS_UPLOAD_KEEP_SECONDS pass), and deleted when the import ends. The import runs
as its starter (the audit trail names them) in the importer's one transaction, and the job's completion is written
inside it: killed midway, nothing is written and the job is run again; run again after it committed, it does nothing.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django_tasks import task

from jobs.models import Job, JobFile, JobStatus
from jobs.services import JobProblem, JobRun, job_files_on_disk, run_job, start_job

from .importers import ImportResult, import_files
from .importers.engine import KINDS
from .importers.errors import ImportProblem
from .importers.preview import FieldChange, RecordRow, RecordsShown

QUEUE = "imports"
DRY_RUN = "import (dry run)"
IMPORT = "import"


# --- the result, as the job keeps it ---------------------------------------------------------------------------------
def result_json(result: ImportResult) -> dict[str, Any]:
    """The importer's result as JSON: counts, errors by file, record and field, and the records it shows."""
    return {
        "ok": result.ok,
        "dry_run": result.dry_run,
        "truncated": result.truncated,
        "counts": {kind: dict(counts) for kind, counts in result.counts.items()},
        "errors": [problem.__dict__ for problem in result.errors],
        "shown_limit": result.shown.limit,
        "shown": [
            {**row.__dict__, "changes": [change.__dict__ for change in row.changes]}
            for rows in result.shown.rows.values()
            for row in rows
        ],
        "lines": summary_lines(result),
    }


def result_from_json(data: dict[str, Any]) -> ImportResult:
    """The ImportResult a job kept (result_json), for the pages that show its report."""
    shown = RecordsShown(limit=int(data.get("shown_limit", 20)))
    for row in data.get("shown", []):
        changes = tuple(FieldChange(**change) for change in row.get("changes", []))
        shown.add(RecordRow(**{**row, "changes": changes}))
    counts = {kind: Counter(data.get("counts", {}).get(kind, {})) for kind in KINDS}
    return ImportResult(
        counts=counts,
        errors=[ImportProblem(**problem) for problem in data.get("errors", [])],
        dry_run=bool(data.get("dry_run")),
        truncated=bool(data.get("truncated")),
        shown=shown,
    )


def summary_lines(result: ImportResult) -> list[str]:
    if not result.ok:
        more = "+" if result.truncated else ""
        return [f"Rejected: {len(result.errors)}{more} error(s); nothing was written."]
    head = "Dry run, nothing written. Would have:" if result.dry_run else "Imported:"
    return [head] + [
        f"{kind}: {c['created']:,} created, {c['updated']:,} updated, {c['unchanged']:,} unchanged"
        for kind, c in result.counts.items()
        if c
    ]


# --- starting ----------------------------------------------------------------------------------------------------
def _start_import(
    *,
    dry_run: bool,
    user: AbstractBaseUser,
    name: str,
    chunks: Iterable[bytes],
    size: int,
    page_url: Callable[[Job], str] | None,
) -> Job:
    return start_job(
        task=import_task,
        kind=DRY_RUN if dry_run else IMPORT,
        queue=QUEUE,
        title=f"{'Dry run' if dry_run else 'Import'} of {name}",
        user=user,
        params={"name": name, "dry_run": dry_run},
        total=size,
        unit="bytes",
        files=[(name, chunks)],
        page_url=page_url,
    )


def start_dry_run(
    *, user: AbstractBaseUser, name: str, chunks: Iterable[bytes], size: int, page_url: Callable[[Job], str] | None
) -> Job:
    """Store the upload with a new dry-run job and queue it."""
    return _start_import(dry_run=True, user=user, name=name, chunks=chunks, size=size, page_url=page_url)


def start_upload_import(
    *, user: AbstractBaseUser, name: str, chunks: Iterable[bytes], size: int, page_url: Callable[[Job], str] | None
) -> Job:
    """Store the upload with a new import job and queue it (the API's import: no dry run first)."""
    return _start_import(dry_run=False, user=user, name=name, chunks=chunks, size=size, page_url=page_url)


def confirmable(job: Job, user: Any) -> bool:
    """Whether `user` can confirm the import of this dry run: theirs, passed, not yet confirmed, its upload kept."""
    return (
        job.kind == DRY_RUN
        and job.status == JobStatus.SUCCEEDED
        and job.started_by_id == getattr(user, "pk", None)
        and bool(job.result.get("ok"))
        and "import_job" not in job.params
        and JobFile.objects.filter(job=job).exists()
    )


def confirm_import(*, dry_run: Job, user: AbstractBaseUser, page_url: Callable[[Job], str] | None) -> Job:
    """Queue the import a passed dry run showed; its upload moves to the import's job."""
    with transaction.atomic():
        dry_run = Job.objects.select_for_update().get(pk=dry_run.pk)
        if not confirmable(dry_run, user):
            raise JobProblem("That upload has expired or was already imported; upload the file again.")
        name = dry_run.params["name"]
        job = start_job(
            task=import_task,
            kind=IMPORT,
            queue=QUEUE,
            title=f"Import of {name}",
            user=user,
            params={"name": name, "dry_run": False, "dry_run_job": dry_run.pk},
            total=dry_run.total,
            unit="bytes",
            adopt_files_of=dry_run,
            page_url=page_url,
        )
        dry_run.params = {**dry_run.params, "import_job": job.pk}
        dry_run.save(update_fields=["params"])
    job.refresh_from_db()
    return job


# --- running -----------------------------------------------------------------------------------------------------
def _import(run: JobRun) -> None:
    job = run.job
    name, dry_run = job.params["name"], bool(job.params.get("dry_run"))
    actor = get_user_model().objects.filter(pk=job.started_by_id).first() if job.started_by_id else None
    size = run.total or 0

    def advance(n: int) -> None:
        # A JSON file is read once per section after a pass over its structure: widen the total as that is learnt.
        if run.total is not None and run.done + n > run.total:
            run.set_total(run.done + n + size)
        run.advance(n)

    with job_files_on_disk(job) as paths:
        if name not in paths:
            raise JobProblem(f"job {job.pk}: its upload {name!r} is gone")
        path: Path = paths[name]
        with transaction.atomic():
            result = import_files([path], dry_run=dry_run, actor=actor, names=[name], advance=advance)
            run.set_total(run.done)
            status = JobStatus.SUCCEEDED if result.ok else JobStatus.FAILED
            # A passed dry run keeps its upload for the import it may confirm.
            run.complete(result=result_json(result), status=status, keep_files=dry_run and result.ok)


@task(queue_name=QUEUE)
def import_task(job_id: int) -> str:
    return run_job(job_id, _import)
