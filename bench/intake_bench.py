#!/usr/bin/env python
"""Benchmark: intake's candidate finder (articles per second) and matcher (ms per article against N claims).

    .venv/bin/python bench/intake_bench.py                       # the finder only, 1,000-word articles
    .venv/bin/python bench/intake_bench.py --claims 1000000      # and the matcher against a million claims
    .venv/bin/python bench/intake_bench.py --claims 1000000 --reuse --consistency   # the same database again, and
                                                                 # the consistency report's four queries

Never run by the test suite. The finder needs no database. The matcher DROPS and re-creates the database named in
--database-url (default intake_bench; refused unless its name contains "bench"), migrates it and fills it with N
claims by one INSERT … SELECT (bench data, not through the services: only the matcher's read is measured), then
times claims.intake.matching.match_candidates over the articles: p50 and p95 per article.

The articles are 1,000-word windows of the seed articles (fixtures/articles/), each one a different slice.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def articles(count: int, words: int = 1000) -> list[str]:
    """count texts of `words` words, slices of the seed articles (joined, so that each window is full)."""
    text = " ".join(path.read_text() for path in sorted((ROOT / "fixtures" / "articles").glob("*.txt")))
    tokens = text.split(" ")
    step = max(1, (len(tokens) - words) // max(1, count))
    return [" ".join(tokens[(i * step) % (len(tokens) - words) :][:words]) for i in range(count)]


def bench_finder(texts: list[str]) -> None:
    from claims.intake.finder import find_candidates

    find_candidates(texts[0])  # compile the patterns and load the libraries first
    started = time.process_time()
    wall = time.perf_counter()
    found = sum(len(find_candidates(text)) for text in texts)
    cpu = time.process_time() - started
    elapsed = time.perf_counter() - wall
    print(
        f"finder: {len(texts)} articles of 1,000 words, {found} candidates; {len(texts) / cpu:.0f} articles/s of "
        f"CPU on one core ({cpu * 1000 / len(texts):.1f} ms each), {len(texts) / elapsed:.0f} articles/s wall"
    )


FILL = """
INSERT INTO claims_claim (key, subject, claim_type, value, unit, qualifier, lower_bound, upper_bound, period,
    period_start, period_end, period_precision, period_as_of, period_approximate, status, verdict_note, created_at,
    updated_at, textual_rating, version, withdrawal_reason, evidence_count, unpublished_note)
SELECT 'bench-' || n,
       (ARRAY['Bilateral trade of', 'Military spending of', 'Unemployment rate in', 'Meetings of the leaders of',
              'Population of', 'Oil exports of', 'Troops deployed by', 'Inflation in'])[1 + n %% 8]
         || ' ' || (ARRAY['Russia', 'China', 'Poland', 'Kazakhstan', 'Turkey', 'India', 'Brazil', 'Japan', 'Iran',
                          'Egypt'])[1 + (n / 8) %% 10] || ' and partner ' || (n %% 997),
       'current_value',
       CASE n %% 5 WHEN 4 THEN 1950 + n %% 76 WHEN 2 THEN n %% 101 ELSE (n %% 1000 + 1) * power(10, n %% 4 * 3) END,
       (ARRAY['USD', 'count', 'percent', 'people', 'year'])[1 + n %% 5],
       'exact', NULL, NULL, (2000 + n %% 26)::text, make_date(2000 + n %% 26, 1, 1), make_date(2000 + n %% 26, 12, 31),
       'year', false, false, 'unverified', '', now(), now(), '', 1, '', 0, ''
FROM generate_series(1, %s) AS n
"""


def fill(claims: int, database_url: str, settings: str, reuse: bool) -> None:
    """Drop, re-create, migrate and fill the bench database; with reuse, keep it when it holds that many claims."""
    name = database_url.rsplit("/", 1)[-1]
    if "bench" not in name:
        raise SystemExit(f"refusing to drop {name!r}: its name doesn't contain 'bench'")
    env = os.environ | {"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": settings}
    if reuse:
        held = subprocess.run(["psql", database_url, "-Atc", "SELECT count(*) FROM claims_claim"],
                              capture_output=True, text=True)  # fmt: skip
        if held.returncode == 0 and held.stdout.strip() == str(claims):
            subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
            print(f"reusing {claims:,} claims in {name}")
            return
    server = database_url.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(["psql", server, "-q", "-c", f"DROP DATABASE IF EXISTS {name}", "-c", f"CREATE DATABASE {name}"],
                   check=True)  # fmt: skip
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(FILL, [claims])
        # VACUUM as autovacuum would soon after: the report's index-only scans (migration 0020) need the visibility
        # map; measured before it, they read the table too.
        cursor.execute("VACUUM ANALYZE claims_claim")
        cursor.execute("ANALYZE claims_claimsearch")
    print(f"filled {claims:,} claims in {time.perf_counter() - started:.0f} s")


def bench_consistency(claims: int) -> None:
    """Each kind of the consistency report once (claims.consistency: one query a kind, REPORT_LIMIT rows each)."""
    from claims.consistency import KINDS, consistency_report

    for kind in KINDS:
        started = time.perf_counter()
        found = consistency_report(kinds=[kind]).of(kind)
        elapsed = (time.perf_counter() - started) * 1000
        print(f"consistency {kind}: {elapsed:,.0f} ms at {claims:,} claims, {len(found)} shown")


def bench_matcher(texts: list[str], claims: int) -> None:
    from claims.intake.finder import find_candidates
    from claims.intake.matching import match_candidates

    found = [find_candidates(text) for text in texts]
    match_candidates(found[0])  # warm the cache
    times, matched = [], 0
    for candidates in found:
        started = time.perf_counter()
        matched += len(match_candidates(candidates))
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    print(
        f"matcher: {len(texts)} articles against {claims:,} claims; p50 {statistics.median(times):.1f} ms, p95 "
        f"{times[int(len(times) * 0.95) - 1]:.1f} ms per article; {matched} candidates with a match or conflict"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=500, help="how many 1,000-word articles the finder reads")
    parser.add_argument("--claims", type=int, default=0, help="also time the matcher against this many claims")
    parser.add_argument("--match-articles", type=int, default=50, help="how many articles the matcher matches")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/intake_bench")
    parser.add_argument("--settings", default="factcheck.settings.test")
    parser.add_argument("--reuse", action="store_true", help="keep the bench database when it holds --claims claims")
    parser.add_argument("--consistency", action="store_true", help="also time the consistency report's kinds")
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", options.settings)
    os.environ["DATABASE_URL"] = options.database_url  # the database the matcher drops and fills
    print(f"{os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    import django

    django.setup()
    bench_finder(articles(options.articles))
    if options.claims:
        fill(options.claims, options.database_url, options.settings, options.reuse)
        bench_matcher(articles(options.match_articles), options.claims)
        if options.consistency:
            bench_consistency(options.claims)
    print(f"load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
