"""Every page carries the Content-Security-Policy, scripts only from the site (never inline), and the pages' HTML has
nothing inline that the policy would block. tests/browser/test_content_security_policy.py loads them in Chromium."""

import re
from html.parser import HTMLParser

import pytest

from claims.choices import EvidenceRelation
from tests.factories import AppearanceFactory, ClaimFactory, EvidenceFactory

pytestmark = pytest.mark.django_db


def policy_of(response) -> dict[str, list[str]]:
    directives = [part.strip().split() for part in response["Content-Security-Policy"].split(";") if part.strip()]
    return {name: sources for name, *sources in directives}


class InlineCode(HTMLParser):
    """Collects what a strict policy blocks in a page: inline scripts (not data blocks) and <style> elements."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes and attributes.get("type") != "application/json":
            self.found.append(f"<script {attributes}>")
        if tag == "style":
            self.found.append("<style>")
        self.found += [f"{tag} {name}=" for name in attributes if name.startswith("on")]  # onclick= and the like


def inline_code(response) -> list[str]:
    parser = InlineCode()
    parser.feed(response.content.decode())
    return parser.found


def test_the_policy_allows_scripts_from_the_site_only(client, db):
    policy = policy_of(client.get("/admin/login/"))
    assert policy["script-src"] == ["'self'"] and policy["default-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["base-uri"] == ["'none'"]


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/claims/claim/",
        "/admin/claims/claim/{claim}/change/",
        "/admin/claims/claim/add/",
        "/admin/claims/claim/import/",
        "/admin/sources/source/",
        "/admin/auth/user/",
        "/admin/auth/user/{user}/change/",
        "/admin/knox/authtoken/add/",
        "/api/v1/",
        "/api/v1/claims/",
        "/api/v1/claims/{claim}/",
    ],
)
def test_admin_and_browsable_api_pages_have_nothing_inline_to_block(admin_client, admin_user, path):
    claim = ClaimFactory()
    AppearanceFactory(claim=claim)
    EvidenceFactory(claim=claim, relation=EvidenceRelation.SUPPORTS)
    response = admin_client.get(path.format(claim=claim.pk, user=admin_user.pk), HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert "'unsafe-inline'" not in policy_of(response)["script-src"]
    assert inline_code(response) == []


def test_the_login_and_lockout_pages_have_nothing_inline(client, db):
    from tests.factories import UserFactory

    UserFactory(username="ana")
    assert inline_code(client.get("/admin/login/")) == []
    for _ in range(5):
        locked = client.post("/admin/login/", {"username": "ana", "password": "wrong"})
    assert locked.status_code == 429 and "Content-Security-Policy" in locked
    assert inline_code(locked) == []


def test_the_documentation_pages_loosen_styles_only(client, db):
    for path in ("/api/v1/docs/", "/api/v1/redoc/"):
        response = client.get(path)
        policy = policy_of(response)
        assert policy["script-src"] == ["'self'"], path
        assert "'unsafe-inline'" in policy["style-src"], path
        scripts = [found for found in inline_code(response) if found.startswith("<script")]
        assert scripts == [], path
        assert not re.search(r"fonts\.googleapis|https?://(?!testserver)", response.content.decode()), path
    start_up = client.get("/api/v1/docs/?script=")
    assert start_up.status_code == 200 and start_up["Content-Type"].startswith("application/javascript")


def test_the_json_api_carries_the_policy_too(client, db):
    response = client.get("/api/v1/claims/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and policy_of(response)["default-src"] == ["'self'"]
