"""Starting, running, finishing and cancelling jobs. Tasks (claims.import_jobs, sources.tasks) call run_job.

    job = start_job(task=import_task, kind="import", queue="imports", title="Import a.csv", user=request.user)

A running job's progress and a request to cancel it pass through the Job row on a connection of its own (the
monitor thread): the work's own connection may be inside one long transaction (an import), whose writes nobody
sees before it commits. The work records its end with `run.complete()`, which an import calls inside its own
transaction: the job's completion and the import's writes commit together or not at all, so that a run retried
after its worker died writes nothing twice (`complete` only finishes the attempt it belongs to).
"""

import datetime as dt
import logging
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, connections, transaction
from django.db.models import F
from django.utils import timezone

from factcheck.errors import DeskError

from .models import FINISHED, Job, JobFile, JobStatus

logger = logging.getLogger(__name__)
CHUNK = 4 << 20  # bytes per JobFile row
DEFAULTS: dict[str, Any] = {
    "JOBS_MAX_RUNNING": {"imports": 1, "source-checks": 2},  # jobs of a queue running at once, on all workers
    "JOBS_DEFAULT_MAX_RUNNING": 2,  # for a queue not named above
    "JOBS_MAX_ATTEMPTS": 3,  # runs of a job whose worker died before it is failed
    "JOBS_PROGRESS_SECONDS": 1.0,  # how often a running job's progress is written and its cancel request read
    "JOBS_SCHEDULE": {},  # name → {"start": "dotted.path.to.starter", "every": seconds}
    "JOBS_UPLOAD_KEEP_SECONDS": 24 * 3600,  # a passed dry run's upload, kept for its confirmation
}


def setting(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])


class JobCancelled(Exception):
    """Raised inside the work when its job's cancel was asked for: the work stops, its transaction rolls back."""


class JobProblem(DeskError):
    status = 409
    code = "job_problem"


# --- starting -------------------------------------------------------------------------------------------------------
def start_job(
    *,
    task: Any,
    kind: str,
    queue: str,
    title: str,
    user: AbstractBaseUser | None,
    params: dict[str, Any] | None = None,
    total: int | None = None,
    unit: str = "",
    files: Iterable[tuple[str, Iterable[bytes]]] = (),
    adopt_files_of: Job | None = None,
    page_url: Callable[[Job], str] | None = None,
) -> Job:
    """Record a job and put its task on the queue. `files`: (name, chunks) stored with the job for the worker;
    `adopt_files_of`: a finished job whose files this one takes over (a dry run's upload, for its import)."""
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            queue=queue,
            title=title[:300],
            started_by=user if user is not None and user.is_authenticated else None,  # type: ignore[misc]
            params=params or {},
            total=total,
            unit=unit,
        )
        for name, chunks in files:
            store_file(job, name, chunks)
        if adopt_files_of is not None:
            JobFile.objects.filter(job=adopt_files_of).update(job=job)
        if page_url is not None:
            job.page_url = page_url(job)[:300]
            job.save(update_fields=["page_url"])
    # After the commit: the worker must find the job's row and files when it takes the task. An immediate backend
    # (the tests' eager mode) runs the task here.
    result = task.using(queue_name=queue).enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def store_file(job: Job, name: str, chunks: Iterable[bytes]) -> int:
    """Store an upload with its job, in CHUNK-sized rows. Returns its size in bytes."""
    buffer, seq, size = bytearray(), 0, 0
    for chunk in chunks:
        buffer += chunk
        size += len(chunk)
        while len(buffer) >= CHUNK:
            JobFile.objects.create(job=job, name=name, seq=seq, data=bytes(buffer[:CHUNK]))
            del buffer[:CHUNK]
            seq += 1
    if buffer or seq == 0:
        JobFile.objects.create(job=job, name=name, seq=seq, data=bytes(buffer))
    return size


