#!/usr/bin/env python
"""Benchmark: the journalists' API (gunicorn) against Datasette serving the same rows from SQLite, in one run.

    .venv/bin/python bench/api_bench.py --claims 100000
    .venv/bin/python bench/api_bench.py --claims 1000000 --duration 10

Never run by the test suite. What it does (see bench/README.md, section "API"):
1. Generates N synthetic claims with bench/import_bench.py's generator (cached in bench/out/) and loads them into
   the PostgreSQL database factcheck_apibench_<N> with `manage.py import_claims` (skipped when that database
   already holds them; --reload forces it). It DROPS that database when (re)loading.
2. Copies the same rows into bench/out/datasette-<N>.db (SQLite, same columns and indexes, an FTS5 index on the
   claim's subject) for Datasette (installed in its own venv under bench/out/, not a project dependency).
3. Serves the API with gunicorn (production settings, 2 × CPUs + 1 workers, Redis as the shared cache when
   redis-server is installed) twice: as configured (answers cached by database snapshot, factcheck.api.
   response_cache) and with API_RESPONSE_CACHE_SECONDS=0 ("API, no cache": every request computed); and Datasette
   (immutable mode, facet suggestions off, page size 50 like ours); all on loopback.
4. For each query (first list page, status filter, value range, full-text search for a word in ~1 % of claims,
   detail) runs wrk: one connection, then 16, for --duration seconds each; prints req/s and p50/p99 latency of
   both servers, the throughput ratio, and the SQL time of the same requests (ours: the queries Django runs in
   the steady state, re-executed directly on PostgreSQL, median of 5; Datasette's own query_ms).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import secrets
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PAGE_SIZE = 50
API_PORT, DATASETTE_PORT, REDIS_PORT, UNCACHED_PORT = 8123, 8124, 6390, 8125
CANDIDATE_WORDS = ["wheat", "warheads", "refugees", "turnout", "tanks", "aircraft", "journalists", "students",
                   "companies", "strikes", "poverty", "inflation", "harvest", "reserves", "debt"]  # fmt: skip


def sh(argv, **kwargs):
    return subprocess.run(argv, check=True, **kwargs)


# --- data -------------------------------------------------------------------------------------------------------
def dataset(n: int, seed: int) -> Path:
    sys.path.insert(0, str(ROOT / "bench"))
    import import_bench  # the generator of the import benchmark: same synthetic claims

    import_bench.load_project(ROOT)
    return import_bench.generate(OUT, n, seed, "json", fixture=False, subset=None).import_file


def pg(url: str, dbname: str | None = None):
    import dj_database_url
    import psycopg2

    p = dj_database_url.parse(url)
    conn = psycopg2.connect(dbname=dbname or p["NAME"], user=p["USER"] or None, password=p["PASSWORD"] or None,
                            host=p["HOST"] or None, port=p["PORT"] or None)  # fmt: skip
    conn.autocommit = True
    return conn


def loaded_claims(url: str) -> int:
    try:
        with pg(url).cursor() as cur:
            cur.execute("SELECT count(*) FROM claims_claim")
            return cur.fetchone()[0]
    except Exception:  # noqa: BLE001 - no database or no table: not loaded
        return -1


def load(url: str, n: int, seed: int, env: dict) -> None:
    name = url.rsplit("/", 1)[1]
    if "bench" not in name:
        sys.exit(f"refusing to drop {name!r}: not a bench database")
    import_file = dataset(n, seed)
    conn = pg(url, "postgres")
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    started = time.perf_counter()
    sh([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env)
    with open(OUT / "logs" / f"api-load-{n}.log", "w") as log:
        sh([sys.executable, "manage.py", "import_claims", str(import_file)], cwd=ROOT, env=env, stdout=log,
           stderr=subprocess.STDOUT)  # fmt: skip
    print(f"  loaded {n:,} claims in {time.perf_counter() - started:,.0f} s")


def prepare(url: str, env: dict) -> str:
    """Migrate (the tree being measured), ANALYZE, the frequent words' held rankings as the workers' daily refresh
    leaves them (manage.py refresh_search_terms), and a journalist with a token (manage.py api_token)."""
    sh([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env)
    with pg(url).cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    started = time.perf_counter()
    out = sh([sys.executable, "manage.py", "refresh_search_terms"], cwd=ROOT, env=env, capture_output=True, text=True)
    words = out.stdout.strip().splitlines()[0] if out.stdout.strip() else ""
    print(f"  refresh_search_terms: {time.perf_counter() - started:,.1f} s; {words[:160]}", flush=True)
    code = ("from django.contrib.auth.models import Group, User; "
            "u, _ = User.objects.get_or_create(username='bench-journalist'); "
            "u.groups.add(Group.objects.get(name='journalist'))")  # fmt: skip
    sh([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    out = sh([sys.executable, "manage.py", "api_token", "bench-journalist", "--rotate"], cwd=ROOT, env=env,
             capture_output=True, text=True)  # fmt: skip
    return out.stdout.strip()


SQLITE_TABLES = {
    "sources_publisher": ("id", "name", "website"),
    "sources_source": ("id", "key", "title", "publisher_id", "published_on", "kind", "url"),
    "claims_claim": ("id", "key", "subject", "claim_type", "value", "unit", "qualifier", "lower_bound",
                     "upper_bound", "period", "period_start", "period_end", "status", "textual_rating",
                     "rating_value", "verdict_note", "reviewed_at", "version", "created_at", "updated_at"),
    "claims_appearance": ("id", "claim_id", "source_id", "quote", "claimant", "stated_on"),
    "claims_evidence": ("id", "claim_id", "source_id", "relation", "excerpt", "locator", "source_value"),
}  # fmt: skip
SQLITE_SCHEMA = """
CREATE TABLE sources_publisher (id INTEGER PRIMARY KEY, name TEXT, website TEXT);
CREATE TABLE sources_source (id INTEGER PRIMARY KEY, key TEXT, title TEXT,
    publisher_id INTEGER REFERENCES sources_publisher(id), published_on TEXT, kind TEXT, url TEXT);
