"""The admin: health column and filter, the "check now" and "accept changes" actions, the check history."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from jobs.models import Job
from sources.choices import SourceHealth
from sources.models import Source
from sources.services import check_sources
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:sources_source_changelist"


def act(client, action, sources):
    return client.post(
        reverse(CHANGELIST), {"action": action, "_selected_action": [s.pk for s in sources]}, follow=True
    )


def test_health_column_and_filter(client, admin_user, site):
    ok = SourceFactory(url=site.html("/ok", "<p>x</p>"), title="Healthy page")
    broken = SourceFactory(url=site.url("/missing"), title="Missing page")
    never = SourceFactory(url=site.url("/later"), title="Not yet checked")
    check_sources(sources=[ok, broken])
    client.force_login(admin_user)

    page = client.get(reverse(CHANGELIST)).content.decode()
    assert 'class="health-badge health-ok"' in page and 'class="health-badge health-broken"' in page
    assert 'class="health-badge health-never_checked"' in page
    assert 'title="HTTP 404"' in page  # the reason, on hover

    filtered = client.get(reverse(CHANGELIST), {"health": SourceHealth.BROKEN}).content.decode()
    assert "Missing page" in filtered and "Healthy page" not in filtered and never.title not in filtered


def test_check_now_reports_each_source(client, admin_user, site):
    ok = SourceFactory(url=site.html("/ok", "<p>x</p>"), title="Healthy page")
    broken = SourceFactory(url=site.url("/missing"), title="Missing page")
    no_url = SourceFactory(url="", title="Print only")
    client.force_login(admin_user)
    response = act(client, "check_now", [ok, broken, no_url])
    assert response.status_code == 200
    [message] = get_messages(response.wsgi_request)
    assert "Checking 3 source(s) in the background" in str(message)
    job = Job.objects.get()  # run at once here (the tests' eager backend); tests/jobs/ run it on a worker
    assert (job.kind, job.status, job.done, job.total) == ("source check", "succeeded", 3, 3)
    assert job.result["without_url"] == 1 and job.result["counts"] == {"ok": 1, "broken": 1}
    states = sorted((row["label"], row["state"], row["detail"]) for row in job.result["sources"])
    assert states == [("Healthy page", "OK", ""), ("Missing page", "Broken", "HTTP 404")]
    page = client.get(reverse("admin:jobs_job_change", args=[job.pk])).content.decode()
    assert "Missing page" in page and "HTTP 404" in page and 'id="cancel-job"' not in page
    assert Source.objects.get(pk=ok.pk).health == SourceHealth.OK
    assert Source.objects.get(pk=no_url.pk).health == SourceHealth.NEVER_CHECKED


def test_check_now_refuses_too_many_sources(client, admin_user, site, settings):
    settings.SOURCE_CHECK_ADMIN_MAX = 2
    sources = [SourceFactory(url=site.url(f"/p{n}")) for n in range(3)]
    client.force_login(admin_user)
    response = act(client, "check_now", sources)
    [message] = get_messages(response.wsgi_request)
    assert "Select at most 2 sources" in str(message)
    assert not site.requests and not Source.objects.exclude(health=SourceHealth.NEVER_CHECKED).exists()


def test_accept_changes(client, admin_user, site):
    site.html("/page", "<p>first</p>")
    source = SourceFactory(url=site.url("/page"))
    check_sources(sources=[source])
    site.html("/page", "<p>second</p>")
    check_sources(sources=[source])
    assert Source.objects.get(pk=source.pk).health == SourceHealth.CHANGED
    client.force_login(admin_user)
    act(client, "accept_changes", [source])
    accepted = Source.objects.get(pk=source.pk)
    assert accepted.health == SourceHealth.OK and accepted.change_detected_at is None


def test_source_page_shows_link_health_and_check_history(client, admin_user, site):
    site.redirect("/old", "/new", status=301)
    site.html("/new", "<p>x</p>", title="New home")
    source = SourceFactory(url=site.url("/old"))
    check_sources(sources=[source])
    site.routes.pop("/new")  # now a 404
    check_sources(sources=[source])
    client.force_login(admin_user)
    page = client.get(reverse("admin:sources_source_change", args=[source.pk])).content.decode()
    assert "Link health" in page and "Check history" in page
    assert "Redirected" in page and "Broken" in page  # one row per check, newest first
    assert page.index("Broken") < page.index("Redirected")
    assert f"301 {site.url('/new')}" in page  # the redirect chain
    assert "New home" in page  # the page title, as last read
    assert 'name="checks-MAX_NUM_FORMS" value="0"' in page  # the history is read-only: no row can be added
