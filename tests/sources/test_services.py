"""The source check end to end against the local fault server: each fault ends as its recorded state."""

import json
import socket

import pytest

from sources.choices import SourceHealth
from sources.models import Source, SourceCheck
from sources.services import check_sources
from tests.factories import SourceFactory

from . import routes
from .conftest import Route

pytestmark = pytest.mark.django_db

PAGE = "<p>Trade turnover amounted to $244.8 billion in 2024.</p>"


def run(*urls, **source_fields) -> list[Source]:
    """Create a source per URL, check them all in one run, return them as recorded."""
    sources = [SourceFactory(url=url, **source_fields) for url in urls]
    check_sources(sources=sources)
    return [Source.objects.get(pk=source.pk) for source in sources]


def run_one(url, **source_fields) -> Source:
    return run(url, **source_fields)[0]


def setup_faults(site) -> dict[str, tuple[str, str]]:
    """Every fault the issue names: {path: (expected state, a phrase of the detail or note)}."""
    site.html("/ok", PAGE, title="A page")
    site.routes["/slow"] = Route(body=b"<p>late</p>", delay=1.0)
    site.redirect("/loop-a", "/loop-b")
    site.redirect("/loop-b", "/loop-a")
    site.redirect("/chain/1", "/chain/2", status=301)
    site.redirect("/chain/2", site.url("/chain/3"), status=302)
    site.html("/chain/3", PAGE)
    site.redirect("/slash", "/slash/", status=301)
    site.html("/slash/", PAGE)
    site.routes["/missing"] = Route(status=404, body=b"<p>no</p>")
    site.routes["/gone"] = Route(status=410, body=b"<p>gone</p>")
    site.routes["/error"] = Route(status=500, body=b"<p>oops</p>")
    site.routes["/unavailable"] = Route(status=503, headers={"Retry-After": "120"})
    site.routes["/busy"] = Route(status=429, headers={"Retry-After": "1"})
    site.routes["/huge"] = Route(body=b"<p>" + b"x" * 200_000 + b"</p>")
    site.routes["/huge-stream"] = routes.endless_chunks
    site.routes["/cp1251"] = Route(
        body='<html><head><meta charset="windows-1251"><title>Товарооборот</title></head>'
        "<body><p>Товарооборот составил 244,8 млрд долларов.</p></body></html>".encode("cp1251"),
        content_type="text/html",
    )
    site.routes["/bogus-charset"] = Route(
        body=b'<html><head><meta charset="x-no-such-charset"><title>Caf\xe9</title></head><body>ok</body></html>',
        content_type="text/html; charset=also-bogus",
    )
    site.routes["/no-head"] = Route(body=PAGE.encode(), head_status=405)
    site.routes["/doc.pdf"] = Route(body=b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", content_type="application/pdf")
    site.routes["/data.json"] = Route(body=json.dumps({"trade": 244.8}).encode(), content_type="application/json")
    site.routes["/reset"] = routes.reset
    site.redirect("/to-ftp", "ftp://files.example.org/report.pdf")
    site.routes["/no-location"] = Route(status=302)
    for hop in range(7):
        site.redirect(f"/far/{hop}", f"/far/{hop + 1}")
    return {
        "/ok": (SourceHealth.OK, ""),
        "/slow": (SourceHealth.UNREACHABLE, "The server did not answer within 0.3 s"),
        "/loop-a": (SourceHealth.BROKEN, "The page redirects in a loop"),
        "/chain/1": (SourceHealth.REDIRECTED, "/chain/3"),
        "/slash": (SourceHealth.OK, ""),
        "/missing": (SourceHealth.BROKEN, "The page answered 404 Not Found"),
        "/gone": (SourceHealth.BROKEN, "The page answered 410 Gone"),
        "/error": (SourceHealth.BROKEN, "The page answered 500 Internal Server Error"),
        "/unavailable": (SourceHealth.BROKEN, "The page answered 503 Service Unavailable"),
        "/busy": (SourceHealth.UNREACHABLE, "The server asks us to slow down (429 Too Many Requests)"),
        "/huge": (SourceHealth.OK, "not read"),
        "/huge-stream": (SourceHealth.OK, "reading stopped"),
        "/cp1251": (SourceHealth.OK, ""),
        "/bogus-charset": (SourceHealth.OK, "unknown charset"),
        "/no-head": (SourceHealth.OK, "HEAD answered 405"),
        "/doc.pdf": (SourceHealth.OK, ""),
        "/data.json": (SourceHealth.OK, ""),
        "/reset": (SourceHealth.UNREACHABLE, "could not be reached: the connection failed (tried 3 times)"),
        "/to-ftp": (SourceHealth.REFUSED, "Refused: only http and https addresses are checked"),
        "/no-location": (SourceHealth.BROKEN, "The page answered 302 Found without saying where to go"),
        "/far/0": (SourceHealth.BROKEN, "The page redirects more than 5 times"),
    }


def test_every_fault_ends_as_its_recorded_state(site):
    expected = setup_faults(site)
    sources = run(*(site.url(path) for path in expected))
    for source, (path, (state, phrase)) in zip(sources, expected.items(), strict=True):
        check = source.checks.get()
        assert (path, source.health) == (path, state)
        assert phrase in f"{source.health_detail} {check.error}", (path, source.health_detail, check.error)
        assert "Errno" not in source.health_detail and "HTTP " not in source.health_detail, path  # plain words
        assert source.last_checked_at == check.checked_at and source.health_since == check.checked_at
        assert check.health == state and check.duration_ms < 2500


def test_a_good_page_records_status_type_title_and_fingerprint(site):
    source = run_one(site.html("/ok", PAGE, title="  Trade   in 2024 "))
    check = source.checks.get()
    assert source.http_status == 200 and source.final_url == site.url("/ok")
    assert source.content_type == "text/html; charset=utf-8"
    assert source.page_title == "Trade in 2024"
    assert len(source.fingerprint) == 64 and source.fingerprint == check.fingerprint
    assert source.fingerprint_since == source.http_status_since == source.final_url_since == check.checked_at
    assert check.redirects == [] and check.bytes_read > 0
    assert site.hits[("HEAD", "/ok")] == 1 and site.hits[("GET", "/ok")] == 1
    user_agent = site.requests[0][3]
    assert user_agent.startswith("factcheck-desk-source-check/")


def test_redirects_are_recorded_hop_by_hop(site):
    site.redirect("/chain/1", "/chain/2", status=301)
    site.redirect("/chain/2", "/chain/3", status=308)
    site.html("/chain/3", PAGE)
    source = run_one(site.url("/chain/1"))
    assert source.health == SourceHealth.REDIRECTED and source.final_url == site.url("/chain/3")
    hops = source.checks.get().redirects
    assert [(hop["method"], hop["status"], hop["location"]) for hop in hops] == [
        ("HEAD", 301, site.url("/chain/2")),
        ("HEAD", 308, site.url("/chain/3")),
    ]


def test_retries_honour_retry_after_then_give_up(site):
    site.routes["/unavailable"] = Route(status=503, headers={"Retry-After": "3600"})
    source = run_one(site.url("/unavailable"))
    assert source.health == SourceHealth.BROKEN and source.http_status == 503
    # Three attempts (two retries), each wait capped at 0.05 s instead of an hour.
    assert site.hits[("HEAD", "/unavailable")] == 3
    assert source.checks.get().duration_ms < 1000


def test_a_server_that_recovers_after_a_retry_is_ok(site):
    answers = iter([Route(status=503, headers={"Retry-After": "0"}), Route(body=PAGE.encode())])
    current = {}

    def flaky(handler):
        if handler.command == "HEAD":
            current["route"] = next(answers, current.get("route"))
        route = current["route"]
        handler.send_response(route.status)
        handler.send_header("Content-Type", route.content_type)
        handler.send_header("Content-Length", str(len(route.body)))
        handler.end_headers()
        if handler.command == "GET":
            handler.wfile.write(route.body)

    site.routes["/flaky"] = flaky
    source = run_one(site.url("/flaky"))
    assert source.health == SourceHealth.OK
    assert site.hits[("HEAD", "/flaky")] == 2


@pytest.mark.parametrize("refusal", [403, 405, 501])
def test_head_refused_falls_back_to_get(site, refusal):
    site.routes["/no-head"] = Route(body=PAGE.encode(), head_status=refusal)
    source = run_one(site.url("/no-head"))
    assert source.health == SourceHealth.OK and source.fingerprint
    assert site.hits[("HEAD", "/no-head")] == 1 and site.hits[("GET", "/no-head")] == 1
    assert f"HEAD answered {refusal}" in source.checks.get().error


def test_tls_and_connection_errors_are_unreachable(site):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    tls, refused = run(site.url("/ok").replace("http://", "https://"), f"http://127.0.0.1:{closed_port}/")
    assert tls.health == refused.health == SourceHealth.UNREACHABLE
    assert tls.health_detail == "The secure connection failed (the site's certificate or TLS setup)"
    assert tls.checks.get().error_detail.startswith("TLS error with 127.0.0.1")
    assert refused.health_detail == "The server could not be reached: the connection failed (tried 3 times)"
    assert "Connection refused" in refused.checks.get().error_detail  # the technical detail, kept with the check


def test_time_limit_per_source(site, settings):
    settings.SOURCE_CHECK_TIME_LIMIT = 0.4
    site.routes["/drip"] = routes.drip
    source = run_one(site.url("/drip"))
    assert source.health == SourceHealth.UNREACHABLE
    assert source.health_detail == "The check gave up after 0.4 s (the time allowed for one source)"
    assert source.checks.get().duration_ms < 1000


def test_huge_bodies_are_not_read_past_the_limit(site):
    site.routes["/huge"] = Route(body=b"x" * 200_000)
    site.routes["/huge-stream"] = routes.endless_chunks
    known, streamed = run(site.url("/huge"), site.url("/huge-stream"))
    assert site.hits[("GET", "/huge")] == 0  # HEAD's Content-Length was enough
    assert known.health == streamed.health == SourceHealth.OK
    assert known.fingerprint == streamed.fingerprint == ""  # a partial body is not fingerprinted
    assert streamed.checks.get().bytes_read == 64 * 1024


def test_charsets_declared_in_meta_and_broken_ones(site):
    site.routes["/cp1251"] = Route(
        body='<html><head><meta charset="windows-1251"><title>Товарооборот</title></head>'
        "<body><p>Товарооборот составил 244,8 млрд долларов.</p></body></html>".encode("cp1251"),
        content_type="text/html",
    )
    site.routes["/bogus"] = Route(
        body=b'<html><head><meta charset="x-no-such-charset"><title>Caf\xe9 \xab ok \xbb</title></head></html>',
        content_type="text/html; charset=also-bogus",
    )
    cyrillic, bogus = run(site.url("/cp1251"), site.url("/bogus"))
    assert cyrillic.page_title == "Товарооборот"
    assert bogus.health == SourceHealth.OK and bogus.page_title == "Café « ok »"  # windows-1252, as browsers do
    assert "unknown charset 'also-bogus' in the header" in bogus.checks.get().error


def test_non_html_documents(site):
    site.routes["/doc.pdf"] = Route(body=b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", content_type="application/pdf")
    site.routes["/data.json"] = Route(body=b'{"trade": 244.8}', content_type="application/json")
    pdf, data = run(site.url("/doc.pdf"), site.url("/data.json"), title="")
    assert pdf.health == data.health == SourceHealth.OK
    assert pdf.content_type == "application/pdf" and len(pdf.fingerprint) == 64
    assert pdf.page_title == "" and pdf.title == ""  # nothing to read a title from


def test_a_page_whose_text_changes_is_changed_until_accepted(site):
    site.html("/page", "<p>Trade reached $245 billion.</p>")
    source = SourceFactory(url=site.url("/page"))
    check_sources(sources=[source])
    first = Source.objects.get(pk=source.pk)
    assert first.health == SourceHealth.OK and first.change_detected_at is None

    site.html("/page", "<p>Trade reached $254 billion.</p>")
    check_sources(sources=[source])
    second = Source.objects.get(pk=source.pk)
    assert second.health == SourceHealth.CHANGED and second.change_detected_at is not None
    assert second.fingerprint != first.fingerprint and second.fingerprint_since > first.fingerprint_since

    check_sources(sources=[source])  # same new text: still to be looked at
    third = Source.objects.get(pk=source.pk)
    assert third.health == SourceHealth.CHANGED and third.change_detected_at == second.change_detected_at
    assert third.fingerprint_since == second.fingerprint_since

    from sources.services import accept_source_changes

    assert accept_source_changes(sources=Source.objects.filter(pk=source.pk)) == 1
    accepted = Source.objects.get(pk=source.pk)
    assert accepted.health == SourceHealth.OK and accepted.change_detected_at is None
    check_sources(sources=[source])
    assert Source.objects.get(pk=source.pk).health == SourceHealth.OK


def test_whitespace_quotes_and_dashes_are_not_a_change(site):
    site.html("/page", "<p>Trade — \u201cabout\u201d  $245\u00a0billion.</p>")
    source = SourceFactory(url=site.url("/page"))
    check_sources(sources=[source])
    site.html("/page", '<div>Trade - "about"\n$245 billion.</div>')
    check_sources(sources=[source])
    assert Source.objects.get(pk=source.pk).health == SourceHealth.OK


def test_an_outage_keeps_the_last_fingerprint(site):
    site.html("/page", PAGE)
    source = SourceFactory(url=site.url("/page"))
    check_sources(sources=[source])
    fingerprint = Source.objects.get(pk=source.pk).fingerprint
    site.routes["/page"] = Route(status=503)
    check_sources(sources=[source])
    down = Source.objects.get(pk=source.pk)
    assert down.health == SourceHealth.BROKEN and down.fingerprint == fingerprint and down.http_status == 503
    site.html("/page", PAGE)
    check_sources(sources=[source])
    assert Source.objects.get(pk=source.pk).health == SourceHealth.OK  # not "changed"
    assert SourceCheck.objects.filter(source=source).count() == 3


def test_since_dates_hold_while_values_hold(site):
    site.html("/page", PAGE)
    source = SourceFactory(url=site.url("/page"))
    check_sources(sources=[source])
    first = Source.objects.get(pk=source.pk)
    check_sources(sources=[source])
    second = Source.objects.get(pk=source.pk)
    assert second.last_checked_at > first.last_checked_at
    assert second.health_since == first.health_since and second.http_status_since == first.http_status_since
    site.routes["/page"] = Route(status=404)
    check_sources(sources=[source])
    third = Source.objects.get(pk=source.pk)
    assert third.health_since == third.http_status_since == third.last_checked_at


def test_sources_without_url_are_not_checked(site):
    source = SourceFactory(url="")
    summary = check_sources(sources=[source])
    assert summary.without_url == 1 and summary.checked == 0
    source.refresh_from_db()
    assert source.health == SourceHealth.NEVER_CHECKED and not source.checks.exists()


def test_at_most_two_requests_per_host_at_once(site, settings):
    settings.SOURCE_CHECK_CONCURRENCY = 8
    in_flight, peak = [0], [0]
    import threading
    import time

    lock = threading.Lock()

    def counted(handler):
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        time.sleep(0.05)
        with lock:
            in_flight[0] -= 1
        handler.send_response(200)
        handler.send_header("Content-Type", "text/plain")
        handler.send_header("Content-Length", "2")
        handler.end_headers()
        if handler.command == "GET":
            handler.wfile.write(b"ok")

    for n in range(8):
        site.routes[f"/p{n}"] = counted
    run(*(site.url(f"/p{n}") for n in range(8)))
    assert peak[0] == 2


META_HEAD = """
<meta property="og:title" content="Analyzing the Latest Xi-Putin Meeting">
<meta property="og:site_name" content="CSIS">
<meta property="article:published_time" content="2023-10-20T09:30:00-04:00">
<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Headline",
  "author": [{"name": "Brian Hart"}, {"name": "Bonny Lin"}], "publisher": {"name": "Ignored, og:site_name wins"}}
</script>"""


def test_metadata_fills_empty_fields(site):
    url = site.html("/meta", "<p>text</p>", title="Xi-Putin | CSIS", head=META_HEAD)
    source = SourceFactory(url=url, title="", publisher=None, authors=[])
    check_sources(sources=[source])
    source.refresh_from_db()
    assert source.title == "Analyzing the Latest Xi-Putin Meeting" and source.page_title == "Xi-Putin | CSIS"
    assert source.authors == ["Brian Hart", "Bonny Lin"]
    assert (source.published_on.isoformat(), source.published_precision) == ("2023-10-20", "day")
    assert source.publisher.name == "CSIS"
    latest = source.history.latest()
    assert latest.history_change_reason == (
        "source check: filled title, authors, published_on, published_precision, publisher from the page's metadata"
    )


def test_metadata_never_overwrites_and_reuses_publishers(site):
    from sources.models import Publisher

    existing = Publisher.objects.create(name="csis")
    url = site.html("/meta", "<p>text</p>", title="Xi-Putin | CSIS", head=META_HEAD)
    typed = SourceFactory(url=url, title="Typed by a person", authors=["Desk Editor"], publisher=None)
    versions = typed.history.count()
    check_sources(sources=[typed])
    typed.refresh_from_db()
    assert typed.title == "Typed by a person" and typed.authors == ["Desk Editor"]
    assert typed.publisher == existing  # matched without regard to case, not created again
    assert Publisher.objects.filter(name__iexact="csis").count() == 1
    assert typed.history.count() == versions + 1

    check_sources(sources=[typed])  # nothing left to fill: no new history row
    assert typed.history.count() == versions + 1


def test_the_html_title_fills_an_empty_title_when_there_is_no_metadata(site):
    source = SourceFactory(url=site.html("/plain", "<p>x</p>", title="Plain   title"), title="")
    check_sources(sources=[source])
    source.refresh_from_db()
    assert source.title == "Plain title"


def test_checks_do_not_add_history_rows(site):
    source = SourceFactory(url=site.html("/ok", PAGE, title=""), title="Kept")
    versions = source.history.count()
    check_sources(sources=[source])
    check_sources(sources=[source])
    assert source.history.count() == versions and source.checks.count() == 2


def test_nul_characters_never_reach_the_database(site):
    # PostgreSQL refuses NUL in text columns and in JSON: a hostile page must not stop the run there.
    head = '<meta property="og:site_name" content="Pub\x00lisher"><meta name="author" content="A\x00B">'
    site.redirect("/nul", "/nul-page?x=%00")
    site.html("/nul-page", "<p>te\x00xt</p>", title="Bad\x00Title", head=head)
    source = SourceFactory(url=site.url("/nul"), title="", publisher=None, authors=[])
    check_sources(sources=[source])
    source.refresh_from_db()
    assert source.health == SourceHealth.REDIRECTED
    assert (source.title, source.page_title, source.authors) == ("BadTitle", "BadTitle", ["AB"])
    assert source.publisher.name == "Publisher"
