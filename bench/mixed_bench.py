#!/usr/bin/env python
"""Benchmark: a mixed workload, nearly every request a different URL, on the API (cache on, cache off) and Datasette.

    .venv/bin/python bench/mixed_bench.py --claims 100000
    .venv/bin/python bench/mixed_bench.py --claims 1000000 --duration 8
    .venv/bin/python bench/mixed_bench.py --claims 100000 --profile     # where a request's time goes, in-process

Never run by the test suite. What it does (see bench/README.md, section "Mixed workload"):
1. Loads N claims into factcheck_bench6_<N> and copies them to SQLite for Datasette, with bench/api_bench.py's
   loader, SQLite copy and pinned Datasette venv (imported from it, not copied).
2. Draws requests from the data, deterministically from --seed: list pages (?page=K, K skewed towards the first
   pages), sync cursors at random rows, status and unit combinations, value ranges in a unit (bounds at the unit's
   quantiles), full-text search for words taken from the claims' subjects, details of random claims, small
   filtered CSV exports (~75 rows); each also as the same logical query on Datasette (page K as Datasette's keyset
   `_next` token for the row before it, value ranges as value__gte / value__lte, search as _search on the FTS5
   subject index). The mix weighs them as MIX says.
3. Serves the API (gunicorn, production settings, Redis as the shared cache) as configured and with
   API_RESPONSE_CACHE_SECONDS=0, and Datasette; during the API runs a writer touches one claim a second (an UPDATE
   setting a column to itself: a committed write, so PostgreSQL's snapshot moves and every cached answer is
   stale, while the rows stay the same as Datasette's).
4. For each query type and for the mix, runs wrk with a Lua script (bench/mixed_bench.lua) that walks a file of
   URLs, one connection then 16; prints req/s, p50 / p99, the API / Datasette throughput ratio, and the SQL floor
   (api_bench's measure: the queries of the request re-executed on PostgreSQL, median of 5, for a sample of the
   type's URLs; the mix's floor is the mix-weighted mean).
With --profile it only profiles: for each query type, --profile-requests requests through Django's test Client with
the token (production settings, answer cache off), timed once with the SQL time summed by an execute wrapper, then
again under cProfile; prints the SQL / Python split per request and the top entries by cumulative and own time.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import datetime as dt
import os
import pstats
import random
import re
import secrets
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import api_bench as ab  # noqa: E402 - the sibling benchmark, imported from bench/

ROOT, OUT, PAGE_SIZE = ab.ROOT, ab.OUT, ab.PAGE_SIZE
LUA = Path(__file__).resolve().parent / "mixed_bench.lua"
API_PORT, UNCACHED_PORT, DATASETTE_PORT, REDIS_PORT = 8163, 8165, 8164, 6393  # not api_bench's: both can run
# Share of each query type in the mix (a desk's guess: mostly browsing and details, some filtering and search).
# "search newest" is measured alone, outside the mix (its weight 0), so that the mix stays comparable with earlier runs.
MIX = {"list page": 25, "cursor": 5, "status+unit": 15, "value range": 15, "search": 15, "search newest": 0,
       "detail": 22, "csv": 3}  # fmt: skip
URLS_PER_TYPE = 4000
STOPWORDS = frozenset(
    re.findall(
        r"\w+",
        "about after again also among before being between could during from have into more most "
        "other over same some such than that their them then there these they this those "
        "through under until very were what when where which while with would year years ",
    )
)


@dataclass(frozen=True)
class Query:
    kind: str
    api: str  # path and query string on the API server
    ds: str  # path and query string on Datasette


# --- the workload -----------------------------------------------------------------------------------------------
def tilde(text: str) -> str:
    """Datasette's tilde encoding of a value in a `_next` token."""
    return "".join(c if c.isascii() and (c.isalnum() or c in "_-") else "".join(f"~{b:02X}" for b in c.encode())
                   for c in str(text))  # fmt: skip


