"""factcheck.content_policy: the site's Content-Security-Policy built once per process, the same headers as
django-csp's own middleware on every kind of page; a page's own policy (decorators, nonces) still its own."""

import pytest
from csp.constants import NONCE, SELF
from django.http import HttpResponse
from django.test import RequestFactory

from factcheck.content_policy import SitePolicyCSPMiddleware
from tests.claims.test_public_embed import _paths
from tests.factories import published_fact_check

pytestmark = pytest.mark.django_db

OURS = "factcheck.content_policy.SitePolicyCSPMiddleware"
POLICY_HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only", "X-Frame-Options")


def headers(response) -> dict[str, str | None]:
    return {name: response.headers.get(name) for name in POLICY_HEADERS}


def stock(settings):
    settings.MIDDLEWARE = ["csp.middleware.CSPMiddleware" if path == OURS else path for path in settings.MIDDLEWARE]


def test_every_kind_of_page_gets_the_stock_headers(client, settings, admin_client):
    page, embed = _paths(published_fact_check())
    paths = [
        (client, "/admin/login/"),  # the admin
        (admin_client, "/admin/claims/claim/"),
        (client, "/api/v1/claims/"),  # the API's JSON
        (client, "/api/v1/docs/"),  # csp_update: styles loosened
        (client, page),  # a public page
        (client, embed),  # csp_replace: framed by anyone
        (client, "/no-such-page/"),  # a 404
    ]
    ours = [headers(who.get(path)) for who, path in paths]
    stock(settings)
    theirs = [headers(who.get(path)) for who, path in paths]
    assert ours == theirs
    assert all(found["Content-Security-Policy"] for found in ours)
    assert "frame-ancestors *" in ours[5]["Content-Security-Policy"]
    assert "'unsafe-inline'" in ours[3]["Content-Security-Policy"].split("style-src")[1].split(";")[0]


def test_a_changed_policy_is_built_again(client, settings):
    before = client.get("/admin/login/")["Content-Security-Policy"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    after = client.get("/admin/login/")["Content-Security-Policy"]
    assert before != after
    assert after == "default-src 'none'"


def test_a_report_only_policy_is_sent_as_well(client, settings):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'self'"]}}
    assert client.get("/admin/login/")["Content-Security-Policy-Report-Only"] == "default-src 'self'"


def test_a_page_that_read_its_nonce_gets_it_in_its_policy(settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": [SELF, NONCE]}}
    middleware = SitePolicyCSPMiddleware(lambda request: HttpResponse())
    plain = RequestFactory().get("/")
    middleware.process_request(plain)
    assert "script-src 'self';" in middleware.process_response(plain, HttpResponse())["Content-Security-Policy"] + ";"
    request = RequestFactory().get("/")
    middleware.process_request(request)
    nonce = str(request.csp_nonce)  # a template's {{ request.csp_nonce }}
    response = middleware.process_response(request, HttpResponse())
    assert f"script-src 'self' 'nonce-{nonce}'" in response["Content-Security-Policy"]


def test_a_nonce_asked_for_after_the_header_is_written_is_an_error():
    from csp.exceptions import CSPNonceError

    middleware = SitePolicyCSPMiddleware(lambda request: HttpResponse())
    request = RequestFactory().get("/")
    middleware.process_request(request)
    middleware.process_response(request, HttpResponse())
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)
