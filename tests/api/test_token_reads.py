"""The WSGI application (factcheck.handlers): a token's GET of the API through the short middleware chain, with the
same answer and headers as through the whole one; everything else through the whole chain."""

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory
from knox.models import AuthToken

from factcheck.handlers import Application, is_token_read, token_read_middleware

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def keep_test_connection():
    """A WSGI handler closes the database connection around each request; the test's transaction needs it open."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def call(app, method: str, path: str, **headers):
    """(status, headers as a dict, body) of one request through a WSGI callable."""
    environ = RequestFactory().generic(method, path, **headers).environ
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(response_headers)

    chunks = app(environ, start_response)
    body = b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    return answer["status"], answer["headers"], body


@pytest.fixture
def token(journalist):
    return f"Token {AuthToken.objects.create(user=journalist)[1]}"


@pytest.mark.parametrize(
    ("method", "path", "authorization", "expected"),
    [
        ("GET", "/api/v1/claims/", "Token abc", True),
        ("HEAD", "/api/v1/claims/1/", "Token abc", True),
        ("POST", "/api/v1/claims/", "Token abc", False),  # a write: the history's user, the whole chain
        ("PATCH", "/api/v1/claims/1/", "Token abc", False),
        ("GET", "/api/v1/claims/", "", False),  # anonymous or signed in by session
        ("GET", "/api/v1/claims/", "Bearer abc", False),
        ("GET", "/admin/", "Token abc", False),
        ("GET", "/fact-checks/", "Token abc", False),
    ],
)
def test_which_requests_are_token_reads(method, path, authorization, expected):
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path}
    if authorization:
        environ["HTTP_AUTHORIZATION"] = authorization
    assert is_token_read(environ) is expected


def test_the_short_chain_keeps_the_security_middleware_in_order():
    chain = token_read_middleware()
    assert chain == [path for path in settings.MIDDLEWARE if path in chain]  # MIDDLEWARE's order
    assert chain[0] == "factcheck.proxies.TrustedProxyMiddleware"
    for kept in (
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "factcheck.content_policy.SitePolicyCSPMiddleware",
    ):
        assert kept in chain
    assert not {
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
    } & set(chain)


def test_a_token_read_answers_as_through_the_whole_chain(token, claims):
    app, whole = Application(), WSGIHandler()
    path = f"/api/v1/claims/{claims['verified'].pk}/"
    short_status, short_headers, short_body = call(app, "GET", path, HTTP_AUTHORIZATION=token)
    whole_status, whole_headers, whole_body = call(whole, "GET", path, HTTP_AUTHORIZATION=token)
    assert short_status == whole_status == "200 OK"
    assert short_body == whole_body
    assert short_headers == whole_headers
    for header in ("X-Frame-Options", "X-Content-Type-Options", "Content-Security-Policy", "Referrer-Policy"):
        assert header in short_headers


@pytest.mark.parametrize("authorization", ["Token not-a-token", "Token ", "Token two words"])
def test_a_malformed_or_unknown_token_is_refused_never_read_as_anonymous(authorization, db):
    status, _, body = call(Application(), "GET", "/api/v1/claims/", HTTP_AUTHORIZATION=authorization)
    assert status.startswith("401")  # the token's authenticator answers; no session to fall back on
    assert b"token" in body.lower()


def test_the_application_sends_token_reads_to_the_short_chain_and_the_rest_to_the_whole(token, claims):
    app, taken = Application(), []

    def recorded(name):
        handler = getattr(app, name)

        def serve(environ, start_response):
            taken.append(name)
            return handler(environ, start_response)

        return serve

    app.whole, app.token_reads = recorded("whole"), recorded("token_reads")
    path = f"/api/v1/claims/{claims['unverified'].pk}/"
    assert call(app, "GET", path, HTTP_AUTHORIZATION=token)[0] == "200 OK"  # a journalist reads every claim
    call(app, "PATCH", path, HTTP_AUTHORIZATION=token)
    call(app, "GET", path)
    assert taken == ["token_reads", "whole", "whole"]


def test_a_token_read_of_an_unknown_path_answers_as_through_the_whole_chain(token):
    short = call(Application(), "GET", "/api/v1/claims", HTTP_AUTHORIZATION=token)
    assert short == call(WSGIHandler(), "GET", "/api/v1/claims", HTTP_AUTHORIZATION=token)
    assert short[0].startswith("404")  # the API's own JSON 404, naming the path


def test_a_browser_request_takes_the_whole_chain(db):
    status, headers, _ = call(Application(), "GET", "/admin/login/")
    assert status == "200 OK"
    assert "csrftoken=" in headers.get("Set-Cookie", "")  # CsrfViewMiddleware's cookie: not on the short chain
