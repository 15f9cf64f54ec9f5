"""A reader on the public fact-check pages in headless Chromium, without signing in: the index, a search for
"trade", the $245 billion fact-check with its verdict and evidence; the Content-Security-Policy blocks nothing
(the JSON-LD is data, not a script). Screenshots of the index and the page go to tests/artifacts/."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from claims.choices import Status
from tests.factories import AppearanceFactory, ClaimFactory, published_fact_check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
WIDTH, HEIGHT = 1280, 900


def test_a_reader_finds_the_trade_fact_check_and_reads_verdict_and_evidence(browser, live_server):
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
    assert refused == [], refused
