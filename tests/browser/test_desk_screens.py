"""The desk's screens at a laptop's 1280 × 800 in headless Chromium: a source added from the claim page's "+" and
edited on its own page, evidence whose gap is on the screen, a claim list whose columns all fit. Screenshots go to
tests/artifacts/ (git-ignored) for a person to look at."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from claims.importers import import_files
from sources.models import Source
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
WIDTH, HEIGHT = 1280, 800


def right_edge(page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not on the page"
    return box["x"] + box["width"]


def fits_the_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def log_in(browser, live_server, username: str, password: str):
    """A laptop-sized page signed in to the admin as `username`."""
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    page.set_default_timeout(15_000)
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")
    return page


def test_sources_evidence_and_lists_at_1280(browser, live_server):
    assert import_files(sorted((ROOT / "fixtures").glob("*.json"))).ok
    UserFactory(username="checker", role="fact-checker", password="pw-browser-123")
    page = log_in(browser, live_server, "checker", "pw-browser-123")

    # The claim list: every column on the screen, sources by name.
    page.goto(f"{live_server.url}/admin/claims/claim/")
    assert fits_the_width(page)
    assert right_edge(page, "#result_list th.column-updated") <= WIDTH
    assert "Analysis / commentary by RUSI, 2025" in page.inner_text("#result_list")
    assert "[untitled" not in page.inner_text("#result_list")
    page.screenshot(path=str(ARTIFACTS / "claim_list_1280.png"))

    # A new source from the "+" beside the evidence's source picker, in the admin's pop-up.
    page.goto(f"{live_server.url}/admin/claims/claim/?q=bilateral+trade")
    page.click("#result_list a:has-text('China–Russia bilateral trade')")
    page.wait_for_selector("#status-panel")
    page.click("#evidence-group .add-row a")
    card = "#evidence-group .dynamic-evidence:not(.has_original)"
    with page.expect_popup() as popup_info:
        page.click(f"{card} a.add-related")
    popup = popup_info.value
    popup.wait_for_selector("input[name=_save]")
    popup.fill("#id_title", "China-Russia trade hits record $245bn")
    popup.fill("#id_key", "reuters-china-russia-trade-2025")
    popup.fill("#id_url", "https://www.reuters.com/markets/china-russia-trade-2025/")
    popup.fill("#id_authors", "Reuters staff")
    popup.select_option("#id_kind", "news")
    with popup.expect_event("close"):
        popup.click("input[name=_save]")
    selected = page.inner_text(f"{card} .field-source .select2-selection__rendered")
    assert "China-Russia trade hits record $245bn" in selected

    page.select_option(f"{card} select[name$='-relation']", "supports")
    page.fill(f"{card} textarea[name$='-excerpt']", "trade between the two countries reached $244.8 billion in 2024")
    page.fill(f"{card} input[name$='-source_value']", "244.8 bn")  # as people write it
    # how it is read, shown beside the input before saving (in the claim's unit, dollars)
    expect(page.locator(f"{card} [id$='-source_value_reading']")).to_have_text("$244.8 bn")
    page.click("input[name=_continue]")
    page.wait_for_selector("#status-panel")
    assert "was changed successfully" in page.inner_text(".messagelist")

    # The new evidence's card: the gap beside the source's figure, on the screen without scrolling sideways.
    assert fits_the_width(page)
    new_card = "#evidence-group .inline-related:has-text('China-Russia trade hits record')"
    assert "claim ≈ $245 bn · source $244.8 bn · gap +0.1 %" in page.inner_text(new_card)
    for part in ("select[name$='-relation']", ".gap", ".health-badge", "textarea[name$='-excerpt']"):
        assert right_edge(page, f"{new_card} {part}") <= WIDTH, part
    page.locator(new_card).scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "claim_page_evidence_1280x800.png"))
    page.screenshot(path=str(ARTIFACTS / "claim_page_1280_full.png"), full_page=True)

    # Edit a source on its own page: the whole page, its Save button included, and the change kept.
    source = Source.objects.get(key="reuters-china-russia-trade-2025")
    assert source.authors == ["Reuters staff"] and source.kind == "news"
    page.goto(f"{live_server.url}/admin/sources/source/{source.pk}/change/")
    page.wait_for_selector("input[name=_save]")
    assert page.input_value("#id_authors") == "Reuters staff"
    page.fill("#id_title", "China–Russia trade hits a record $245 billion")
    page.screenshot(path=str(ARTIFACTS / "source_page_1280.png"), full_page=True)
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")
    assert "was changed successfully" in page.inner_text(".messagelist")
    assert fits_the_width(page)
    page.close()
    source.refresh_from_db()
    assert source.title == "China–Russia trade hits a record $245 billion"


def test_the_search_terms_refresh_job_page(browser, live_server, django_user_model, settings):
    """The daily refresh of the held words as an admin finds it among the jobs: its summary of words held."""
    from claims.search_term_jobs import start_refresh
    from tests.factories import ClaimFactory

    for n in range(12):
        ClaimFactory(subject=f"Grain exports, pair {n}")
    settings.SEARCH_TERMS_HELD, settings.SEARCH_TERMS_MIN_MATCHES = 3, 5
    job = start_refresh()  # the tests' task backend runs it at once
    django_user_model.objects.create_superuser("boss", "boss@example.org", "pw-boss-123")
    page = log_in(browser, live_server, "boss", "pw-boss-123")
    page.goto(f"{live_server.url}/admin/jobs/job/{job.pk}/change/")
    result = page.inner_text("#job-result")
    assert "Words held: " in result and "grain (12)" in result, result
    assert fits_the_width(page)
    page.screenshot(path=str(ARTIFACTS / "search_terms_job_1280.png"))
