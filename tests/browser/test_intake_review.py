"""The intake's review screen end to end: the Anadolu seed article's text as a source and a claim the desk already
holds ("Xi and Putin have met over 42 times"); a fact-checker opens the review, accepts the $245 billion figure,
attaches the "42 times" one to the existing claim and dismisses another, with the real buttons and the keyboard.

The screenshot of the screen (1280×900, full page) goes to tests/artifacts/intake_review.png for a person to look at.
"""

from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from claims.choices import Unit
from claims.models import Claim, IntakeDismissal
from tests.factories import AppearanceFactory, SourceFactory, UserFactory, meetings_claim

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
ARTICLE = (ROOT / "fixtures" / "articles" / "001_a49bb1a0b18f15bc.txt").read_text(encoding="utf-8")
POLICY = "Content Security Policy"


def _key(text):
    start = ARTICLE.index(text)
    return f"{start}-{start + len(text)}"


def test_a_fact_checker_reviews_an_articles_figures(browser, live_server):
    source = SourceFactory(
        title="OPINION - Trump's reverse Kissinger fantasy: History won't repeat itself", text=ARTICLE
    )
    meetings = meetings_claim(subject="Xi–Putin meetings since 2013")
    AppearanceFactory(
        claim=meetings,
        quote="Xi and Putin have met over 42 times",
        source__text="Since 2013, Xi and Putin have met over 42 times, the Kremlin said.",
    )
    UserFactory(username="checker", role="fact-checker", password="pw-browser-123")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(15_000)
    blocked = []
    page.on("console", lambda message: blocked.append(message.text) if POLICY in message.text else None)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "checker")
    page.fill("#id_password", "pw-browser-123")
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")

    # From the source's page to its review
    page.goto(f"{live_server.url}/admin/sources/source/{source.pk}/change/")
    page.click("#review-figures-link")
    expect(page.locator("#intake-summary")).to_contain_text("left to review")

    trade, times = _key("approximately $245 billion"), _key("over 42")
    expect(page.locator(f"#t-{trade}")).to_contain_text("approximately $245 billion")
    expect(page.locator(f"#c-{times} .intake-badge")).to_have_text("checked before")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "intake_review.png"), full_page=True)
    page.screenshot(path=str(ARTIFACTS / "intake_review_top.png"))

    # The keyboard: j moves to the first figure, its highlight is marked
    page.locator("#intake-list-title").click()
    page.keyboard.press("j")
    first = page.locator(".intake-card").first
    expect(first).to_be_focused()
    expect(page.locator(f"#t-{first.get_attribute('data-key')}")).to_have_class("intake-mark intake-new intake-current")

    # Accept the $245 billion figure, its subject edited
    card = page.locator(f"#c-{trade}")
    card.locator("summary").click()
    card.locator(f"#id_{trade}-subject").fill("Russia–China bilateral trade")
    card.locator(".intake-do-accept").click()
    expect(page.locator(".messagelist")).to_contain_text("accepted")
    expect(page.locator(f"#c-{trade}")).to_have_count(0)
    claim = Claim.objects.get(subject="Russia–China bilateral trade")
    assert (claim.value, claim.unit) == (Decimal("245000000000"), Unit.USD)
    appearance = claim.appearances.get()
    assert appearance.source_id == source.pk
    assert ARTICLE[appearance.start_offset : appearance.end_offset] == appearance.quote
    assert "approximately $245 billion" in appearance.quote

    # Attach "over 42 times" to the claim the desk holds
    page.locator(f"#c-{times}").get_by_role("button", name=f"Attach to #{meetings.pk}").click()
    expect(page.locator(".messagelist")).to_contain_text(f"attached to claim #{meetings.pk}")
    attached = meetings.appearances.get(source=source)
    assert ARTICLE[attached.start_offset : attached.end_offset] == attached.quote
    assert "met over 42 times" in attached.quote

    # The notes' link lines offer no figure; dismiss a bare year from the keyboard: focus its card, press d
    expect(page.locator(".intake-card", has=page.locator(".intake-span", has_text="69447"))).to_have_count(0)
    bare_year = page.locator(".intake-card", has=page.locator(".intake-span", has_text="2029")).first
    key = bare_year.get_attribute("data-key")
    bare_year.focus()
    page.keyboard.press("d")
    expect(page.locator(".messagelist")).to_contain_text("dismissed")
    expect(page.locator(f"#c-{key}")).to_have_count(0)
    assert IntakeDismissal.objects.filter(source=source).count() == 1

    page.screenshot(path=str(ARTIFACTS / "intake_review_after.png"), full_page=True)
    assert blocked == []
    page.close()
