"""The pages people use work under the site's Content-Security-Policy: Chromium reports no blocked script, style,
image or font on the admin's pages, the API's browsable pages or its documentation, and their scripts ran.

The PNG of the claim page under the policy is saved in tests/artifacts/ to look at."""

from pathlib import Path

import pytest

from claims.choices import EvidenceRelation
from tests.factories import AppearanceFactory, ClaimFactory, EvidenceFactory, SourceFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "tests" / "artifacts"

# path, and an element that only the page's own scripts put there (so that they ran)
PAGES = [
    ("/admin/", "#user-tools"),
    ("/admin/claims/claim/", "#changelist-filter"),
    ("/admin/claims/claim/{claim}/change/", "#evidence-group .add-row a"),  # inlines.js adds the link
    ("/admin/claims/claim/add/", "#appearances-group .add-row a"),
    ("/admin/claims/claim/import/", "form"),
    ("/admin/sources/source/", "#result_list"),
    ("/admin/sources/source/{source}/change/", "#content-main"),
    ("/admin/auth/user/{user}/change/", ".selector-available"),  # SelectFilter2.js builds the two-list widget
    ("/admin/knox/authtoken/add/", "#id_user"),
    ("/api/v1/", ".response-info"),
    ("/api/v1/claims/", ".response-info"),
    ("/api/v1/docs/", ".swagger-ui .info"),  # Swagger UI rendered the schema
    ("/api/v1/redoc/", "redoc > div"),  # Redoc's script drew the page
]
POLICY = "Content Security Policy"  # Chromium's words when it blocks something


def test_pages_load_everything_under_the_policy(browser, live_server, django_user_model):
    claim = ClaimFactory()
    source = SourceFactory()
    AppearanceFactory(claim=claim, source=source, quote="reached approximately $245 billion")
    source.text = "Trade reached approximately $245 billion in 2024."
    source.save()
    EvidenceFactory(claim=claim, relation=EvidenceRelation.SUPPORTS)
    UserFactory(username="checker", role="fact-checker")
    django_user_model.objects.create_superuser("boss", "boss@example.org", "pw-boss-123")
    ids = {"claim": claim.pk, "source": source.pk, "user": django_user_model.objects.get(username="checker").pk}

    page = browser.new_page()
    page.set_default_timeout(20_000)
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(f"{page.url}: {message.text}") if POLICY in message.text else 0)

    response = page.goto(f"{live_server.url}/admin/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.fill("#id_username", "boss")
    page.fill("#id_password", "pw-boss-123")
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")

    for path, ready in PAGES:
        response = page.goto(live_server.url + path.format(**ids))
        assert response.status == 200, path
        assert "content-security-policy" in response.headers, path
        page.wait_for_selector(ready, state="attached")
        page.wait_for_load_state("networkidle")
        if path.startswith("/admin/claims/claim/{claim}"):
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "claim_page_under_csp.png"), full_page=True)
    page.close()
    # Redoc's bundle shows its vendor's logo from a CDN; the policy keeps that request from leaving (no CDN), which is
    # what it is for: that one refusal is expected, any other is a page that doesn't work.
    assert [line for line in blocked if "cdn.redoc.ly" not in line] == []