def _number(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def workload(url: str, lite: Path, n: int, seed: int) -> dict[str, list[Query]]:
    """URLS_PER_TYPE queries of each type, drawn from the data with random.Random(seed)."""
    from factcheck.api.pagination import encode_cursor

    rng = random.Random(seed)
    api, db = "/api/v1/claims/", f"/{lite.stem}/"
    table = f"{db}claims_claim.json?_shape=objects&_size={PAGE_SIZE}"
    with ab.pg(url).cursor() as cur:
        cur.execute("SELECT id FROM claims_claim ORDER BY id")
        ids = [row[0] for row in cur.fetchall()]
        cur.execute("SELECT DISTINCT status FROM claims_claim ORDER BY 1")
        statuses = [row[0] for row in cur.fetchall()]
        cur.execute("SELECT unit, value FROM claims_claim WHERE value IS NOT NULL AND unit <> '' ORDER BY unit, value")
        by_unit: dict[str, list[Decimal]] = collections.defaultdict(list)
        for unit, value in cur.fetchall():
            by_unit[unit].append(value)
        units = sorted(u for u, values in by_unit.items() if len(values) >= 200)
        sample = rng.sample(ids, min(len(ids), 5000))
        cur.execute("SELECT subject FROM claims_claim WHERE id = ANY(%s)", [sample])
        subjects = [row[0] or "" for row in cur.fetchall()]
        cursor_ids = rng.sample(ids, min(len(ids), URLS_PER_TYPE))
        cur.execute("SELECT id, updated_at FROM claims_claim WHERE id = ANY(%s) ORDER BY id", [cursor_ids])
        cursor_rows = cur.fetchall()
    # Words in 0.05 %–3 % of the sampled subjects (document frequency), stopwords aside.
    frequency = collections.Counter(w for s in subjects for w in set(re.findall(r"[a-z]{4,}", s.lower())))
    words = sorted(w for w, c in frequency.items() if len(subjects) * 0.0005 <= c <= len(subjects) * 0.03
                   and w not in STOPWORDS)  # fmt: skip
    lite_conn = sqlite3.connect(lite)
    pages = [1 + min(int(rng.expovariate(0.15)), max(0, n // PAGE_SIZE - 1)) for _ in range(URLS_PER_TYPE)]
    queries: dict[str, list[Query]] = {kind: [] for kind in MIX}
    for page in pages:
        ds = f"{table}&_sort_desc=updated_at"
        if page > 1:
            (when, pk), = lite_conn.execute("SELECT updated_at, id FROM claims_claim ORDER BY updated_at DESC, id DESC "
                                            "LIMIT 1 OFFSET ?", [(page - 1) * PAGE_SIZE - 1])  # fmt: skip
            ds += f"&_next={tilde(when)}%2C{pk}"
        queries["list page"].append(Query("list page", f"{api}?page={page}", ds))
    for pk, when in cursor_rows:
        queries["cursor"].append(Query("cursor", f"{api}?cursor={encode_cursor(when, pk)}",
                                       f"{table}&_sort=updated_at&_next={tilde(ab._lite(when))}%2C{pk}"))  # fmt: skip
    for _ in range(URLS_PER_TYPE):
        chosen = sorted(rng.sample(statuses, rng.choice((1, 1, 2))))
        unit = rng.choice(units)
        status = f"status={chosen[0]}" if len(chosen) == 1 else f"status__in={','.join(chosen)}"
        queries["status+unit"].append(Query("status+unit", f"{api}?status={','.join(chosen)}&unit={unit}",
                                            f"{table}&_sort_desc=updated_at&{status}&unit={unit}"))  # fmt: skip
    for kind, rows in (("value range", None), ("csv", 75)):
        for _ in range(URLS_PER_TYPE):
            unit = rng.choice(units)
            values = by_unit[unit]
            if rows is None:  # between two random quantiles of the unit's values
                i, j = sorted(rng.sample(range(len(values)), 2))
            else:  # a narrow range of about `rows` claims
                i = rng.randrange(len(values) - rows)
                j = i + rows
            low, high = _number(values[i]), _number(values[j])
            if rows is None:
                queries[kind].append(Query(kind, f"{api}?unit={unit}&value_min={low}&value_max={high}",
                                           f"{table}&_sort_desc=updated_at&unit={unit}&value__gte={low}"
                                           f"&value__lte={high}"))  # fmt: skip
            else:
                status = rng.choice(statuses)
                # Every matching row on both sides: without _stream=on Datasette's CSV stops at its first 1,000.
                queries[kind].append(Query(kind, f"{api}?format=csv&status={status}&unit={unit}&value_min={low}"
                                           f"&value_max={high}", f"{db}claims_claim.csv?_size=max&_stream=on"
                                           f"&status={status}&unit={unit}&value__gte={low}"
                                           f"&value__lte={high}"))  # fmt: skip
    for _ in range(URLS_PER_TYPE):
        word = rng.choice(words)
        queries["search"].append(
            Query("search", f"{api}?q={word}", f"{db}claims_claim.json?_shape=objects&_size={PAGE_SIZE}&_search={word}")
        )
        # The same words in the list's order, newest change first, on both sides: the same logical query (ours ranks
        # nothing then; Datasette sorts its matches by updated_at instead of taking FTS5's rowid order).
        queries["search newest"].append(
            Query("search newest", f"{api}?q={word}&ordering=-updated",
                  f"{db}claims_claim.json?_shape=objects&_size={PAGE_SIZE}&_search={word}&_sort_desc=updated_at")
        )  # fmt: skip
    for pk in rng.sample(ids, min(len(ids), URLS_PER_TYPE)):
        queries["detail"].append(Query("detail", f"{api}{pk}/", f"{db}claims_claim/{pk}.json?_shape=objects"))
    for kind in queries:
        rng.shuffle(queries[kind])
    return queries


def mixed(queries: dict[str, list[Query]], seed: int, count: int = 20000) -> list[Query]:
    rng = random.Random(seed + 1)
    kinds = rng.choices(list(MIX), weights=list(MIX.values()), k=count)
    taken = collections.Counter()
    out = []
    for kind in kinds:
        out.append(queries[kind][taken[kind] % len(queries[kind])])
        taken[kind] += 1
    return out


def write_paths(name: str, paths: list[str]) -> Path:
    path = OUT / "mixed" / f"{name}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(paths) + "\n")
    return path


# --- measuring --------------------------------------------------------------------------------------------------
def wrk(base: str, paths: Path, connections: int, seconds: int, headers: dict) -> dict:
    """wrk with bench/mixed_bench.lua walking the URL file `paths` (each of wrk's threads from its own place)."""
    argv = ["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{seconds}s", "--latency",
            "--timeout", "10s", "-s", str(LUA)]  # fmt: skip
    for name, value in headers.items():
        argv += ["-H", f"{name}: {value}"]
    out = subprocess.run([*argv, base, str(paths)], check=True, capture_output=True, text=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": ab._ms(out, "50%"),
        "p99": ab._ms(out, "99%"),
        "non2xx": int(errors.group(1)) if errors else 0,
    }


class Writer(threading.Thread):
    """A committed write a second (one claim's column set to itself): PostgreSQL's snapshot moves, cached answers go
    stale, the rows stay Datasette's."""

    def __init__(self, url: str, ids: list[int], seed: int):
        super().__init__(daemon=True)
        self.url, self.ids, self.rng = url, ids, random.Random(seed + 2)
        self.stopping = threading.Event()
        self.writes = 0

    def run(self):
        conn = ab.pg(self.url)
        with conn.cursor() as cur:
            while not self.stopping.wait(1.0):
                cur.execute("UPDATE claims_claim SET verdict_note = verdict_note WHERE id = %s",
                            [self.rng.choice(self.ids)])  # fmt: skip
                self.writes += 1
        conn.close()

    def stop(self) -> int:
        self.stopping.set()
        self.join(5)
        return self.writes


def check(base: str, queries: list[Query], which: str, headers: dict) -> None:
    """The first few URLs of a type answer 200 (a workload of 404s would measure nothing)."""
    for query in queries[:3]:
        target = base + getattr(query, which)
        try:
            with urllib.request.urlopen(urllib.request.Request(target, headers=headers), timeout=60) as r:
                r.read()
        except urllib.error.HTTPError as exc:
            sys.exit(f"{target} answered {exc.code}: {exc.read()[:300]!r}")


def datasette_query_ms(base: str, queries: list[Query]) -> float | None:
    times = []
    for query in queries[:5]:
        if ".csv" in query.ds:
            return None
        answer = ab.fetch_json(base + query.ds)
        if isinstance(answer, dict) and answer.get("query_ms") is not None:
            times.append(answer["query_ms"])
    return statistics.median(times) if times else None


def sql_floor(queries: list[Query], token: str, url: str, samples: int) -> float:
    return statistics.median(ab.our_sql_ms(q.api, token, url)[0] for q in queries[:samples])


# --- profiling --------------------------------------------------------------------------------------------------
def profile(queries: dict[str, list[Query]], token: str, requests: int, top: int) -> None:
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token}")

    def get(path: str) -> None:
        response = client.get(path)
        if response.streaming:
            b"".join(response.streaming_content)
        else:
            response.content  # noqa: B018 - rendered already; read for symmetry
        assert response.status_code == 200, (path, response.status_code)

    sql = [0.0]

    def timed(execute, sql_text, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql_text, params, many, context)
        finally:
            sql[0] += time.perf_counter() - started

    print(f"Profile: {requests} requests per type through Django's test Client (production settings, token, answer "
          f"cache off, locmem cache for throttling and counts). SQL = time inside cursor.execute (psycopg2 fetches the "
          f"rows there; a streamed export's server-side fetches are counted as Python).\n")  # fmt: skip
    summary = []
    for kind in MIX:
        paths = [q.api for q in queries[kind][:requests]]
        for path in paths[:3]:
            get(path)  # warm: token, role, connection
        sql[0] = 0.0
        with connection.execute_wrapper(timed):
            started = time.perf_counter()
            for path in paths:
                get(path)
            wall = time.perf_counter() - started
        per, per_sql = wall / len(paths) * 1000, sql[0] / len(paths) * 1000
        summary.append((kind, per, per_sql))
        profiler = cProfile.Profile()
        profiler.enable()
        for path in paths:
            get(path)
        profiler.disable()
        print(f"== {kind}: {per:.1f} ms a request, SQL {per_sql:.1f} ms, Python {per - per_sql:.1f} ms "
              f"({len(paths)} requests, e.g. {paths[0]}) ==")  # fmt: skip
        for sort in ("cumulative", "own"):
            print(f"  top {top} by {sort} time, ms a request (under cProfile, which inflates small calls):")
            print(hot_spots(profiler, len(paths), sort, top))
        print()
    print("Split per request (unprofiled pass):")
    print(f"  {'query':<12} {'total ms':>9} {'SQL ms':>7} {'Python ms':>10} {'Python %':>9}")
    for kind, per, per_sql in summary:
        print(f"  {kind:<12} {per:>9.1f} {per_sql:>7.1f} {per - per_sql:>10.1f} {(per - per_sql) / per:>9.0%}")


# Frames that only wrap the request (the test client, the middleware chain's plumbing): left out of the top lists.
WRAPPERS = re.compile(r"django/test/|mixed_bench\.py|django/core/handlers/exception\.py|django/utils/deprecation\.py")


def hot_spots(profiler: cProfile.Profile, requests: int, sort: str, top: int) -> str:
    """The profile's top entries as calls and milliseconds per request, by cumulative or own time."""
    stats = pstats.Stats(profiler).stats
    entries = []
    for (filename, line, function), (_, calls, own, cumulative, _) in stats.items():
        if WRAPPERS.search(filename):
            continue
        where = "/".join(Path(filename).parts[-2:]) if filename != "~" else ""
        name = f"{where}:{line}({function})" if where else function
        entries.append((cumulative if sort == "cumulative" else own, calls, own, cumulative, name))
    entries.sort(reverse=True)
    lines = [f"    {'calls/req':>9} {'own ms':>7} {'cum ms':>7}  function"]
    for _, calls, own, cumulative, name in entries[:top]:
        lines.append(
            f"    {calls / requests:>9.1f} {own / requests * 1000:>7.2f} {cumulative / requests * 1000:>7.2f}  {name}"
        )
    return "\n".join(lines)


# --- the run ----------------------------------------------------------------------------------------------------
def serve(servers: ab.Servers, env: dict, workers: int, lite: Path) -> str:
    api_env = ab.production_env(env, **ab.UNTHROTTLED)
    cache = ab.shared_cache(servers, api_env, REDIS_PORT, "mixed-redis.log")
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    for port, answer_cache in ((API_PORT, "300"), (UNCACHED_PORT, "0")):
        servers.start([gunicorn, "factcheck.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers), "--access-logfile",
                       "-", "--log-level", "warning", "--access-logformat", ""],
                      env=api_env | {"API_RESPONSE_CACHE_SECONDS": answer_cache},
                      log=f"mixed-gunicorn-{port}.log")  # fmt: skip
    servers.start([str(ab.datasette_venv() / "bin" / "datasette"), "serve", "-i", str(lite), "-p",
                   str(DATASETTE_PORT), "--setting", "suggest_facets", "off", "--setting", "default_page_size",
                   str(PAGE_SIZE), "--setting", "sql_time_limit_ms", "20000"], log="mixed-datasette.log")  # fmt: skip
    return cache


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=int, default=6, help="seconds per wrk run (default 6)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 2) + 1,
                        help="gunicorn workers (default 2 × CPUs + 1, as api_bench)")  # fmt: skip
    parser.add_argument("--sql-samples", type=int, default=5, help="URLs per type whose SQL floor is measured")
    parser.add_argument("--only", help="comma-separated query types (and/or 'mix') to run; default all")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432",
                        help="PostgreSQL server; the database is factcheck_bench6_<N>")  # fmt: skip
    parser.add_argument("--reload", action="store_true", help="drop and load the database even if it holds N claims")
    parser.add_argument("--profile", action="store_true", help="profile each query type in-process instead")
    parser.add_argument("--profile-requests", type=int, default=200)
    parser.add_argument("--profile-top", type=int, default=25)
    args = parser.parse_args(argv)
    n = args.claims
    (OUT / "logs").mkdir(parents=True, exist_ok=True)
    url = f"{args.server}/factcheck_bench6_{n}"
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="factcheck.settings.local", CACHE_URL="locmem://",
                      API_RESPONSE_CACHE_SECONDS="0")  # fmt: skip
    env = dict(os.environ)
    print(f"{dt.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}; "
          f"{n:,} claims in {url.rsplit('@', 1)[-1]}", flush=True)  # fmt: skip
    if args.reload or ab.loaded_claims(url) != n:
        print("Loading (generate + migrate + import_claims):", flush=True)
        ab.load(url, n, args.seed, env)
    token = ab.prepare(url, env)
    lite = ab.build_sqlite(url, n)
    sys.path.insert(0, str(ROOT))
    if args.profile:  # the gunicorn servers' settings, in this process
        os.environ.update(DJANGO_SETTINGS_MODULE="factcheck.settings.production", SECRET_KEY=secrets.token_urlsafe(64),
                          SECURE_SSL_REDIRECT="0", ALLOWED_HOSTS="127.0.0.1", DB_CONN_MAX_AGE="600",
                          API_THROTTLE_USER="1000000000/hour", API_THROTTLE_ANON="1000000000/hour",
                          LOG_LEVEL="WARNING")  # fmt: skip
    import django

    django.setup()
    queries = workload(url, lite, n, args.seed)
    if args.profile:
        profile(queries, token, args.profile_requests, args.profile_top)
        return
    mix = mixed(queries, args.seed)
    runs = [(kind, queries[kind]) for kind in MIX] + [("mix", mix)]
    if args.only:
        wanted = set(args.only.split(","))
        runs = [run for run in runs if run[0] in wanted]
    servers = ab.Servers()
    try:
        cache = serve(servers, env, args.workers, lite)
        auth = {"Authorization": f"Token {token}"}
        api, uncached, ds = (f"http://127.0.0.1:{port}" for port in (API_PORT, UNCACHED_PORT, DATASETTE_PORT))
        ab.wait_for(f"{api}/api/v1/claims/", auth)
        ab.wait_for(f"{uncached}/api/v1/claims/", auth)
        ab.wait_for(f"{ds}/{lite.stem}/claims_claim.json")
        for kind in MIX:
            check(uncached, queries[kind], "api", auth)
            check(ds, queries[kind], "ds", {})
        print(f"\nAPI: gunicorn, {args.workers} workers (gunicorn.conf.py), production settings, "
              f"throttling on ({cache}). Datasette "
              f"{ab._version(ab.datasette_venv())} -i. wrk + {LUA.name}: 1 connection, then {args.connections}, "
              f"{args.duration} s each; {URLS_PER_TYPE:,} URLs a type, {len(mix):,} in the mix "
              f"({', '.join(f'{k} {v} %' for k, v in MIX.items() if v)}). A write a second during the API runs.\n",
              flush=True)  # fmt: skip
        header = ("query", "server", "1 conn req/s", "p50 ms", "p99 ms", f"{args.connections} conn req/s", "p50 ms",
                  "p99 ms", "/Datasette", "SQL ms")  # fmt: skip
        lines, writes, floors = [header], 0, {}
        detail_ids = [int(q.api.split("/")[-2]) for q in queries["detail"]]
        for kind, chosen in runs:
            api_paths = write_paths(f"{n}-{kind.replace(' ', '_').replace('+', '_')}-api", [q.api for q in chosen])
            ds_paths = write_paths(f"{n}-{kind.replace(' ', '_').replace('+', '_')}-ds", [q.ds for q in chosen])
            if kind == "mix":
                floor = sum(floors[k] * w for k, w in MIX.items() if k in floors) / sum(
                    w for k, w in MIX.items() if k in floors) if floors else None  # fmt: skip
                theirs = None
            else:
                floor = floors[kind] = sql_floor(chosen, token, url, args.sql_samples)
                theirs = datasette_query_ms(ds, chosen)
            results = {}
            for server, base, paths, headers in (("API", api, api_paths, auth), ("API, no cache", uncached, api_paths,
                                                  auth), ("Datasette", ds, ds_paths, {})):  # fmt: skip
                writer = Writer(url, detail_ids, args.seed) if server != "Datasette" else None
                if writer:
                    writer.start()
                results[server] = (wrk(base, paths, 1, args.duration, headers),
                                   wrk(base, paths, args.connections, args.duration, headers))  # fmt: skip
                if writer:
                    writes += writer.stop()
            many_ds = results["Datasette"][1]["rps"]
            for server, (one, many) in results.items():
                errors = one["non2xx"] + many["non2xx"]
                sql_cell = {"API": "", "API, no cache": f"{floor:.1f}" if floor is not None else "—",
                            "Datasette": f"{theirs:.1f}" if theirs is not None else "—"}[server]  # fmt: skip
                lines.append((kind if server == "API" else "", server, f"{one['rps']:,.0f}", f"{one['p50']:.1f}",
                              f"{one['p99']:.1f}", f"{many['rps']:,.0f}", f"{many['p50']:.1f}", f"{many['p99']:.1f}",
                              f"{many['rps'] / many_ds:.2f}×" if server != "Datasette" else "",
                              sql_cell + (f" ({errors} non-2xx!)" if errors else "")))  # fmt: skip
            print("  done:", kind, f"(load {os.getloadavg()[0]:.2f})", flush=True)
        width = [max(len(line[i]) for line in lines) for i in range(len(header))]
        print()
        for i, line in enumerate(lines):
            print("  " + "  ".join(f"{cell:<{width[j]}}" if j < 2 else f"{cell:>{width[j]}}" for j, cell in
                                   enumerate(line)))  # fmt: skip
            if i == 0:
                print("  " + "  ".join("-" * w for w in width))
        print(f"\n  {writes} writes during the API runs; SQL ms: ours the floor of the same requests (median of "
              f"{args.sql_samples} URLs, mix: weighted mean), Datasette's its query_ms (median of 5 URLs). "
              f"Load at the end {os.getloadavg()[0]:.2f}.")  # fmt: skip
    finally:
        servers.stop()


if __name__ == "__main__":
    main()
