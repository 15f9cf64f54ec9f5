"""The worker's side of the queue: take the next task within each queue's limit, notice workers that died and put
their jobs back, and start the scheduled jobs that are due. Any number of workers, on any number of machines, share
one queue through PostgreSQL:

- taking a task: one transaction under a short advisory lock (every worker's taking is serialised, the work is
  not), counting each queue's running tasks against JOBS_MAX_RUNNING, and locking the task's row (SKIP LOCKED);
- a worker is alive while it holds its session advisory lock (`hold_liveness`), on a connection of its own: when
  its process dies (SIGKILL, a lost machine) PostgreSQL drops the connection and the lock with it, and any other
  worker then finds the lock free and puts the job back on the queue (JOBS_MAX_ATTEMPTS runs at most);
- the schedule: JOBS_SCHEDULE's entries, each started by one worker when due (a row lock on its ScheduledRun).
"""

import logging
from typing import Any

import psycopg2
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import Job, JobStatus, ScheduledRun
from .services import delete_files, setting

logger = logging.getLogger(__name__)
LOCK_SPACE = 0x6A6F6273  # "jobs": the advisory locks' first key
TAKE_LOCK = 0  # second key of the lock every worker takes a task under
SCHEDULE_LOCK = 1


def max_running(queue: str) -> int:
    limits = setting("JOBS_MAX_RUNNING")
    return int(limits.get(queue, setting("JOBS_DEFAULT_MAX_RUNNING")))


def take_task(*, backend_name: str, queue_names: list[str] | None, worker_id: str) -> DBTaskResult | None:
    """The next ready task of a queue below its limit, claimed for `worker_id`; None when there is none."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_SPACE, TAKE_LOCK])
        running = dict(
            DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, backend_name=backend_name)
            .values_list("queue_name")
            .annotate(n=Count("id"))
            .values_list("queue_name", "n")
        )
        full = [queue for queue, n in running.items() if n >= max_running(queue)]
        tasks = DBTaskResult.objects.ready().filter(backend_name=backend_name).exclude(queue_name__in=full)
        if queue_names:
            tasks = tasks.filter(queue_name__in=queue_names)
        task = tasks.get_locked()
        if task is not None:
            task.claim(worker_id)
        return task


def hold_liveness(worker_id: str) -> Any:
    """A connection of the worker's own holding its liveness lock for as long as the process lives."""
    liveness = psycopg2.connect(**connection.get_connection_params())
    liveness.autocommit = True
    with liveness.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", [LOCK_SPACE, worker_id])
    return liveness


def worker_alive(liveness: Any, worker_id: str) -> bool:
    """Whether another worker's process holds its liveness lock (asked on this worker's liveness connection)."""
    with liveness.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, hashtext(%s))", [LOCK_SPACE, worker_id])
        free = cursor.fetchone()[0]
        if free:
            cursor.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", [LOCK_SPACE, worker_id])
    return not free


def recover_dead_workers(*, liveness: Any, backend_name: str, own_id: str) -> int:
    """Put back on the queue the running tasks whose worker died; fail their job after JOBS_MAX_ATTEMPTS runs.
    The job's row says which attempt runs it: a late write of the dead run's (it can't commit once its connection is
    gone) could not finish the job anyway."""
    recovered = 0
    candidates = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, backend_name=backend_name)
    for task_id, worker_ids in candidates.values_list("id", "worker_ids"):
        worker = worker_ids[-1] if worker_ids else ""
        if worker == own_id or (worker and worker_alive(liveness, worker)):
            continue
        with transaction.atomic():
            task = DBTaskResult.objects.select_for_update(skip_locked=True).filter(pk=task_id).first()
            if task is None or task.status != TaskResultStatus.RUNNING:
                continue
            job_id = (task.args_kwargs.get("args") or [None])[0]
            job = Job.objects.select_for_update().filter(pk=job_id).first() if isinstance(job_id, int) else None
            if job is not None and not job.finished and job.attempt >= int(setting("JOBS_MAX_ATTEMPTS")):
                job.status, job.finished_at = JobStatus.FAILED, timezone.now()
                job.error = f"its worker stopped during each of {job.attempt} runs; not tried again"
                job.save(update_fields=["status", "finished_at", "error"])
                delete_files(job)
            if job is None or job.finished:
                task.status, task.finished_at = TaskResultStatus.FAILED, timezone.now()
                task.traceback = f"worker {worker} stopped while running it"
                task.save(update_fields=["status", "finished_at", "traceback"])
            else:
                job.status = JobStatus.QUEUED
                job.error = f"its worker stopped during run {job.attempt}; queued again"
                job.save(update_fields=["status", "error"])
                task.status = TaskResultStatus.READY
                task.save(update_fields=["status"])
            logger.warning("task %s: worker %s stopped while running it; recovered", task_id, worker)
            recovered += 1
    return recovered


def start_due_jobs() -> list[Job]:
    """Start each JOBS_SCHEDULE entry whose interval has passed since it last started (one worker does)."""
    started: list[Job] = []
    now = timezone.now()
    for name, entry in setting("JOBS_SCHEDULE").items():
        every = float(entry["every"])
        if every <= 0:
            continue
        ScheduledRun.objects.get_or_create(name=name)
        with transaction.atomic():
            run = ScheduledRun.objects.select_for_update(skip_locked=True).filter(name=name).first()
            if run is None:
                continue  # another worker is starting it
            if run.last_started_at is not None and (now - run.last_started_at).total_seconds() < every:
                continue
            if run.last_job is not None and not run.last_job.finished:
                continue  # the last run is still on the queue: never two at once
            job = import_string(entry["start"])()
            run.last_started_at, run.last_job = now, job
            run.save(update_fields=["last_started_at", "last_job"])
            logger.info("scheduled %s: started job %s", name, job.pk if job else None)
            if job is not None:
                started.append(job)
    return started
