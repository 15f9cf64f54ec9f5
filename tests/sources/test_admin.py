"""The admin: health column and filter, the "check now" and "accept changes" actions, the check history."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

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
    assert 'title="The page answered 404 Not Found"' in page  # the reason, on hover

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
    assert "Checking 3 sources in the background" in str(message)
    job = Job.objects.get()  # run at once here (the tests' eager backend); tests/jobs/ run it on a worker
    assert (job.kind, job.status, job.done, job.total) == ("source check", "succeeded", 3, 3)
    assert job.result["without_url"] == 1 and job.result["counts"] == {"ok": 1, "broken": 1}
    states = sorted((row["label"], row["state"], row["detail"]) for row in job.result["sources"])
    assert states == [("Healthy page", "OK", ""), ("Missing page", "Broken", "The page answered 404 Not Found")]
    page = client.get(reverse("admin:jobs_job_change", args=[job.pk])).content.decode()
    assert "Missing page" in page and "The page answered 404 Not Found" in page and 'id="cancel-job"' not in page
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


# --- one source per address ---------------------------------------------------------------------------------------
def _form(client, url) -> dict:
    from tests.claims.test_desk_admin import form_data

    return form_data(client.get(url))


def test_adding_a_source_with_another_sources_url_is_a_form_error_linking_to_it(client, fact_checker):
    existing = SourceFactory(url="https://www.example.org/report?id=7", title="The <b>first</b> report")
    client.force_login(fact_checker)
    add = reverse("admin:sources_source_add")
    posted = _form(client, add) | {"key": "second", "title": "A second copy", "authors": "",
                                   "url": "HTTPS://www.Example.org:443/report/?utm_source=mail&id=7#top"}  # fmt: skip
    response = client.post(add, posted)
    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["url"]
    page = response.content.decode()
    link = reverse("admin:sources_source_change", args=[existing.pk])
    assert f'Another source already has this address: <a href="{link}">The &lt;b&gt;first&lt;/b&gt; report</a>' in page
    assert "A second copy" in page  # the input is kept
    assert error.startswith("Another source already has this address")
    assert Source.objects.count() == 1
    # from the claim page's "+" (the admin's popup): the same answer
    response = client.post(f"{add}?_to_field=id&_popup=1", posted | {"_popup": "1", "_to_field": "id"})
    assert response.status_code == 200 and f'<a href="{link}">' in response.content.decode()
    assert Source.objects.count() == 1
    # a URL the desk can't normalise is refused on the field too (Django's URL field takes ftp://)
    response = client.post(add, posted | {"url": "ftp://files.example.org/report.pdf"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["url"] == ["This address must start with http:// or https://."]
    assert client.post(add, posted | {"url": "https://www.example.org/report?id=8"}).status_code == 302
    assert Source.objects.count() == 2


def test_changing_a_sources_url_to_another_sources_is_a_form_error(client, fact_checker):
    first = SourceFactory(url="https://www.example.org/first", title="First")
    second = SourceFactory(url="https://www.example.org/second", title="Second")
    client.force_login(fact_checker)
    change = reverse("admin:sources_source_change", args=[second.pk])
    posted = _form(client, change)
    response = client.post(change, posted | {"url": "https://WWW.example.org/first/"})
    assert response.status_code == 200
    assert f'<a href="{reverse("admin:sources_source_change", args=[first.pk])}">First</a>' in response.content.decode()
    assert Source.objects.get(pk=second.pk).url == "https://www.example.org/second"
    # its own address, written another way, is no conflict
    response = client.post(change, posted | {"url": "https://www.example.org/second/?utm_medium=x"})
    assert response.status_code == 302, response.content[:2000]
    assert Source.objects.get(pk=second.pk).normalized_url == "https://www.example.org/second"


def test_a_failed_check_reads_in_plain_words_with_the_url_as_written(client, admin_user, resolver):
    # The resolver fixture knows no public name: the host does not resolve.
    nowhere = SourceFactory(url="https://no-such-host.example/page", title="", publisher=None, kind="")
    client.force_login(admin_user)
    response = act(client, "check_now", [nowhere])
    [message] = get_messages(response.wsgi_request)
    assert "Checking 1 source in the background" in str(message)
    job = Job.objects.get()
    page = client.get(reverse("admin:jobs_job_change", args=[job.pk])).content.decode()
    assert "https://no-such-host.example/page" in page and "Https://" not in page  # as written, not capitalised
    assert "The address could not be found (no such domain)" in page and "Errno" not in page
    check = Source.objects.get(pk=nowhere.pk).checks.get()
    assert check.error == "The address could not be found (no such domain)"
    assert check.error_detail.startswith("could not resolve no-such-host.example")  # the technical detail, kept


def test_source_messages_say_one_source_or_many(client, admin_user, site):
    print_only = [SourceFactory(url="", title=f"Print only {n}") for n in range(2)]
    client.force_login(admin_user)
    response = act(client, "check_now", print_only)
    [message] = get_messages(response.wsgi_request)
    assert "Checking 2 sources in the background" in str(message)
    assert Job.objects.get().result["without_url"] == 2
    changed = SourceFactory(url=site.url("/p"), health=SourceHealth.CHANGED, change_detected_at=timezone.now())
    response = act(client, "accept_changes", [changed])
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Accepted the page changes of 1 source."]