CREATE TABLE claims_claim (id INTEGER PRIMARY KEY, key TEXT, subject TEXT, claim_type TEXT, value REAL, unit TEXT,
    qualifier TEXT, lower_bound REAL, upper_bound REAL, period TEXT, period_start TEXT, period_end TEXT, status TEXT,
    textual_rating TEXT, rating_value INTEGER, verdict_note TEXT, reviewed_at TEXT, version INTEGER,
    created_at TEXT, updated_at TEXT);
CREATE TABLE claims_appearance (id INTEGER PRIMARY KEY, claim_id INTEGER REFERENCES claims_claim(id),
    source_id INTEGER REFERENCES sources_source(id), quote TEXT, claimant TEXT, stated_on TEXT);
CREATE TABLE claims_evidence (id INTEGER PRIMARY KEY, claim_id INTEGER REFERENCES claims_claim(id),
    source_id INTEGER REFERENCES sources_source(id), relation TEXT, excerpt TEXT, locator TEXT, source_value REAL);
CREATE INDEX claim_status_updated ON claims_claim (status, updated_at);
CREATE INDEX claim_unit_value ON claims_claim (unit, value);
CREATE INDEX claim_updated ON claims_claim (updated_at);
CREATE INDEX appearance_claim ON claims_appearance (claim_id);
CREATE INDEX evidence_claim ON claims_evidence (claim_id);
"""


def build_sqlite(url: str, n: int) -> Path:
    """The same rows in SQLite for Datasette (numbers as REAL, dates as ISO text), with FTS5 on the subject."""
    path = OUT / f"datasette-{n}.db"
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    lite = sqlite3.connect(partial)
    lite.executescript(SQLITE_SCHEMA)
    conn = pg(url)
    conn.autocommit = False
    for table, columns in SQLITE_TABLES.items():
        with conn.cursor(name=f"copy_{table}") as cur:
            cur.itersize = 20000
            cur.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id")
            marks = ", ".join("?" * len(columns))
            while rows := cur.fetchmany(20000):
                lite.executemany(f"INSERT INTO {table} VALUES ({marks})", [tuple(_lite(v) for v in r) for r in rows])
    conn.rollback()
    lite.commit()
    lite.close()
    venv = datasette_venv()
    sh([str(venv / "bin" / "sqlite-utils"), "enable-fts", str(partial), "claims_claim", "subject", "--fts5",
        "--create-triggers"])  # fmt: skip
    sh([str(venv / "bin" / "sqlite-utils"), "analyze", str(partial)])
    partial.replace(path)
    return path


def _lite(value):
    from decimal import Decimal

    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def datasette_venv() -> Path:
    venv = OUT / "datasette-venv"
    if not (venv / "bin" / "datasette").exists():
        sh([sys.executable, "-m", "venv", str(venv)])
        sh([str(venv / "bin" / "pip"), "install", "-q", "datasette==0.65.5", "sqlite-utils"])
    return venv


# --- servers ----------------------------------------------------------------------------------------------------
class Servers:
    def __init__(self):
        self.processes: list[subprocess.Popen] = []

    def start(self, argv, env=None, log: str = "server.log"):
        out = open(OUT / "logs" / log, "w")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)  # fmt: skip
        self.processes.append(process)
        return process

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def wait_for(url: str, headers: dict | None = None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"{url} did not come up in {timeout:.0f} s (see bench/out/logs/)")


def fetch_json(url: str, headers: dict | None = None):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=60) as r:
        return json.loads(r.read())


# --- measuring --------------------------------------------------------------------------------------------------
def wrk(url: str, connections: int, seconds: int, headers: dict) -> dict:
    argv = ["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{seconds}s", "--latency",
            "--timeout", "10s"]  # fmt: skip
    for name, value in headers.items():
        argv += ["-H", f"{name}: {value}"]
    out = subprocess.run([*argv, url], check=True, capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rate,
        "p50": _ms(out, "50%"),
        "p99": _ms(out, "99%"),
        "non2xx": int(errors.group(1)) if errors else 0,
    }


def _ms(out: str, label: str) -> float:
    value, unit = re.search(rf"^\s+{re.escape(label)}\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def our_sql_ms(path: str, token: str, url: str) -> tuple[float, int]:
    """The SQL our request runs in the steady state wrk measures (token, role and count cached by a first request),
    captured in-process and re-executed on PostgreSQL: (sum of the medians of 5 runs, number of queries)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token}")
    client.get(path)
    connection.close()  # a new connection prepares its statements again (factcheck.prepared): the replay needs them
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, (path, response.status_code)
    return sum(ms for ms, _ in replay_selects(url, captured.captured_queries)), len(captured.captured_queries)


