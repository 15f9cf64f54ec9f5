"""Jobs on real workers: `manage.py run_worker` subprocesses against the test database take what the admin queues.

A dry run and its import from the admin; a source check slower than a web worker's timeout (gunicorn's 30 s) that
still records every result while "Check now" answers at once; a worker killed (SIGKILL) midway through an import,
which leaves nothing written and is run again, once, by another worker; two workers sharing the queue without
running a job twice; cancelling a running import.
"""

import functools
import io
import json
import signal
import time

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from claims.models import Claim
from jobs.models import Job, JobFile, JobStatus
from sources.models import Source, SourceCheck
from sources.tasks import start_check
from tests.factories import SourceFactory
from tests.sources.routes import slow_page

from .conftest import job_ended, wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("migration_data_back"),
]
IMPORT_URL = "admin:claims_claim_import"
WEB_TIMEOUT = 30  # gunicorn's default worker timeout, in seconds


def claims_file(n: int, name: str = "claims.json") -> io.BytesIO:
    records = [
        {
            "key": f"bulk-{i}",
            "subject": f"Exports of region {i}",
            "claim_type": "current_value",
            "quantity": f"${i + 1} million",
            "period": "2024",
        }
        for i in range(n)
    ]
    file = io.BytesIO(json.dumps({"publishers": [{"name": "Desk"}], "claims": records}).encode())
    file.name = name
    return file


def job_of(response) -> Job:
    location = response["Location"]
    return Job.objects.get(pk=int(location.rsplit("job=", 1)[1]))


def test_a_dry_run_then_its_import_from_the_admin(client, desk_admin, workers):
    workers.start()
    client.force_login(desk_admin)
    started = client.post(reverse(IMPORT_URL), {"file": claims_file(30, "May figures.json")})
    assert started.status_code == 302
    dry_run = job_of(started)
    assert (dry_run.kind, dry_run.started_by) == ("import (dry run)", desk_admin)
    assert dry_run.title == "Dry run of May figures.json"
    waiting = client.get(started["Location"]).content.decode()
    assert f'href="{reverse("admin:jobs_job_change", args=[dry_run.pk])}"' in waiting  # the page links its job
    dry_run = job_ended(dry_run.pk)
    assert dry_run.status == JobStatus.SUCCEEDED and dry_run.result["counts"]["claim"] == {"created": 30}
    assert not Claim.objects.exists() and JobFile.objects.filter(job=dry_run).exists()  # kept for the import

    preview = client.get(started["Location"])
    page = preview.content.decode()
    assert 'http-equiv="refresh"' not in page and "Dry run of May figures.json: nothing written yet" in page
    assert "Dry run of May figures.json has succeeded" in " ".join(str(m) for m in preview.context["messages"])
    confirmed = client.post(reverse(IMPORT_URL), {"token": preview.context["token"]})
    imported = job_ended(job_of(confirmed).pk)
    assert imported.status == JobStatus.SUCCEEDED, imported.error
    assert Claim.objects.count() == 30
    assert Claim.objects.get(key="bulk-3").history.get().history_user == desk_admin  # the job ran as its starter
    assert not JobFile.objects.exists()  # the upload went with its job
    done = client.get(confirmed["Location"]).content.decode()
    assert "Imported May figures.json" in done
    # The dry run can't be confirmed twice.
    again = client.post(reverse(IMPORT_URL), {"token": preview.context["token"]}, follow=True)
    assert "already imported" in again.content.decode() and Claim.objects.count() == 30


