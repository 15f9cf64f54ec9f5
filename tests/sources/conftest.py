"""Fixtures for the source check: a local HTTP server that serves every fault, a fake resolver, tight limits.

No test here can reach the internet: the resolver fixture is autouse and only knows the names a test gives
it (127.0.0.1 by default); anything else fails as an unknown host.
"""

import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Route:
    """What the server answers at one path. `head_status` answers HEAD differently (405: HEAD refused)."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict = field(default_factory=dict)
    delay: float = 0.0  # seconds before the status line
    head_status: int | None = None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self._serve()

    def do_HEAD(self):
        self._serve()

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def _serve(self):
        site: FaultSite = self.server.site
        path = self.path.split("?", 1)[0]
        site.hits[(self.command, path)] += 1
        site.requests.append((self.command, path, self.headers.get("Host"), self.headers.get("User-Agent")))
        route = site.routes.get(path)
        if route is None:
            route = Route(status=404, body=b"<html><body>not here</body></html>")
        if callable(route):
            route(self)
            return
        if route.delay:
            time.sleep(route.delay)
        status = route.head_status if self.command == "HEAD" and route.head_status else route.status
        self.send_response(status)
        self.send_header("Content-Type", route.content_type)
        self.send_header("Content-Length", str(len(route.body)))
        for name, value in route.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(route.body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request, client_address):
        pass  # clients that time out on purpose leave broken pipes behind


class FaultSite:
    """The routes the current test set up, and what the server was asked."""

    def __init__(self, port: int):
        self.port = port
        self.routes: dict[str, Route | Callable] = {}
        self.hits: Counter = Counter()
        self.requests: list[tuple] = []

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def html(self, path: str, body: str, *, title: str = "", head: str = "", **route) -> str:
        markup = f"<!doctype html><html><head><title>{title}</title>{head}</head><body>{body}</body></html>"
        self.routes[path] = Route(body=markup.encode(), **route)
        return self.url(path)

    def redirect(self, path: str, to: str, status: int = 302) -> str:
        self.routes[path] = Route(status=status, headers={"Location": to})
        return self.url(path)

    def reset(self):
        self.routes.clear()
        self.hits.clear()
        self.requests.clear()


@pytest.fixture(scope="session")
def _fault_server():
    server = _Server(("127.0.0.1", 0), _Handler)
    server.site = FaultSite(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def site(_fault_server) -> FaultSite:
    _fault_server.site.reset()
    return _fault_server.site


class FakeResolver:
    """Maps host names to addresses, like getaddrinfo; unknown names fail like an unknown host."""

    def __init__(self):
        self.addresses: dict[str, list[str]] = {"127.0.0.1": ["127.0.0.1"]}
        self.asked: list[str] = []

    def __call__(self, host: str, port: int) -> list[tuple]:
        self.asked.append(host)
        if host not in self.addresses:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (
                socket.AF_INET6 if ":" in address else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (address, port, 0, 0) if ":" in address else (address, port),
            )
            for address in self.addresses[host]
        ]


@pytest.fixture(autouse=True)
def resolver(monkeypatch) -> FakeResolver:
    fake = FakeResolver()
    monkeypatch.setattr("sources.checking.addresses.lookup", fake)
    return fake


@pytest.fixture(autouse=True)
def check_settings(settings):
    """Limits small enough that every fault costs milliseconds; the local server allowed."""
    settings.SOURCE_CHECK_ALLOW_PRIVATE = True
    settings.SOURCE_CHECK_CONNECT_TIMEOUT = 0.5
    settings.SOURCE_CHECK_READ_TIMEOUT = 0.3
    settings.SOURCE_CHECK_TIME_LIMIT = 2.0
    settings.SOURCE_CHECK_MAX_BYTES = 64 * 1024
    settings.SOURCE_CHECK_MAX_REDIRECTS = 5
    settings.SOURCE_CHECK_RETRIES = 2
    settings.SOURCE_CHECK_BACKOFF = 0.01
    settings.SOURCE_CHECK_RETRY_AFTER_MAX = 0.05
    settings.SOURCE_CHECK_CONCURRENCY = 4
    return settings