@contextmanager
def job_files_on_disk(job: Job) -> Iterator[dict[str, Path]]:
    """The job's files written to a folder of its own on this machine, {name: path}; the folder goes afterwards."""
    folder = Path(tempfile.mkdtemp(prefix=f"factcheck-job-{job.pk}-"))
    try:
        paths: dict[str, Path] = {}
        names = JobFile.objects.filter(job=job).order_by("name").values_list("name", flat=True).distinct()
        for name in names:
            path = folder / Path(name).name
            with path.open("wb") as out:
                for chunk_id in JobFile.objects.filter(job=job, name=name).order_by("seq").values_list("pk", flat=True):
                    data = JobFile.objects.filter(pk=chunk_id).values_list("data", flat=True).get()
                    out.write(bytes(data))
            paths[name] = path
        yield paths
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def delete_files(job: Job) -> None:
    JobFile.objects.filter(job=job).delete()


def prune_uploads() -> int:
    """Delete the files of finished jobs kept past JOBS_UPLOAD_KEEP_SECONDS (a dry run never confirmed)."""
    before = timezone.now() - dt.timedelta(seconds=float(setting("JOBS_UPLOAD_KEEP_SECONDS")))
    deleted, _ = JobFile.objects.filter(job__status__in=FINISHED, job__finished_at__lt=before).delete()
    return deleted


# --- cancelling -----------------------------------------------------------------------------------------------------
def can_see_job(user: Any, job: Job) -> bool:
    return bool(user and user.is_authenticated and (job.started_by_id == user.pk or user.has_perm("jobs.view_job")))


def can_cancel_job(user: Any, job: Job) -> bool:
    return bool(user and user.is_authenticated and (job.started_by_id == user.pk or user.has_perm("jobs.change_job")))


def cancel_job(*, job: Job, user: Any) -> Job:
    """Ask for the job to stop: a queued job is cancelled at once, a running one when its work next looks (within
    about JOBS_PROGRESS_SECONDS); an import rolls back."""
    if not can_cancel_job(user, job):
        raise JobProblem("Only the job's starter or an admin can cancel it.")
    now = timezone.now()
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.finished:
            raise JobProblem(f"The job has already {job.get_status_display()}.")
        job.cancel_requested_at = job.cancel_requested_at or now
        fields = ["cancel_requested_at"]
        if job.status == JobStatus.QUEUED:
            job.status, job.finished_at = JobStatus.CANCELLED, now
            job.result = {**job.result, "lines": ["Cancelled before it started."]}
            fields += ["status", "finished_at", "result"]
            delete_files(job)
        job.save(update_fields=fields)
    return job


# --- running --------------------------------------------------------------------------------------------------------
class JobRun:
    """One attempt at a job, as the work sees it: its progress, its cancel check, its end."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.attempt = job.attempt
        self.done = job.done
        self.total = job.total
        self.cancelled = threading.Event()
        self.completed = False

    def advance(self, n: int = 1) -> None:
        self.done += n
        self.check()

    def set_total(self, total: int) -> None:
        self.total = total

    def check(self) -> None:
        """Raise JobCancelled once the job's cancel was asked for."""
        if self.cancelled.is_set():
            raise JobCancelled

    def complete(self, *, result: dict[str, Any], status: str = JobStatus.SUCCEEDED, keep_files: bool = False) -> None:
        """Record the job's end (inside the work's transaction, where it has one). Raises JobProblem, rolling that
        transaction back, if this attempt no longer owns the job (another attempt finished it, or it was
        cancelled meanwhile)."""
        now = timezone.now()
        done = self.total if status == JobStatus.SUCCEEDED and self.total is not None else self.done
        mine = Job.objects.filter(pk=self.job.pk, status=JobStatus.RUNNING, attempt=self.attempt)
        if status != JobStatus.CANCELLED:
            # A cancel asked for before this commit wins, however late: the work's writes roll back with it.
            mine = mine.filter(cancel_requested_at__isnull=True)
        updated = mine.update(status=status, finished_at=now, result=result, done=done, total=self.total)
        if not updated:
            if Job.objects.filter(pk=self.job.pk, cancel_requested_at__isnull=False).exists():
                raise JobCancelled
            raise JobProblem(f"job {self.job.pk}: attempt {self.attempt} no longer owns it; nothing recorded")
        if not keep_files:
            delete_files(self.job)
        self.completed = True


