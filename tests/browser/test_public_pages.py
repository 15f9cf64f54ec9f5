"""A reader on the public fact-check pages in headless Chromium, without signing in: the index, a search for
"trade", the $245 billion fact-check with its verdict and evidence (at 1280 px and at a phone's 390 px), its source's
and publisher's pages, and its card framed on another site; the Content-Security-Policy blocks nothing (the JSON-LD
is data, not a script), and axe-core finds no serious or critical violation on any of them. Screenshots go to
tests/artifacts/ (public_index, public_fact_check, public_fact_check_mobile, public_source, public_publisher,
public_embed, public_embed_snippet)."""

import json
import re
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import expect

from claims.choices import Status
from tests.browser.accessibility import AxeCheck
from tests.factories import AppearanceFactory, ClaimFactory, published_fact_check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
WIDTH, HEIGHT = 1280, 900
PHONE = {"width": 390, "height": 844}


def test_a_reader_finds_the_trade_fact_check_and_reads_verdict_and_evidence(browser, live_server):
    axe = AxeCheck()
    published_fact_check()
    for subject, quote in (("Troops at the border", "some 40,000 troops"), ("Wheat harvest", "a record harvest")):
        AppearanceFactory(claim=ClaimFactory(status=Status.FALSE, subject=subject, textual_rating="Exaggerated"),
                          quote=quote)  # fmt: skip
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    page.set_default_timeout(15_000)
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(f"{live_server.url}/fact-checks/")
    expect(page.locator("ol.cards li")).to_have_count(3)
    page.screenshot(path=str(ARTIFACTS / "public_index.png"), full_page=True)
    axe.check(page, "the index")

    page.fill("#q", "trade")
    page.click("form.filters button[type=submit]")
    expect(page.locator("ol.cards li")).to_have_count(1)
    expect(page.locator(".count")).to_contain_text("matching “trade”")
    page.click("ol.cards a:has-text('$245 billion')")

    expect(page.locator("h1")).to_have_text("Trade reached approximately $245 billion in 2024, the ministry said")
    expect(page.locator(".verdict-box .verdict")).to_have_text("Misleading")
    expect(page.locator(".verdict-box .explanation")).to_contain_text("Customs data give $244.8 bn")
    expect(page.locator("blockquote mark")).to_have_text(
        "trade reached approximately $245 billion in 2024, the ministry said [1]"
    )
    evidence = page.locator("table.evidence tbody tr")
    expect(evidence).to_have_count(1)
    expect(evidence).to_contain_text("Customs statistics 2024")
    expect(evidence).to_contain_text("Contradicts")
    expect(evidence.locator("td.number").first).to_have_text("$244.8 bn")
    expect(evidence.locator("td.number").nth(1)).to_have_text("+0.1 %")

    ld = page.locator('script[type="application/ld+json"]')
    expect(ld).to_have_count(1)
    review = json.loads(ld.text_content() or "{}")
    assert review["@type"] == "ClaimReview" and review["url"] == page.url
    # The stylesheet applied (no inline <style> needed): the verdict label is white on its colour.
    label_colour = page.locator(".verdict-box .verdict").evaluate("e => getComputedStyle(e).color")
    assert label_colour == "rgb(255, 255, 255)"
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    page.screenshot(path=str(ARTIFACTS / "public_fact_check.png"), full_page=True)
    page.click(".embed-this summary")  # the snippet to copy, in a disclosure that needs no script
    expect(page.locator("#embed-code")).to_have_value(re.compile(r'^<iframe src="[^"]+/embed/"'))
    page.locator(".embed-this").screenshot(path=str(ARTIFACTS / "public_embed_snippet.png"))
    axe.check(page, "a fact-check page")
    fact_check_url = page.url

    page.click("figcaption a.source-page")
    expect(page.locator("h1")).to_have_text("Trade hits a record")
    expect(page.locator("ol.entries li")).to_have_count(1)
    expect(page.locator("ol.entries li blockquote")).to_contain_text("$245 billion")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    page.screenshot(path=str(ARTIFACTS / "public_source.png"), full_page=True)
    axe.check(page, "a source page")

    page.click(".facts a")  # its publisher
    expect(page.locator("h1")).to_have_text("Daily Courier")
    expect(page.locator("ol.entries li h3 a")).to_contain_text("Trade reached approximately $245 billion")
    page.screenshot(path=str(ARTIFACTS / "public_publisher.png"), full_page=True)
    axe.check(page, "a publisher page")
    assert refused == [], refused
    page.close()

    phone = browser.new_page(viewport=PHONE, is_mobile=True, device_scale_factor=2)
    phone.goto(fact_check_url)
    expect(phone.locator(".verdict-box .verdict")).to_have_text("Misleading")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    phone.screenshot(path=str(ARTIFACTS / "public_fact_check_mobile.png"), full_page=True)
    axe.check(phone, "a fact-check page at 390 px")
    phone.close()
    axe.done()


@contextmanager
def another_site(body: str):
    """A page of another origin (its own server on 127.0.0.1, the live server being localhost's): its address."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/story"
    finally:
        server.shutdown()
        server.server_close()


def test_another_site_frames_the_card_but_not_the_page(browser, live_server):
    """The card in an iframe on a page of another origin: shown; the fact-check page itself in the same place is
    refused by the browser (frame-ancestors 'none')."""
    axe = AxeCheck()
    claim = published_fact_check()
    page = browser.new_page(viewport={"width": 640, "height": 440})
    page.set_default_timeout(15_000)
    messages: list[str] = []
    page.on("console", lambda m: messages.append(m.text))
    page.goto(f"{live_server.url}/fact-checks/{claim.pk}/")
    snippet = page.locator("#embed-code").input_value()
    card_url = re.search(r'src="([^"]+)"', snippet)[1]
    host = (
        "<!DOCTYPE html><html lang=en><head><title>News</title></head><body>"
        f"<h1>A news site</h1>{snippet}<iframe id=page src='{page.url}' width=300 height=60></iframe></body></html>"
    )
    with another_site(host) as address:
        assert not address.startswith(live_server.url)
        page.goto(address)
        card = page.frame_locator("iframe[title^='Fact-check']")
        expect(card.locator(".verdict")).to_have_text("Misleading")
        expect(card.locator("h1 a")).to_have_attribute("target", "_blank")
        page.wait_for_timeout(300)
        assert any("frame-ancestors 'none'" in m for m in messages), messages  # the page itself: refused
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator("iframe[title^='Fact-check']").screenshot(path=str(ARTIFACTS / "public_embed.png"))

    page.goto(card_url)
    expect(page.locator(".verdict")).to_have_text("Misleading")
    assert page.evaluate("document.documentElement.scrollWidth") <= 640
    axe.check(page, "the embedded card")
    page.close()
    axe.done()
