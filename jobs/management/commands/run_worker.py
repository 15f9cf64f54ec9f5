"""manage.py run_worker: take jobs from the queue (PostgreSQL) and run them; start as many, on as many machines, as
the work needs. Ctrl-C or SIGTERM lets the running job finish first; a second one stops it (the job fails, an import
rolling back). A worker that dies without a word (SIGKILL, a lost machine) leaves its job to the other workers,
which run it again."""

import logging
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS
from django_tasks_db.management.commands.db_worker import Worker

from jobs.queue import hold_liveness, recover_dead_workers, start_due_jobs, take_task
from jobs.services import prune_uploads

logger = logging.getLogger("jobs.worker")
HOUSEKEEPING_SECONDS = 10.0  # how often a worker looks for dead workers' jobs and for scheduled jobs that are due


class QueueWorker(Worker):
    """django-tasks-db's worker, taking tasks through jobs.queue (each queue's limit, dead workers' jobs back on
    the queue, the schedule) rather than the first ready row."""

    def __init__(self, *, schedule: bool, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.schedule = schedule
        self.liveness: Any = None
        self.last_housekeeping = 0.0

    def housekeeping(self) -> None:
        if time.monotonic() - self.last_housekeeping < HOUSEKEEPING_SECONDS:
            return
        self.last_housekeeping = time.monotonic()
        try:
            recover_dead_workers(liveness=self.liveness, backend_name=self.backend_name, own_id=self.worker_id)
            if self.schedule:
                start_due_jobs()
                prune_uploads()
        except Exception:  # noqa: BLE001 - the next round tries again; the worker keeps serving the queue
            logger.exception("worker %s: housekeeping failed", self.worker_id)

    def run(self) -> None:
        logger.info("worker %s taking jobs from %s", self.worker_id, ",".join(self.queue_names) or "every queue")
        self.liveness = hold_liveness(self.worker_id)
        try:
            while self.running:
                close_old_connections()
                self.housekeeping()
                queues = None if self.process_all_queues else self.queue_names
                task = take_task(backend_name=self.backend_name, queue_names=queues, worker_id=self.worker_id)
                if task is not None:
                    self.run_task(task)
                elif self.batch:
                    return
                if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                    return
                close_old_connections()
                if self.running and task is None:
                    time.sleep(self.interval)
        finally:
            self.liveness.close()


class Command(BaseCommand):
    help = (
        "Run background jobs (imports, source checks) from the queue in PostgreSQL. Any number of workers on any "
        "number of machines share it; JOBS_MAX_RUNNING limits how many jobs of each queue run at once, and a job "
        "whose worker died is run again by another. One worker also starts the scheduled jobs (JOBS_SCHEDULE)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--queue", default="*", help="queues to take jobs from, comma-separated (default: all)")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between looks at an empty queue")
        parser.add_argument("--batch", action="store_true", help="run the jobs waiting now, then stop")
        parser.add_argument("--max-tasks", type=int, default=None, help="stop after this many jobs")
        parser.add_argument("--worker-id", default="", help="this worker's name, unique among the workers")
        parser.add_argument("--no-schedule", action="store_true", help="don't start scheduled jobs (JOBS_SCHEDULE)")

    def handle(
        self,
        *args: Any,
        queue: str,
        interval: float,
        batch: bool,
        max_tasks: int | None,
        worker_id: str,
        no_schedule: bool,
        **options: Any,
    ) -> None:
        logging.getLogger("django_tasks_db").setLevel(logging.INFO)
        worker = QueueWorker(
            queue_names=queue.split(","),
            interval=interval,
            batch=batch,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=max_tasks,
            worker_id=(worker_id or get_random_string(32))[:64],
            excluded_queue_names=[],
            schedule=not no_schedule,
        )
        worker.configure_signals()
        worker.run()
