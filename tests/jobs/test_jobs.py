"""Jobs without a worker (the tests' eager backend runs each at once): who sees and cancels a job, the API's job
status and import start, the schedule of stale-source checks, the page's refresh while a job waits."""

import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim
from jobs.models import Job, JobFile, JobStatus, ScheduledRun
from jobs.queue import start_due_jobs
from jobs.services import JobProblem, cancel_job, start_job
from sources.tasks import check_sources_task
from tests.factories import SourceFactory, UserFactory

pytestmark = pytest.mark.django_db


def claims_upload(name="a.json"):
    record = {"key": "k1", "subject": "Trade", "claim_type": "current_value", "quantity": "$3 bn", "period": "2024"}
    file = io.BytesIO(json.dumps({"claims": [record]}).encode())
    file.name = name
    return file


def queued_job(user) -> Job:
    """A job whose task has not run (as with the database queue and no worker yet)."""
    return Job.objects.create(kind="source check", queue="source-checks", title="Check", started_by=user, total=1)


def test_the_api_starts_an_import_and_tells_its_starter_its_state(client, desk_admin, fact_checker):
    client.force_login(desk_admin)
    response = client.post(reverse("api:import-start"), {"file": claims_upload(), "dry_run": "true"})
    assert response.status_code == 202
    body = response.json()
    assert response["Location"].endswith(f"/api/v1/jobs/{body['id']}/")
    state = client.get(reverse("api:job-detail", args=[body["id"]])).json()
    assert (state["kind"], state["status"], state["finished"], state["started_by"]) == (
        "import (dry run)",
        "succeeded",
        True,
        "editor",
    )
    assert state["result"]["counts"]["claim"] == {"created": 1} and not Claim.objects.exists()
    client.force_login(fact_checker)  # not the starter, not an admin: the job is not shown to exist
    assert client.get(reverse("api:job-detail", args=[body["id"]])).status_code == 404
    assert client.post(reverse("api:import-start"), {"file": claims_upload()}).status_code == 403


def test_an_import_with_errors_is_reported_by_record_and_field(client, desk_admin):
    client.force_login(desk_admin)
    file = io.BytesIO(b"subject,claim_type,value,unit\nA,ranking,x,count\n")
    file.name = "bad.csv"
    job_id = client.post(reverse("api:import-start"), {"file": file}).json()["id"]
    job = Job.objects.get(pk=job_id)
    assert job.status == JobStatus.FAILED and not job.result["ok"]
    [error] = job.result["errors"]
    assert (error["file"], error["record"], error["field"]) == ("bad.csv", "line 2", "value")
    page = client.get(reverse("admin:jobs_job_change", args=[job_id])).content.decode()
    assert 'id="job-errors"' in page and "line 2" in page
    assert not JobFile.objects.exists()  # the upload went with its job


def test_a_queued_job_s_page_reloads_and_its_starter_or_an_admin_can_cancel_it(client, fact_checker, admin_user):
    job = queued_job(fact_checker)
    client.force_login(fact_checker)
    page = client.get(reverse("admin:jobs_job_change", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' in page and 'id="cancel-job"' in page
    other = UserFactory(username="other", role="fact-checker")
    with pytest.raises(JobProblem):
        cancel_job(job=job, user=other)
    client.force_login(other)
    assert client.get(reverse("admin:jobs_job_change", args=[job.pk])).status_code in (302, 403, 404)
    client.force_login(admin_user)
    client.post(reverse("admin:jobs_job_cancel", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.finished_at is not None
    with pytest.raises(JobProblem, match="already"):
        cancel_job(job=job, user=admin_user)
    # Its task, taken later by a worker, does nothing.
    assert check_sources_task.call(job.pk) == JobStatus.CANCELLED


def test_a_finished_job_is_not_run_again(admin_user, site):
    source = SourceFactory(url=site.html("/ok", "<p>x</p>"))
    job = start_job(
        task=check_sources_task,
        kind="source check",
        queue="source-checks",
        title="Check",
        user=admin_user,
        params={"source_ids": [source.pk]},
        total=1,
    )
    assert job.status == JobStatus.SUCCEEDED and site.hits[("GET", "/ok")] == 1
    assert check_sources_task.call(job.pk) == JobStatus.SUCCEEDED  # a task retried after it committed
    assert site.hits[("GET", "/ok")] == 1


def test_the_schedule_checks_stale_sources_once_per_interval(settings, site):
    settings.JOBS_SCHEDULE = {"check stale sources": {"start": "sources.tasks.start_stale_check", "every": 3600}}
    settings.SOURCE_CHECK_STALE_AFTER = 7 * 24 * 3600
    stale = SourceFactory(url=site.html("/stale", "<p>x</p>"))
    [job] = start_due_jobs()
    assert (job.kind, job.started_by, job.params["source_ids"]) == ("source check", None, [stale.pk])
    assert job.status == JobStatus.SUCCEEDED
    assert start_due_jobs() == []  # within the interval
    ScheduledRun.objects.update(last_started_at=timezone.now() - dt.timedelta(hours=2))
    assert start_due_jobs() == []  # due, but nothing is stale: no job
    assert Job.objects.count() == 1