def replay_selects(url: str, queries: list[dict], runs: int = 5) -> list[tuple[float, str]]:
    """(median ms of `runs`, SQL) of each SELECT among `queries` (a CaptureQueriesContext's), re-executed on
    PostgreSQL as the app's connections run them, with the settings their connections start with (DATABASES'
    `options`: no parallel workers, no JIT, one plan for a prepared statement). A prepared statement's EXECUTE
    counts as a SELECT; its PREPARE runs once, untimed, as on a kept connection."""
    from django.conf import settings

    replayed = []
    with pg(url).cursor() as cur:
        options = settings.DATABASES["default"].get("OPTIONS", {}).get("options", "")
        for name, value in re.findall(r"-c\s*([\w.]+)=(\S+)", options):
            cur.execute(f"SET {name} = %s", [value])
        for query in queries:
            sql = query["sql"]
            verb = sql.lstrip()[:8].upper()
            if verb.startswith("PREPARE"):
                cur.execute(sql)
                continue
            if not verb.startswith(("SELECT", "EXECUTE")):
                continue
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                cur.execute(sql)
                cur.fetchall()
                times.append(time.perf_counter() - started)
            replayed.append((statistics.median(times) * 1000, sql))
    return replayed


UNTHROTTLED = {"API_THROTTLE_USER": "1000000000/hour", "API_THROTTLE_ANON": "1000000000/hour"}


def production_env(env: dict, **extra: str) -> dict:
    """The servers' environment: production settings on loopback with a throwaway secret and persistent
    connections, the database table as the cache until shared_cache finds Redis; `extra` on top."""
    return env | {
        "DJANGO_SETTINGS_MODULE": "factcheck.settings.production", "SECRET_KEY": secrets.token_urlsafe(64),
        "SECURE_SSL_REDIRECT": "0", "ALLOWED_HOSTS": "127.0.0.1", "DB_CONN_MAX_AGE": "600", "LOG_LEVEL": "WARNING",
        "CACHE_URL": "", **extra,
    }  # fmt: skip


