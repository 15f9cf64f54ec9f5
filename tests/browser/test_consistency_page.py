"""The consistency report at a laptop's 1280 px in headless Chromium, under the site's Content-Security-Policy:
reached from the admin's home page, a row of each kind with its links, nothing blocked. The screenshot goes to
tests/artifacts/consistency_page.png for a person to look at."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from claims.choices import ClaimType, Status, Unit
from tests.factories import ClaimFactory, EvidenceFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "tests" / "artifacts"
POLICY = "Content Security Policy"


def _year(year):
    return dict(period=str(year), period_start=dt.date(year, 1, 1), period_end=dt.date(year, 12, 31))


def a_desk_that_disagrees():
    ClaimFactory(subject="Russia–China trade", value=Decimal("245000000000"), qualifier="exact")
    ClaimFactory(subject="Russia-China trade", value=Decimal("200000000000"), qualifier="exact")
    for part, share in (("China's", 55), ("India's", 38), ("Turkey's", 12)):
        ClaimFactory(subject=f"{part} share of Russian oil exports", value=Decimal(share), unit=Unit.PERCENT)
    ClaimFactory(subject="Meetings of Putin and Xi", value=Decimal(20), unit=Unit.COUNT, **_year(2015))
    ClaimFactory(subject="Meetings of Putin and Xi", value=Decimal(42), unit=Unit.COUNT, **_year(2024))
    ClaimFactory(
        subject="Meetings of Putin and Xi", claim_type=ClaimType.CHANGE, value=Decimal(3), unit=Unit.MULTIPLE,
        period="2015/2024", period_start=dt.date(2015, 1, 1), period_end=dt.date(2024, 12, 31),
    )  # fmt: skip
    verified = ClaimFactory(subject="Chinese troops at Vostok", value=Decimal(3200), unit=Unit.PEOPLE,
                            status=Status.VERIFIED)  # fmt: skip
    EvidenceFactory(claim=verified, source_value=Decimal(1600), excerpt="about 1,600 soldiers")


def test_the_consistency_page_at_1280(browser, live_server):
    UserFactory(username="editor", role="journalist", password="pw-browser-123")
    a_desk_that_disagrees()
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.set_default_timeout(15_000)
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text) if POLICY in message.text else 0)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "pw-browser-123")
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")
    page.click("#desk-consistency-link")
    expect(page.locator("h1")).to_have_text("Figures that disagree")
    for kind in ("values", "shares", "changes", "evidence"):
        expect(page.locator(f"#{kind}-table tbody tr")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280  # nothing off the screen
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "consistency_page.png"), full_page=True)
    assert blocked == []
    page.click("#evidence-table a[href*='/evidence/']")
    expect(page.locator("h1")).to_contain_text("evidence")
    page.close()
