#!/usr/bin/env python
"""Benchmark: the public fact-check pages (index and fact-check page) at a million claims, page cache on and off.

    .venv/bin/python bench/public_bench.py --claims 1000000
    .venv/bin/python bench/public_bench.py --claims 1000000 --duration 5 --explain

Never run by the test suite. What it does (see bench/README.md, section "Public pages"):
1. Loads N synthetic claims into the PostgreSQL database factcheck_publicbench_<N> with bench/api_bench.py's loading
   (the import benchmark's generator and `manage.py import_claims`; skipped when that database holds N claims,
   --reload forces it; it DROPS that database when (re)loading).
2. Publishes a realistic share of the verdicts once (PUBLISHED_SHARE of them, a few days after their review, by a
   bench fact-checker who is not their reviewer), and takes a few down (UNPUBLISHED_SHARE: a 410 tombstone with a
   note), in one UPDATE each: the importer gives verdicts but publishes none, as the desk does, and publishing 400,000
   verdicts one by one through claims.services.publication would take hours. Migrates the tree and VACUUM ANALYZEs.
3. Serves the site with gunicorn (production settings, 2 × CPUs + 1 workers, Redis as the shared cache when
   redis-server is installed) twice: with the page cache (PUBLIC_PAGE_CACHE_SECONDS=300, factcheck.page_cache) and
   without it (0: every page computed).
4. For each page (the index's first page, a later page, a search, a verdict filter, fact-check pages of random
   published claims) runs wrk: one connection, then 16, --duration seconds each; prints req/s and p50 / p99 latency
   and the SQL time of the same request (the queries Django runs, captured in-process and re-executed on
   PostgreSQL, median of 5). --explain prints EXPLAIN ANALYZE of each page's slowest query.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import api_bench  # noqa: E402 - the API benchmark's loading, servers and wrk: one seeder, one way of measuring

OUT = api_bench.OUT
CACHED_PORT, UNCACHED_PORT, REDIS_PORT = 8133, 8134, 6391
PUBLISHED_SHARE = 0.9  # of the verdicts: most are published, some wait for a second person
UNPUBLISHED_SHARE = 0.02  # of the verdicts: taken down (410 with a note)
RANDOM_PAGES = 200  # fact-check pages wrk picks from at random
LATER_PAGE = 500
TARGET_MS = 30
BREAKDOWN: list[tuple[float, str]] = []  # (ms, SQL) of every query page_sql re-ran, for --sql-only


def publish(url: str) -> None:
    """Publish PUBLISHED_SHARE of the verdicts and take UNPUBLISHED_SHARE down, once, in the database directly."""
    with api_bench.pg(url).cursor() as cur:
        cur.execute("SELECT count(*) FROM claims_claim WHERE published_at IS NOT NULL OR unpublished_at IS NOT NULL")
        if cur.fetchone()[0]:
            return
        cur.execute("SELECT id FROM auth_user WHERE username = 'bench-publisher'")
        publisher = cur.fetchone()[0]
        started = time.perf_counter()
        # A share of the verdicts chosen by a hash of the id (repeatable), published 0-72 hours after the review.
        verdict = "status IN ('verified', 'false', 'misleading', 'unverifiable')"
        cur.execute(
            f"UPDATE claims_claim SET published_by_id = %s, published_at = COALESCE(reviewed_at, updated_at) "
            f"+ (((id * 7919) %% 259200) || ' seconds')::interval WHERE {verdict} AND (id * 7919) %% 1000 < %s",
            [publisher, int(PUBLISHED_SHARE * 1000)],
        )
        published = cur.rowcount
        cur.execute(
            f"UPDATE claims_claim SET unpublished_at = COALESCE(reviewed_at, updated_at) + interval '5 days', "
            f"unpublished_note = 'The source corrected its figure; this fact-check is being reviewed.' "
            f"WHERE {verdict} AND (id * 7919) %% 1000 >= %s AND (id * 7919) %% 1000 < %s",
            [int(PUBLISHED_SHARE * 1000), int((PUBLISHED_SHARE + UNPUBLISHED_SHARE) * 1000)],
        )
        print(f"  published {published:,} verdicts, took {cur.rowcount:,} down ({time.perf_counter() - started:.0f} s)")


def prepare(url: str, env: dict) -> None:
    api_bench.sh([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env)
    code = ("from django.contrib.auth.models import Group, User; "
            "u, _ = User.objects.get_or_create(username='bench-publisher', defaults={'first_name': 'Bench', "
            "'last_name': 'Publisher'}); u.groups.add(Group.objects.get(name='fact-checker'))")  # fmt: skip
    api_bench.sh([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)


def canonical(base: str, path: str) -> str:
    """The page's own path: the short /fact-checks/<id>/ redirects to /fact-checks/<id>-<slug>/."""
    with urllib.request.urlopen(base + path, timeout=60) as response:
        return response.geturl().removeprefix(base)