def shared_cache(servers: Servers, server_env: dict, port: int, log: str) -> str:
    """Redis on `port` as the servers' shared cache when redis-server is installed (sets server_env's CACHE_URL);
    the name of the cache the servers use."""
    if not shutil.which("redis-server"):
        return "database table"
    servers.start(["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"], log=log)
    server_env["CACHE_URL"] = f"redis://127.0.0.1:{port}/0"
    return "Redis"


def search_word(url: str, n: int) -> tuple[str, int]:
    """The candidate word whose subject search matches closest to 1 % of the claims."""
    best = None
    with pg(url).cursor() as cur:
        for word in CANDIDATE_WORDS:
            cur.execute("SELECT count(*) FROM claims_claim WHERE to_tsvector('english'::regconfig, "
                        "COALESCE(subject, '')) @@ websearch_to_tsquery('english'::regconfig, %s)", [word])  # fmt: skip
            count = cur.fetchone()[0]
            if best is None or abs(count - n / 100) < abs(best[1] - n / 100):
                best = (word, count)
    return best


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run (default 8)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--workers",
        type=int,
        default=2 * (os.cpu_count() or 2) + 1,
        help="gunicorn workers (default 2 × CPUs + 1, gunicorn's advice)",
    )
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432",
                        help="PostgreSQL server; the database is factcheck_apibench_<N>")  # fmt: skip
    parser.add_argument("--reload", action="store_true", help="drop and load the database even if it holds N claims")
    args = parser.parse_args(argv)
    n = args.claims
    (OUT / "logs").mkdir(parents=True, exist_ok=True)
    url = f"{args.server}/factcheck_apibench_{n}"
    # This process sets Django up too (the generator's helpers, and capturing our SQL): against the same database,
    # with a local cache so that the throttle's bookkeeping isn't counted as the request's SQL.
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="factcheck.settings.local", CACHE_URL="locmem://",
                      API_RESPONSE_CACHE_SECONDS="0")  # fmt: skip
    env = dict(os.environ)
    print(f"{dt.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}; "
          f"{n:,} claims in {url.rsplit('@', 1)[-1]}")  # fmt: skip
    if args.reload or loaded_claims(url) != n:
        print("Loading (generate + migrate + import_claims):", flush=True)
        load(url, n, args.seed, env)
    token = prepare(url, env)
    print("SQLite copy for Datasette:", flush=True)
    lite = build_sqlite(url, n)
    word, word_count = search_word(url, n)
    detail_id = n // 2

    servers = Servers()
    try:
        api_env = production_env(env, **UNTHROTTLED)
        cache = shared_cache(servers, api_env, REDIS_PORT, "redis.log")
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        for port, answer_cache in ((API_PORT, "300"), (UNCACHED_PORT, "0")):
            servers.start([gunicorn, "factcheck.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(args.workers),
                           "--access-logfile", "-", "--log-level", "warning", "--access-logformat", ""],
                          env=api_env | {"API_RESPONSE_CACHE_SECONDS": answer_cache},
                          log=f"gunicorn-{port}.log")  # fmt: skip
        venv = datasette_venv()
        servers.start([str(venv / "bin" / "datasette"), "serve", "-i", str(lite), "-p", str(DATASETTE_PORT),
                       "--setting", "suggest_facets", "off", "--setting", "default_page_size", str(PAGE_SIZE),
                       "--setting", "sql_time_limit_ms", "20000"], log="datasette.log")  # fmt: skip
        auth = {"Authorization": f"Token {token}"}
        api, ds = f"http://127.0.0.1:{API_PORT}/api/v1/claims/", f"http://127.0.0.1:{DATASETTE_PORT}/{lite.stem}/"
        uncached = f"http://127.0.0.1:{UNCACHED_PORT}/api/v1/claims/"
        wait_for(api, auth)
        wait_for(uncached, auth)
        wait_for(f"{ds}claims_claim.json")
        table = f"{ds}claims_claim.json?_shape=objects&_size={PAGE_SIZE}&_sort_desc=updated_at"
        queries = [
            ("first list page", "", table),
            ("status filter", "?status=verified", f"{table}&status=verified"),
            ("value range", "?unit=USD&value_min=100000000000&value_max=500000000000",
             f"{table}&unit=USD&value__gte=100000000000&value__lte=500000000000"),
            (f"search '{word}'", f"?q={word}",
             f"{ds}claims_claim.json?_shape=objects&_size={PAGE_SIZE}&_search={word}"),
            ("detail", f"{detail_id}/", f"{ds}claims_claim/{detail_id}.json?_shape=objects"),
        ]  # fmt: skip
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        print(f"\nAPI: gunicorn, {args.workers} workers (gunicorn.conf.py), production settings, "
              f"throttling on ({cache}); "
              f"Datasette {_version(venv)} -i, facet suggestions off, page size {PAGE_SIZE}, FTS5 on subject.\n"
              f"Search word {word!r}: {word_count:,} claims by subject ({word_count / n:.1%}). wrk: 1 connection, "
              f"then {args.connections}, {args.duration} s each.\n")  # fmt: skip
        header = ("query", "server", "1 conn req/s", "p50 ms", "p99 ms", f"{args.connections} conn req/s", "p50 ms",
                  "p99 ms", "SQL ms", "rows")  # fmt: skip
        lines = [header]
        ratios = []
        for label, ours, theirs in queries:
            rows_ours = fetch_json(api + ours, auth)
            rows_theirs = fetch_json(theirs)
            sql, count = our_sql_ms(f"/api/v1/claims/{ours}", token, url)
            results = []
            for target, headers in ((api + ours, auth), (uncached + ours, auth), (theirs, {})):
                results.append((wrk(target, 1, args.duration, headers),
                                wrk(target, args.connections, args.duration, headers)))  # fmt: skip
            (one, many), (one_nc, many_nc), (one_ds, many_ds) = results
            n_ours = len(rows_ours.get("results", [rows_ours]))
            n_theirs = len(rows_theirs.get("rows", [rows_theirs])) if isinstance(rows_theirs, dict) else 1
            for server, (a, b), sql_cell in (
                ("API", (one, many), "—"),
                ("API, no cache", (one_nc, many_nc), f"{sql:.1f} ({count} q)"),
            ):
                lines.append((label if server == "API" else "", server, f"{a['rps']:,.0f}", f"{a['p50']:.1f}",
                              f"{a['p99']:.1f}", f"{b['rps']:,.0f}", f"{b['p50']:.1f}", f"{b['p99']:.1f}", sql_cell,
                              str(n_ours)))  # fmt: skip
            query_ms = rows_theirs.get("query_ms") if isinstance(rows_theirs, dict) else None
            lines.append(("", "Datasette", f"{one_ds['rps']:,.0f}", f"{one_ds['p50']:.1f}", f"{one_ds['p99']:.1f}",
                          f"{many_ds['rps']:,.0f}", f"{many_ds['p50']:.1f}", f"{many_ds['p99']:.1f}",
                          f"{query_ms:.1f}" if query_ms is not None else "—", str(n_theirs)))  # fmt: skip
            errors = many["non2xx"] + one["non2xx"] + many_nc["non2xx"] + one_nc["non2xx"]
            ratios.append((label, "API", many["rps"] / many_ds["rps"], one["p50"], errors))
            ratios.append((label, "API, no cache", many_nc["rps"] / many_ds["rps"], one_nc["p50"], 0))
            print("  done:", label, flush=True)
        width = [max(len(line[i]) for line in lines) for i in range(len(header))]
        print()
        for i, line in enumerate(lines):
            print("  " + "  ".join(f"{cell:<{width[j]}}" if j < 2 else f"{cell:>{width[j]}}" for j, cell in
                                   enumerate(line)))  # fmt: skip
            if i == 0:
                print("  " + "  ".join("-" * w for w in width))
        print()
        for label, server, ratio, p50, errors in ratios:
            verdict = "≥" if ratio >= 1 else "<"
            print(f"  {label:<18} {server:<14} /Datasette throughput at {args.connections} connections: {ratio:.2f}× "
                  f"({verdict} Datasette); single-client p50 {p50:.1f} ms ({'under' if p50 < 25 else 'OVER'} 25 ms)"
                  + (f"; {errors} non-2xx!" if errors else ""))  # fmt: skip
    finally:
        servers.stop()


def _version(venv: Path) -> str:
    out = subprocess.run([str(venv / "bin" / "datasette"), "--version"], capture_output=True, text=True).stdout
    return out.split()[-1] if out else "?"


if __name__ == "__main__":
    main()
