"""A job: one run of long work on the queue (django-tasks' database backend), as people follow it.

The queue's own row (django_tasks_db's DBTaskResult) says which worker runs the task; the Job says what the work is,
who started it, how far it got, how it ended and what it found. A job's upload lives in JobFile rows (the database
every worker reaches, on any machine) until the job no longer needs it.
"""

from django.conf import settings
from django.db import models


class JobStatus(models.TextChoices):
    QUEUED = "queued", "queued"
    RUNNING = "running", "running"
    SUCCEEDED = "succeeded", "succeeded"
    FAILED = "failed", "failed"
    CANCELLED = "cancelled", "cancelled"


FINISHED = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


class Job(models.Model):
    kind = models.CharField(
        max_length=40, help_text="what the work is: import, import (dry run), source check, search terms refresh"
    )
    queue = models.CharField(max_length=32, help_text="the queue it waits on; JOBS_MAX_RUNNING limits each queue")
    title = models.CharField(max_length=300)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    done = models.BigIntegerField(default=0)
    total = models.BigIntegerField(null=True, blank=True)
    unit = models.CharField(max_length=16, default="", blank=True, help_text="what done and total count")
    params = models.JSONField(default=dict, blank=True, help_text="what the task needs to do the work")
    result = models.JSONField(default=dict, blank=True, help_text="what the work found: counts, states, errors")
    error = models.TextField(blank=True, default="")
    cancel_requested_at = models.DateTimeField(null=True, blank=True)
    attempt = models.PositiveIntegerField(default=0, help_text="runs started; a run whose worker died is retried")
    task_id = models.CharField(max_length=64, blank=True, default="")
    page_url = models.CharField(max_length=300, blank=True, default="", help_text="the page showing its result")
    notified = models.BooleanField(default=False, help_text="the starter was told that it ended")

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["status", "queue"]), models.Index(fields=["started_by", "-created_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))


class JobFile(models.Model):
    """A chunk of a job's upload: stored in the database so that a worker on another machine can read it."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=300)
    seq = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "name", "seq"], name="jobs_file_chunk_unique")]

    def __str__(self) -> str:
        return f"{self.name} [{self.seq}] of job {self.job_id}"


class ScheduledRun(models.Model):
    """When each entry of JOBS_SCHEDULE last started a job: the workers share it, so one of them starts each run."""

    name = models.CharField(max_length=100, primary_key=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return self.name