def sample_pages(url: str, base: str, n: int, seed: int) -> list[str]:
    with api_bench.pg(url).cursor() as cur:
        cur.execute(
            "SELECT id FROM claims_claim WHERE published_at IS NOT NULL ORDER BY md5(id::text || %s) LIMIT %s",
            [str(seed), n],
        )
        ids = [row[0] for row in cur.fetchall()]
    return [canonical(base, f"/fact-checks/{pk}/") for pk in ids]


def lua_paths(paths: list[str]) -> Path:
    """A wrk script that asks for one of `paths` at random each request."""
    script = OUT / "public-pages.lua"
    quoted = ",\n".join(f'  "{p}"' for p in paths)
    script.write_text(
        f"paths = {{\n{quoted}\n}}\nmath.randomseed(1)\n"
        "request = function()\n  return wrk.format('GET', paths[math.random(#paths)])\nend\n"
    )
    return script


def wrk(url: str, connections: int, seconds: int, script: Path | None = None) -> dict:
    argv = ["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{seconds}s", "--latency",
            "--timeout", "10s"]  # fmt: skip
    if script is not None:
        argv += ["-s", str(script)]
    out = subprocess.run([*argv, url], check=True, capture_output=True, text=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": api_bench._ms(out, "50%"),
        "p99": api_bench._ms(out, "99%"),
        "non2xx": int(errors.group(1)) if errors else 0,
    }


