"""manage.py check_sources: selection, the seed data without internet, the summary, interruption and resume."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from claims.importers import import_files
from sources import services
from sources.choices import SourceHealth
from sources.management.commands.check_sources import parse_duration
from sources.models import Source, SourceCheck
from tests.factories import SourceFactory

from .conftest import Route

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def check(*args) -> str:
    """Run the command; its output with runs of spaces made one."""
    out = StringIO()
    call_command("check_sources", *args, stdout=out, stderr=StringIO())
    return "\n".join(" ".join(line.split()) for line in out.getvalue().splitlines())


def test_seed_sources_without_internet_end_unreachable(resolver):
    assert import_files(sorted(FIXTURES.glob("*.json"))).ok
    # The resolver fixture knows no public name: like a machine without a network.
    output = check()
    with_url = Source.objects.exclude(url="")
    assert sorted(s.normalized_url.split("/")[2] for s in with_url) == ["www.csis.org", "www.prospectmagazine.co.uk"]
    for source in with_url:
        assert source.health == SourceHealth.UNREACHABLE
        assert source.health_detail == "The address could not be found (no such domain)"
        assert source.checks.get().error_detail.startswith("could not resolve www.")
        assert source.checks.count() == 1
    without_url = Source.objects.filter(url="")
    assert without_url.exists()
    assert set(without_url.values_list("health", flat=True)) == {SourceHealth.NEVER_CHECKED}
    assert not SourceCheck.objects.filter(source__url="").exists()
    assert output.startswith("Checked 2 sources in ")
    assert "\nUnreachable 2\n" in output and f"\nno URL (not checked) {without_url.count()}" in output


def test_fresh_sources_are_skipped_until_stale(site):
    sources = [SourceFactory(url=site.html(f"/p{n}", "<p>x</p>")) for n in range(3)]
    check()
    assert SourceCheck.objects.count() == 3
    check()  # default: not checked within 7 days
    check("--stale-after", "1h")
    assert SourceCheck.objects.count() == 3
    check("--stale-after", "0s")
    assert SourceCheck.objects.count() == 6
    check("--all")
    assert SourceCheck.objects.count() == 9
    check("--source", str(sources[0].pk))  # named sources are checked however fresh
    assert SourceCheck.objects.filter(source=sources[0]).count() == 4


def test_summary_lists_broken_and_changed(site):
    broken = SourceFactory(url=site.url("/missing"), title="The missing page")
    changing = SourceFactory(url=site.html("/page", "<p>first</p>"), title="The changing page")
    SourceFactory(url=site.html("/ok", "<p>fine</p>"))
    check()
    site.html("/page", "<p>second</p>")
    output = check("--all")
    assert "\nOK 1\n" in output
    assert "Broken:\n" in output and f"#{broken.pk} The missing page — The page answered 404 Not Found" in output
    assert "Changed:\n" in output and f"#{changing.pk} The changing page — The page's text changed" in output


def test_an_interrupted_run_keeps_what_it_finished_and_resumes(site, monkeypatch):
    sources = [SourceFactory(url=site.html(f"/p{n}", "<p>x</p>")) for n in range(6)]
    record = services.record_source_check
    calls = []

    def interrupted_on_the_third(**kwargs):
        calls.append(kwargs["outcome"].source_id)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return record(**kwargs)

    monkeypatch.setattr(services, "record_source_check", interrupted_on_the_third)
    err = StringIO()
    with pytest.raises(KeyboardInterrupt):
        call_command("check_sources", stdout=StringIO(), stderr=err)
    assert "Interrupted: the 2 sources above are recorded" in err.getvalue()
    done = set(SourceCheck.objects.values_list("source_id", flat=True))
    assert done == set(calls[:2])

    monkeypatch.setattr(services, "record_source_check", record)
    output = check()  # the same command again: only the rest
    assert output.startswith("Checked 4 sources in ")
    assert sorted(SourceCheck.objects.values_list("source_id", flat=True)) == sorted(s.pk for s in sources)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--all", "--stale-after", "7d"], "--all and --stale-after contradict each other"),
        (["--source", "999999"], "no source with id 999999"),
        (["--concurrency", "0"], "--concurrency must be 1 or more"),
        (["--stale-after", "soon"], "is not a duration"),
    ],
)
def test_refused_arguments(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("check_sources", *args, stdout=StringIO(), stderr=StringIO())


@pytest.mark.parametrize(
    ("text", "seconds"), [("30m", 1800), ("12h", 43200), ("7d", 604800), ("2w", 1209600), ("3", 259200), ("0s", 0)]
)
def test_parse_duration(text, seconds):
    assert parse_duration(text).total_seconds() == seconds


def test_concurrency_option(site):
    for n in range(4):
        site.routes[f"/p{n}"] = Route(body=b"<p>x</p>")
    for n in range(4):
        SourceFactory(url=site.url(f"/p{n}"))
    assert check("--concurrency", "1").startswith("Checked 4 sources in ")
