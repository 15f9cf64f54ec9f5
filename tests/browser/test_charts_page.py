"""The desk in charts at a laptop's 1280 px in headless Chromium, under the site's Content-Security-Policy: reached
from the admin's home page, every chart drawn with its table beside it, nothing blocked, nothing off the screen.
The screenshot goes to tests/artifacts/charts_page.png for a person to look at; axe-core finds no serious or critical
violation on it."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from claims.audit import record_history
from claims.choices import Status
from claims.models import Claim
from sources.choices import SourceHealth
from tests.browser.accessibility import AxeCheck
from tests.factories import AppearanceFactory, ClaimFactory, PublisherFactory, SourceFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "tests" / "artifacts"
WIDTH, HEIGHT = 1280, 800
POLICY = "Content Security Policy"
# (the statuses a claim goes through after it appears, the rating of its verdict), one after another by claim
PATHS = [
    ((Status.IN_REVIEW, Status.VERIFIED), 5),
    ((Status.IN_REVIEW, Status.FALSE), 1),
    ((Status.IN_REVIEW, Status.MISLEADING), 2),
    ((Status.IN_REVIEW,), None),
    ((), None),
    ((Status.IN_REVIEW, Status.UNVERIFIABLE), None),
    ((Status.IN_REVIEW, Status.VERIFIED), 4),
]


def a_year_of_the_desk(checkers):
    """About 80 claims over the last twelve months: each appears, moves through review to a verdict (or not yet),
    in sources of a few publishers, assigned among the fact-checkers; sources in every state of health."""
    now = timezone.now()
    publishers = [PublisherFactory(name=name) for name in ("RUSI", "TASS", "Reuters", "CSIS", "Anadolu Agency")]
    for health, count in ((SourceHealth.OK, 30), (SourceHealth.BROKEN, 4), (SourceHealth.REDIRECTED, 6),
                          (SourceHealth.CHANGED, 3), (SourceHealth.UNREACHABLE, 2)):  # fmt: skip
        SourceFactory.create_batch(count, health=health, publisher=publishers[count % len(publishers)])
    for number in range(80):
        moves, rating = PATHS[number % len(PATHS)]
        appeared = now - dt.timedelta(days=360 - number * 4.4)
        claim = ClaimFactory(assignee=checkers[number % len(checkers)] if number % 5 else None)
        source = SourceFactory(publisher=publishers[(number * 7) % len(publishers)] if number % 9 else None)
        AppearanceFactory(claim=claim, source=source, stated_on=appeared.date())
        Claim.history.filter(id=claim.pk).delete()
        record_history(Claim, [claim.pk], history_type="+", user_id=None, reason="", date=appeared)
        when = appeared
        for status in moves:
            when = min(when + dt.timedelta(days=6 + number % 23), now - dt.timedelta(hours=1))
            fields = {"status": status, "published_at": None}
            if status not in (Status.IN_REVIEW, Status.UNVERIFIED):
                fields |= {"reviewed_at": when, "published_at": when, "rating_value": rating}
            Claim.objects.filter(pk=claim.pk).update(**fields)
            record_history(Claim, [claim.pk], history_type="~", user_id=None, reason="", date=when)


def test_the_charts_page_at_1280(browser, live_server):
    axe = AxeCheck()
    checkers = [
        UserFactory(username="ada", first_name="Ada", last_name="Byron", role="fact-checker"),
        UserFactory(username="grace", first_name="Grace", last_name="Hopper", role="fact-checker"),
        UserFactory(username="alan", role="fact-checker"),
    ]
    UserFactory(username="editor", role="journalist", password="pw-browser-123")
    a_year_of_the_desk(checkers)

    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    page.set_default_timeout(15_000)
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text) if POLICY in message.text else 0)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "pw-browser-123")
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")

    page.click("#desk-charts-link")  # from the admin's home page
    expect(page.locator("h1")).to_have_text("The desk in charts")
    for chart_id in ("chart-status", "chart-ratings", "chart-delay", "chart-open", "chart-health", "chart-publishers"):
        expect(page.locator(f"svg#{chart_id}")).to_be_visible()
    expect(page.locator("#status-over-time-table tbody tr")).to_have_count(12)
    expect(page.locator("#open-claims-table")).to_contain_text("Ada Byron")
    expect(page.locator("#source-health-table")).to_contain_text("Broken")
    expect(page.locator("#median-overall")).to_contain_text("days")

    # the table beside its chart, not under it, and nothing off the screen
    chart = page.locator("#verdicts-by-rating figure").bounding_box()
    numbers = page.locator("#verdicts-by-rating-table").bounding_box()
    assert chart and numbers and numbers["x"] > chart["x"] + chart["width"] - 1 and numbers["y"] < chart["y"] + 50
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    assert not blocked, blocked

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "charts_page.png"), full_page=True)
    page.locator("#status-over-time").screenshot(path=str(ARTIFACTS / "charts_page_status.png"))
    page.locator("#claims-per-publisher").screenshot(path=str(ARTIFACTS / "charts_page_publishers.png"))
    axe.check(page, "the charts page")

    page.select_option("#id_months", "3")
    page.click("#chart-period button")
    expect(page.locator("#status-over-time-table tbody tr").first).to_contain_text("week of")
    page.screenshot(path=str(ARTIFACTS / "charts_page_weeks.png"), full_page=True)
    page.close()
    axe.done()
