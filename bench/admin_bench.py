#!/usr/bin/env python
"""How fast is the claim list in the admin at 100k and 1M claims? Prints p50/p95 per page and its query count.

    .venv/bin/python bench/admin_bench.py --claims 100000
    .venv/bin/python bench/admin_bench.py --claims 1000000 --requests 20

Loads N synthetic claims (bench/import_bench.py's generator, then `manage.py import_claims`) into a scratch
PostgreSQL database, unless it already holds them, then requests admin pages in-process through Django's test
client as a logged-in superuser (no network, no server: this measures the app and the database). Never run by
the test suite.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/factcheck_admin_bench"


def sh(*argv, env=None):
    subprocess.run(argv, check=True, cwd=ROOT, env=env)


def ensure_data(url: str, claims: int, env: dict) -> None:
    """Create the database and load `claims` claims, unless it already holds exactly that many."""
    import psycopg2

    dbname = url.rsplit("/", 1)[1]
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname])
        exists = cursor.fetchone() is not None
    if exists:
        with psycopg2.connect(url) as conn, conn.cursor() as cursor:
            try:
                cursor.execute("SELECT count(*) FROM claims_claim")
                if cursor.fetchone()[0] == claims:
                    print(f"reusing {dbname}: it holds {claims:,} claims")
                    sh(PYTHON, "manage.py", "migrate", "-v0", env=env)
                    return
            except psycopg2.Error:
                pass
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE "{dbname}"')
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{dbname}"')
    sh(PYTHON, "bench/import_bench.py", "--claims", str(claims), "--generate-only")
    data = ROOT / "bench" / "out" / f"claims-{claims}-seed1-v1.json"
    sh(PYTHON, "manage.py", "migrate", "-v0", env=env)
    started = time.perf_counter()
    sh(PYTHON, "manage.py", "import_claims", str(data), "--no-progress", env=env)
    print(f"loaded {claims:,} claims in {time.perf_counter() - started:.0f} s")
    sh(
        PYTHON,
        "manage.py",
        "shell",
        "-c",
        "from django.db import connection; connection.cursor().execute('ANALYZE')",
        env=env,
    )


def measure(requests: int) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from claims.models import Claim

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    user = get_user_model().objects.filter(username="bench").first()
    if user is None:
        user = get_user_model().objects.create_superuser("bench", "bench@example.org", "bench-only-pw-123")
    client = Client()
    client.force_login(user)
    some_claim = Claim.objects.order_by("-id").values_list("id", flat=True).first()
    word = "wheat"
    pages = [
        ("first page (50 rows)", "/admin/claims/claim/"),
        ("status filter", "/admin/claims/claim/?status__exact=verified"),
        ("page 100", "/admin/claims/claim/?p=100"),
        ("has no evidence", "/admin/claims/claim/?has_evidence=no"),
        ("unit + period", "/admin/claims/claim/?unit__exact=USD&period=2010"),
        ("my claims", "/admin/claims/claim/?assignee=me"),
        (f"search '{word}'", f"/admin/claims/claim/?q={word}"),
        ("sorted by figure", "/admin/claims/claim/?o=2"),
        ("claim page", f"/admin/claims/claim/{some_claim}/change/"),
    ]
    print(f"\n{'page':<24}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'queries':>9}   status")
    for label, url in pages:
        for _ in range(2):
            client.get(url)
        queries = []
        with connection.execute_wrapper(
            lambda execute, sql, *rest, log=queries: log.append(sql) or execute(sql, *rest)
        ):
            response = client.get(url)
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(
            f"{label:<24}{statistics.median(times):>9.1f}{p95:>9.1f}{times[-1]:>9.1f}{len(queries):>9}   "
            f"{response.status_code}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page (default 30)")
    parser.add_argument("--reuse", action="store_true", help="measure the database as it is (already loaded)")
    args = parser.parse_args()
    env = {**os.environ, "DATABASE_URL": args.database_url, "DJANGO_SETTINGS_MODULE": "factcheck.settings.local"}
    if args.reuse:
        sh(PYTHON, "manage.py", "migrate", "-v0", env=env)
    else:
        ensure_data(args.database_url, args.claims, env)
    os.environ.update(DATABASE_URL=args.database_url, DJANGO_SETTINGS_MODULE="factcheck.settings.local")
    sys.path.insert(0, str(ROOT))
    print(f"{args.claims:,} claims, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    measure(args.requests)


if __name__ == "__main__":
    main()
