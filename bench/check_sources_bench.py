#!/usr/bin/env python
"""Benchmark: check_sources over 1,000 URLs served by a local server, some slow, some failing.

    .venv/bin/python bench/check_sources_bench.py --concurrency 8
    .venv/bin/python bench/check_sources_bench.py --concurrency 32 --count 1000 --hosts 50

Never run by the test suite. Uses a scratch PostgreSQL database (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/factcheck_bench_sources, created if missing), migrated and emptied of sources on
every run; it refuses the database named `factcheck`, the development one. The URLs are spread over --hosts host
names (site-N.bench.test) that the check's resolver is pointed at 127.0.0.1, so that the per-host limit (2 at
once) applies as it would to real sites; the local server is let through with SOURCE_CHECK_ALLOW_PRIVATE, set for
this process only.

The mix of answers, by URL number (per 100): 80 pages of ~10 KB (with OpenGraph metadata), 5 slow pages (0.5 s),
2 too slow (3 s, past the 2 s read timeout), 4 404s, 2 503s with Retry-After: 1, 2 500s, 3 two-hop redirects,
1 redirect loop, 1 connection reset. Prints the wall time and the count per state.
"""

from __future__ import annotations

import argparse
import os
import socket
import struct
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/factcheck_bench_sources"

PAGE = (
    "<!doctype html><html><head><title>Story {n}</title>"
    '<meta property="og:title" content="Story number {n}"><meta property="og:site_name" content="Bench Daily">'
    '<meta property="article:published_time" content="2024-05-08T10:00:00Z"></head><body>'
    + "<p>Trade turnover amounted to $244.8 billion in the year, the ministry said. </p>" * 120
    + "</body></html>"
)


def kind_of(n: int) -> str:
    """The answer URL number n gets, in a fixed mix per 100."""
    slot = n % 100
    for kind, upto in (
        ("reset", 1),
        ("loop", 2),
        ("redirect", 5),
        ("error", 7),
        ("unavailable", 9),
        ("missing", 13),
        ("too-slow", 15),
        ("slow", 20),
    ):
        if slot < upto:
            return kind
    return "ok"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def do_HEAD(self):
        self.serve()

    def do_GET(self):
        self.serve()

    def answer(self, status: int, body: bytes = b"", headers: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(body)

    def serve(self):
        path = self.path.strip("/").split("/")  # ["story", n] or ["story", n, "hop", k]
        n = int(path[1])
        kind = kind_of(n)
        if kind == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
        elif kind == "loop":
            self.answer(302, headers={"Location": f"/story/{n}/hop/{1 - int(path[3]) if len(path) > 3 else 1}"})
        elif kind == "redirect" and len(path) < 4:
            self.answer(301, headers={"Location": f"/story/{n}/hop/1"})
        elif kind == "redirect" and path[3] == "1":
            self.answer(302, headers={"Location": f"/story/{n}/hop/2"})
        elif kind == "error":
            self.answer(500, b"<p>error</p>")
        elif kind == "unavailable":
            self.answer(503, b"<p>later</p>", {"Retry-After": "1"})
        elif kind == "missing":
            self.answer(404, b"<p>not found</p>")
        else:
            time.sleep({"slow": 0.5, "too-slow": 3.0}.get(kind, 0.0))
            self.answer(200, PAGE.format(n=n).encode())


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def handle_error(self, request, client_address):
        pass  # the check hangs up on the too-slow pages


def _create_database(url: str, name: str) -> None:
    import psycopg2

    connection = psycopg2.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def setup_django(concurrency: int):
    database = os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE)
    name = urlsplit(database).path.lstrip("/")
    if name == "factcheck":
        sys.exit("refusing to run on the development database 'factcheck'; set DATABASE_URL to a scratch one")
    _create_database(database, name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings.test")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    settings.SOURCE_CHECK_ALLOW_PRIVATE = True  # the local server, for this process only
    settings.SOURCE_CHECK_READ_TIMEOUT = 2.0
    settings.SOURCE_CHECK_CONNECT_TIMEOUT = 2.0
    settings.SOURCE_CHECK_TIME_LIMIT = 15.0
    settings.SOURCE_CHECK_BACKOFF = 0.2
    settings.SOURCE_CHECK_RETRY_AFTER_MAX = 1.0
    settings.SOURCE_CHECK_CONCURRENCY = concurrency


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=50, help="host names the URLs are spread over")
    args = parser.parse_args()
    setup_django(args.concurrency)

    from django.core.management import call_command

    from sources.checking import addresses
    from sources.choices import SourceHealth
    from sources.models import Source
    from sources.services import check_sources
    from sources.urlnorm import normalize_url

    call_command("migrate", verbosity=0)
    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    port = server.server_address[1]
    real_lookup = addresses.lookup
    addresses.lookup = lambda host, port_: real_lookup("127.0.0.1" if host.endswith(".bench.test") else host, port_)

    Source.objects.all().delete()
    urls = [f"http://site-{n % args.hosts}.bench.test:{port}/story/{n}" for n in range(args.count)]
    Source.objects.bulk_create(
        Source(key=f"bench-{n}", url=url, normalized_url=normalize_url(url)) for n, url in enumerate(urls)
    )
    expected = Counter(kind_of(n) for n in range(args.count))

    started = time.monotonic()
    summary = check_sources(sources=Source.objects.only("id", "url"), concurrency=args.concurrency)
    elapsed = time.monotonic() - started
    server.shutdown()

    print(f"check_sources: {summary.checked} sources, {args.hosts} hosts, concurrency {args.concurrency}")
    print(f"wall time {elapsed:.1f} s ({summary.checked / elapsed:.1f} sources/s)")
    for state in SourceHealth:
        if summary.counts[state]:
            print(f"  {state.label:<12} {summary.counts[state]:>5}")
    print("served mix: " + ", ".join(f"{kind} {count}" for kind, count in sorted(expected.items())))


if __name__ == "__main__":
    main()