def page_sql(path: str, url: str, explain: bool) -> tuple[float, int, str]:
    """The SQL of the page (captured in-process, cache off), re-executed on PostgreSQL: (sum of the medians of 5
    runs in ms, number of queries, EXPLAIN ANALYZE of the slowest when asked)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.get(path)
    connection.close()  # a new connection prepares its statements again (factcheck.prepared): the replay needs them
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    replayed = api_bench.replay_selects(url, captured.captured_queries)
    BREAKDOWN.extend(replayed)
    slowest = max(replayed, default=(0.0, ""))
    plan = ""
    if explain and slowest[1]:
        with api_bench.pg(url).cursor() as cur:
            cur.execute("SET max_parallel_workers_per_gather = 0")
            cur.execute("SET jit = off")
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest[1])
            plan = f"{slowest[1][:600]}\n" + "\n".join(row[0] for row in cur.fetchall())
    return sum(ms for ms, _ in replayed), len(captured.captured_queries), plan


def hit_rate(base: str, path: str, tries: int = 20) -> float:
    hits = 0
    for _ in range(tries):
        with urllib.request.urlopen(base + path, timeout=60) as response:
            hits += response.headers.get("X-Cache") == "hit"
    return hits / tries


def sql_only(url: str, word: str, seed: int) -> None:
    import django

    django.setup()
    with api_bench.pg(url).cursor() as cur:
        cur.execute("SELECT id FROM claims_claim WHERE published_at IS NOT NULL ORDER BY md5(id::text || %s) LIMIT 1",
                    [str(seed)])  # fmt: skip
        pk = cur.fetchone()[0]
    from django.test import Client

    page = Client(HTTP_HOST="127.0.0.1").get(f"/fact-checks/{pk}/", follow=True).redirect_chain[-1][0]
    for path in ("/fact-checks/", f"/fact-checks/?page={LATER_PAGE}", f"/fact-checks/?q={word}",
                 "/fact-checks/?verdict=false", page):  # fmt: skip
        started = time.perf_counter()
        Client(HTTP_HOST="127.0.0.1").get(path)
        took = (time.perf_counter() - started) * 1000
        BREAKDOWN.clear()
        sql, count, plan = page_sql(path, url, True)
        print(f"\n=== {path}: {took:.1f} ms in-process (DEBUG settings), SQL {sql:.1f} ms in {count} queries")
        for ms, text in BREAKDOWN:
            print(f"  {ms:7.2f} ms  {text[:160]}")
        print(plan)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run (default 5)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 2) + 1)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432",
                        help="PostgreSQL server; the database is factcheck_publicbench_<N>")  # fmt: skip
    parser.add_argument("--reload", action="store_true", help="drop and load the database even if it holds N claims")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of each page's slowest query")
    parser.add_argument("--sql-only", action="store_true",
                        help="no servers: each page's SQL time and EXPLAIN ANALYZE of its slowest query")  # fmt: skip
    parser.add_argument("--only", default="", help="comma-separated labels' first words to run (e.g. index,search)")
    args = parser.parse_args(argv)
    n = args.claims
    (OUT / "logs").mkdir(parents=True, exist_ok=True)
    url = f"{args.server}/factcheck_publicbench_{n}"
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="factcheck.settings.local", CACHE_URL="locmem://",
                      PUBLIC_PAGE_CACHE_SECONDS="0", API_RESPONSE_CACHE_SECONDS="0")  # fmt: skip
    env = dict(os.environ)
    print(f"{dt.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}; "
          f"{n:,} claims in {url.rsplit('@', 1)[-1]}")  # fmt: skip
    if args.reload or api_bench.loaded_claims(url) != n:
        print("Loading (generate + migrate + import_claims):", flush=True)
        api_bench.load(url, n, args.seed, env)
    prepare(url, env)
    publish(url)
    with api_bench.pg(url).cursor() as cur:
        cur.execute("VACUUM ANALYZE")
        cur.execute("SELECT count(*) FILTER (WHERE published_at IS NOT NULL), count(*) FILTER (WHERE unpublished_at "
                    "IS NOT NULL) FROM claims_claim")  # fmt: skip
        published, gone = cur.fetchone()
    word, word_count = api_bench.search_word(url, n)

    if args.sql_only:
        sql_only(url, word, args.seed)
        return
    servers = api_bench.Servers()
    try:
        site_env = api_bench.production_env(env)
        cache = api_bench.shared_cache(servers, site_env, REDIS_PORT, "public-redis.log")
        # The pages link their CSS through the manifest of production's static storage.
        api_bench.sh([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=site_env)
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        for port, seconds in ((CACHED_PORT, "300"), (UNCACHED_PORT, "0")):
            servers.start([gunicorn, "factcheck.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(args.workers),
                           "--access-logfile", "-", "--log-level", "warning", "--access-logformat", ""],
                          env=site_env | {"PUBLIC_PAGE_CACHE_SECONDS": seconds},
                          log=f"public-gunicorn-{port}.log")  # fmt: skip
        cached, uncached = f"http://127.0.0.1:{CACHED_PORT}", f"http://127.0.0.1:{UNCACHED_PORT}"
        api_bench.wait_for(cached + "/fact-checks/")
        api_bench.wait_for(uncached + "/fact-checks/")
        rng = random.Random(args.seed)
        paths = sample_pages(url, uncached, RANDOM_PAGES, rng.randrange(10**6))
        script = lua_paths(paths)
        pages = [
            ("index, first page", "/fact-checks/", None),
            (f"index, page {LATER_PAGE}", f"/fact-checks/?page={LATER_PAGE}", None),
            (f"index, search '{word}'", f"/fact-checks/?q={word}", None),
            ("index, verdict false", "/fact-checks/?verdict=false", None),
            (f"fact-check page ({RANDOM_PAGES} random)", paths[0], script),
        ]
        if args.only:
            wanted = tuple(args.only.split(","))
            pages = [page for page in pages if page[0].startswith(wanted)]
        import django

        django.setup()
        print(f"\n{published:,} published fact-checks ({published / n:.0%} of the claims), {gone:,} taken down. "
              f"gunicorn, {args.workers} workers (gunicorn.conf.py), production settings, "
              f"page cache in {cache}. Search word "
              f"{word!r}: {word_count:,} claims by subject. wrk: 1 connection, then {args.connections}, "
              f"{args.duration} s each.\n")  # fmt: skip
        header = ("page", "page cache", "1 conn req/s", "p50 ms", "p99 ms", f"{args.connections} conn req/s",
                  "p50 ms", "p99 ms", "SQL ms", "hits")  # fmt: skip
        lines, verdicts, plans = [header], [], []
        for label, path, lua in pages:
            sql, count, plan = page_sql(path, url, args.explain)
            if plan:
                plans.append((label, plan))
            for name, base in (("on", cached), ("off", uncached)):
                one = wrk(base + path, 1, args.duration, lua)
                many = wrk(base + path, args.connections, args.duration, lua)
                hits = f"{hit_rate(base, path):.0%}" if name == "on" else "—"
                lines.append((label if name == "on" else "", name, f"{one['rps']:,.0f}", f"{one['p50']:.1f}",
                              f"{one['p99']:.1f}", f"{many['rps']:,.0f}", f"{many['p50']:.1f}", f"{many['p99']:.1f}",
                              f"{sql:.1f} ({count} q)" if name == "off" else "—", hits))  # fmt: skip
                errors = one["non2xx"] + many["non2xx"]
                if name == "off":
                    verdicts.append((label, one["p50"], errors))
            print("  done:", label, flush=True)
        width = [max(len(line[i]) for line in lines) for i in range(len(header))]
        print()
        for i, line in enumerate(lines):
            print("  " + "  ".join(f"{cell:<{width[j]}}" if j < 2 else f"{cell:>{width[j]}}" for j, cell in
                                   enumerate(line)))  # fmt: skip
            if i == 0:
                print("  " + "  ".join("-" * w for w in width))
        print()
        for label, p50, errors in verdicts:
            print(f"  {label:<34} cache off: single-client p50 {p50:.1f} ms "
                  f"({'under' if p50 < TARGET_MS else 'OVER'} {TARGET_MS} ms)"
                  + (f"; {errors} non-2xx!" if errors else ""))  # fmt: skip
        print(f"\n  load average at the end: {os.getloadavg()[0]:.2f}")
        for label, plan in plans:
            print(f"\n--- {label}: the slowest query, EXPLAIN ANALYZE\n{plan}")
    finally:
        servers.stop()


if __name__ == "__main__":
    main()