def test_check_now_answers_at_once_and_a_check_past_a_web_timeout_records_every_result(
    client, admin_user, workers, site
):
    site.routes["/slowest"] = functools.partial(slow_page, seconds=WEB_TIMEOUT + 2)
    for n in range(49):
        site.routes[f"/slow/{n}"] = functools.partial(slow_page, seconds=2, title=f"Page {n}")
    sources = [SourceFactory(url=site.url("/slowest"), title="Slowest")]
    sources += [SourceFactory(url=site.url(f"/slow/{n}"), title="") for n in range(49)]
    workers.start()
    client.force_login(admin_user)
    asked = time.monotonic()
    response = client.post(
        reverse("admin:sources_source_changelist"),
        {"action": "check_now", "_selected_action": [source.pk for source in sources]},
    )
    assert response.status_code == 302 and time.monotonic() - asked < 5  # answered at once
    job = Job.objects.get()
    assert (job.total, job.unit, job.started_by) == (50, "sources", admin_user)
    wait_for(lambda: Job.objects.get(pk=job.pk).done >= 49, timeout=60, what="the 49 quicker sources")
    running = client.get(reverse("admin:jobs_job_change", args=[job.pk])).content.decode()
    assert 'id="cancel-job"' in running and 'http-equiv="refresh"' in running and 'id="job-progress"' in running
    job = job_ended(job.pk)
    assert job.status == JobStatus.SUCCEEDED and job.result["counts"] == {"ok": 50}
    assert SourceCheck.objects.count() == 50
    slowest = SourceCheck.objects.get(source=sources[0])
    assert slowest.duration_ms > WEB_TIMEOUT * 1000
    assert set(Source.objects.values_list("health", flat=True)) == {"ok"}
    assert Source.objects.get(pk=sources[5].pk).title.startswith("Page ")  # filled from the page, by the job


def test_a_worker_killed_during_an_import_leaves_nothing_written_and_the_job_runs_again_once(
    client, desk_admin, workers
):
    first = workers.start("doomed")
    client.force_login(desk_admin)
    started = client.post(reverse(IMPORT_URL), {"file": claims_file(3000)})
    dry_run = job_ended(job_of(started).pk)
    assert dry_run.status == JobStatus.SUCCEEDED, dry_run.error
    token = client.get(started["Location"]).context["token"]
    job = job_of(client.post(reverse(IMPORT_URL), {"token": token}))
    wait_for(
        lambda: Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, done__gt=0).exists(),
        timeout=60,
        what="the import to be under way",
    )
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.attempt == 1  # as the dead worker left it
    assert not Claim.objects.exists() and not Claim.history.exists()  # nothing of it was committed

    workers.start("rescuer")
    job = job_ended(job.pk)
    assert job.status == JobStatus.SUCCEEDED and job.attempt == 2, job.error
    assert Claim.objects.count() == 3000 and Claim.history.count() == 3000  # written once
    assert DBTaskResult.objects.get(pk=job.task_id).worker_ids == ["doomed", "rescuer"]


def test_two_workers_share_the_queue_and_run_each_job_once(admin_user, workers, site, settings):
    settings.JOBS_MAX_RUNNING = {"source-checks": 2}
    site.routes["/page"] = functools.partial(slow_page, seconds=1)
    source = SourceFactory(url=site.url("/page"))
    workers.start("w1")
    workers.start("w2")
    jobs = [start_check(source_ids=[source.pk], user=admin_user) for _ in range(6)]
    for job in jobs:
        assert job_ended(job.pk).status == JobStatus.SUCCEEDED
    ran_by = [DBTaskResult.objects.get(pk=job.task_id).worker_ids for job in Job.objects.all()]
    assert all(len(ids) == 1 for ids in ran_by)  # each taken once
    assert {ids[0] for ids in ran_by} == {"w1", "w2"}  # by both workers
    assert set(Job.objects.values_list("attempt", flat=True)) == {1}
    assert SourceCheck.objects.count() == 6 and site.hits[("GET", "/page")] == 6


def test_cancel_stops_a_running_import_and_writes_nothing(client, desk_admin, workers):
    workers.start()
    client.force_login(desk_admin)
    response = client.post(reverse("api:import-start"), {"file": claims_file(20000)})
    assert response.status_code == 202
    job_id = response.json()["id"]
    wait_for(
        lambda: Job.objects.filter(pk=job_id, status=JobStatus.RUNNING, done__gt=0).exists(),
        timeout=60,
        what="the import to be under way",
    )
    page = client.get(reverse("admin:jobs_job_change", args=[job_id])).content.decode()
    assert 'id="cancel-job"' in page
    client.post(reverse("admin:jobs_job_cancel", args=[job_id]))
    job = job_ended(job_id, timeout=60)
    assert job.status == JobStatus.CANCELLED and job.cancel_requested_at is not None
    assert not Claim.objects.exists() and not JobFile.objects.exists()
    state = client.get(reverse("api:job-detail", args=[job_id])).json()
    assert state["status"] == "cancelled" and state["finished"] is True