def _monitor(run: JobRun, stop: threading.Event) -> None:
    """Write the run's progress and read its cancel request, on this thread's own connection."""
    interval = float(setting("JOBS_PROGRESS_SECONDS"))
    try:
        while not stop.wait(interval):
            Job.objects.filter(pk=run.job.pk, status=JobStatus.RUNNING, attempt=run.attempt).update(
                done=run.done, total=run.total
            )
            if Job.objects.filter(pk=run.job.pk, cancel_requested_at__isnull=False).exists():
                run.cancelled.set()
    except Exception:  # noqa: BLE001 - progress is a courtesy; the work goes on without it
        logger.exception("job %s: progress not recorded", run.job.pk)
    finally:
        connections.close_all()


def run_job(job_id: int, work: Callable[[JobRun], None]) -> str:
    """Run a job's work once; the task's body. A job already finished (a task retried after its run committed) is
    left as it is. `work(run)` calls run.complete(); an exception fails the job, JobCancelled cancels it."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            return "gone"
        if job.finished:
            return job.status
        if job.cancel_requested_at is not None:
            job.status, job.finished_at = JobStatus.CANCELLED, timezone.now()
            job.save(update_fields=["status", "finished_at"])
            delete_files(job)
            return job.status
        job.status, job.attempt = JobStatus.RUNNING, F("attempt") + 1
        job.started_at = job.started_at or timezone.now()
        job.save(update_fields=["status", "attempt", "started_at"])
        job.refresh_from_db()
    run = JobRun(job)
    stop = threading.Event()
    # Inside a transaction already (an immediate backend in a request or a test): nobody else could see progress.
    monitor = None
    if not connection.in_atomic_block:
        monitor = threading.Thread(target=_monitor, args=(run, stop), name=f"job-{job.pk}-monitor", daemon=True)
        monitor.start()
    try:
        work(run)
        if not run.completed:
            run.complete(result={})
    except JobCancelled:
        _end(run, JobStatus.CANCELLED, "Cancelled; nothing of an import was written, checks done so far are kept.")
    except JobProblem as problem:
        logger.warning("%s", problem.message)
    except Exception as exc:
        logger.exception("job %s failed", job.pk)
        _end(run, JobStatus.FAILED, f"{type(exc).__name__}: {exc}")
    except (KeyboardInterrupt, SystemExit):
        _end(run, JobStatus.FAILED, "its worker was stopped during the run; nothing of an import was written")
        raise
    finally:
        stop.set()
        if monitor is not None:
            monitor.join()
    return Job.objects.filter(pk=job.pk).values_list("status", flat=True).first() or "gone"


def _end(run: JobRun, status: str, error: str) -> None:
    if connection.in_atomic_block and connection.needs_rollback:
        return  # an eager run inside a broken transaction: the caller's rollback decides
    with transaction.atomic():
        Job.objects.filter(pk=run.job.pk, status=JobStatus.RUNNING, attempt=run.attempt).update(
            status=status, finished_at=timezone.now(), error=error[:5000], done=run.done, total=run.total
        )
        delete_files(run.job)


def notify_once(job: Job, user: Any) -> bool:
    """Whether `user`, the job's starter, is yet to be told that it ended (and from now on, told)."""
    if not job.finished or job.notified or user is None or job.started_by_id != getattr(user, "pk", None):
        return False
    return bool(Job.objects.filter(pk=job.pk, notified=False).update(notified=True))
