"""Typing a figure on the claim page shows how it is read before saving (claims/static/claims/figure_reading.js)."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.factories import ClaimFactory, EvidenceFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_typed_figure_is_read_back_while_typing(browser, live_server):
    claim = ClaimFactory(value=Decimal("244800000000"), unit="USD", qualifier="exact")
    EvidenceFactory(claim=claim, source_value=None)
    UserFactory(username="checker", role="fact-checker", password="pw-browser-123")
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "checker")
    page.fill("#id_password", "pw-browser-123")
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")

    page.goto(f"{live_server.url}/admin/claims/claim/{claim.pk}/change/")
    assert page.input_value("#id_value") == "244.8 bn"
    assert page.inner_text("#id_value_reading") == "$244.8 bn"

    page.fill("#id_value", "about 244.8 million")
    expect(page.locator("#id_value_reading")).to_have_text("≈ $244.8 m")
    page.select_option("#id_unit", "EUR")
    expect(page.locator("#id_value_reading")).to_have_text("≈ €244.8 m")
    page.fill("#id_value", "$3.5 billion")
    expect(page.locator("#id_value_reading")).to_contain_text("the unit is Euros")
    assert "figure-error" in page.get_attribute("#id_value_reading", "class")

    page.fill("input[name='evidence-0-source_value']", "€3.4 bn")
    expect(page.locator("#id_evidence-0-source_value_reading")).to_have_text("€3.4 bn")
    page.close()
