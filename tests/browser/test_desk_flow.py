"""The fact-checker's real flow in headless Chromium: log in, open a seed claim, add evidence, verify it."""

import re
from pathlib import Path

import pytest

from claims.importers import import_files
from claims.models import Claim
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"


def test_fact_checker_verifies_a_seed_claim(browser, live_server):
    assert import_files(sorted((ROOT / "fixtures").glob("*.json"))).ok
    UserFactory(username="checker", role="fact-checker", password="pw-browser-123")
    page = browser.new_page(viewport={"width": 1400, "height": 1800})
    page.set_default_timeout(15_000)

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "checker")
    page.fill("#id_password", "pw-browser-123")
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")

    page.goto(f"{live_server.url}/admin/claims/claim/?q=bilateral+trade")
    page.click("#result_list a:has-text('reaching approximately $245 billion')")
    page.wait_for_selector("#status-panel")
    assert "Unverified" in page.inner_text("#status-badge")
    assert page.inner_text("mark.claim-quote") == "reaching approximately $245 billion [2] annually by 2024"

    # Add evidence in the inline: pick the source through the autocomplete widget.
    page.click("#evidence-group .add-row a")
    page.click("#evidence-group .dynamic-evidence:not(.has_original) .select2-selection")
    page.fill(".select2-search__field", "prospect")
    page.click(".select2-results__option:has-text('Prospect Magazine')")
    page.select_option("#evidence-group .dynamic-evidence:not(.has_original) select[name$='-relation']", "supports")
    page.fill(
        "#evidence-group .dynamic-evidence:not(.has_original) textarea[name$='-excerpt']",
        "Trade between China and Russia reached $245bn in 2024.",
    )
    page.fill("#evidence-group .dynamic-evidence:not(.has_original) input[name$='-source_value']", "245000000000")
    page.click("input[name=_continue]")
    page.wait_for_selector("#status-panel")
    assert "was changed successfully" in page.inner_text(".messagelist")

    page.click("#move-in_review")
    page.wait_for_selector("#move-verified")
    page.fill("#id_note", "Matches the figure in the cited Prospect piece.")
    page.click("#move-verified")
    page.wait_for_selector(".messagelist")

    assert page.inner_text("#status-badge") == "Verified"
    history = page.inner_text("#claim-history")
    assert "Status: In review → Verified" in history
    assert history.count("Matches the figure in the cited Prospect piece.") == 1  # the note, said once
    assert re.search(r"checker\s+Evidence created", history)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "claim_page_verified.png"), full_page=True)

    # The verdict stands: changing the figure it rests on is refused on the page, the typed value kept.
    page.fill("#id_value", "999000000000")
    page.click("input[name=_continue]")
    page.wait_for_selector(".errornote")
    assert "Reopen the claim" in page.inner_text("#content")
    assert page.input_value("#id_value") == "999000000000"
    # The title, the figure and the evidence's gap are the stored claim's; beside the input, how the typed text reads.
    assert "$245 bn" in page.title() and "$999 bn" not in page.title()
    assert page.inner_text("div.field-figure div.readonly") == "≈ $245 bn"
    assert any(
        "gap 0 %" in text for text in page.locator("#evidence-group .field-gap").all_inner_texts()
    )  # the supporting evidence's
    assert page.inner_text("#id_value_reading") == "≈ $999 bn"
    page.screenshot(path=str(ARTIFACTS / "claim_page_verdict_locked.png"), full_page=True)
    page.close()

    claim = Claim.objects.get(appearances__quote__contains="$245 billion")
    assert claim.status == "verified" and claim.reviewer.username == "checker"
    assert claim.evidence.filter(relation="supports").count() == 1
    assert claim.value == 245000000000  # the refused change left the claim as it was
