#!/usr/bin/env python
"""Benchmark: a large import through the admin, on the queue with a real worker, against the same import by command.

    .venv/bin/python bench/jobs_bench.py --claims 100000

Never run by the test suite. It DROPS and re-creates the database named in --database-url (default
factcheck_jobs_bench), and refuses a database whose name doesn't contain "bench".

1. Generates the claims file with bench/import_bench.py's generator (cached in --workdir, bench/out/).
2. The command: a fresh database, then `manage.py import_claims FILE` timed in a child process.
3. The admin: a fresh database, one `manage.py run_worker` child, and this process as the web server (Django's test
   client, logged in as an admin): the upload (timed to its answer), the dry run's job followed on the import page
   until it ends (its progress sampled), the confirmation, the import's job until it ends. Prints the times, the
   progress seen and the machine's load.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))


def psql_admin_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres"))


def recreate(url: str) -> None:
    import psycopg2

    name = urlsplit(url).path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to drop {name!r}: its name must contain 'bench'")
    admin = psycopg2.connect(psql_admin_url(url))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=child_env(url), check=True)


def child_env(url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "factcheck.settings.local"}


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f} / {five:.2f} (1 / 5 min), {os.cpu_count()} cores"


def by_command(url: str, path: Path) -> float:
    recreate(url)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "import_claims", str(path), "--no-progress"],
        cwd=ROOT,
        env=child_env(url),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def follow(client, url: str, label: str) -> tuple[float, list[str], str]:
    """Reload the import page as a browser would (every 2 s) until its job ends; (seconds, progress seen, page)."""
    from jobs.models import Job

    started, seen = time.perf_counter(), []
    job_id = int(url.rsplit("job=", 1)[1])
    while True:
        page = client.get(url).content.decode()
        job = Job.objects.get(pk=job_id)
        if job.finished:
            return time.perf_counter() - started, seen, page
        if job.total:
            seen.append(f"{job.percent}%")
        time.sleep(2)


def by_admin(url: str, path: Path) -> dict[str, float | str]:
    recreate(url)
    os.environ.update(child_env(url))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from jobs.models import Job

    user = get_user_model().objects.create_superuser("bench", "bench@example.org", "bench-password-123")
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--worker-id", "bench"], cwd=ROOT, env=child_env(url)
    )
    try:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        started = time.perf_counter()
        with path.open("rb") as upload:
            response = client.post("/admin/claims/claim/import/", {"file": upload})
        answered = time.perf_counter() - started
        assert response.status_code == 302, response.status_code
        dry_seconds, dry_seen, page = follow(client, response["Location"], "dry run")
        token = re.search(r'name="token" value="([^"]+)"', page)
        if token is None:
            sys.exit("the dry run did not pass: " + (Job.objects.order_by("-pk").first().error or page[-2000:]))
        confirm_started = time.perf_counter()
        confirmed = client.post("/admin/claims/claim/import/", {"token": token.group(1)})
        confirm_answered = time.perf_counter() - confirm_started
        import_seconds, import_seen, _ = follow(client, confirmed["Location"], "import")
        job = Job.objects.order_by("-pk").first()
        return {
            "upload answered": answered,
            "dry run": dry_seconds,
            "dry run progress seen": " ".join(dry_seen),
            "confirm answered": confirm_answered,
            "import": import_seconds,
            "import progress seen": " ".join(import_seen),
            "import status": job.status if job else "?",
            "total (upload to imported)": time.perf_counter() - started,
        }
    finally:
        worker.terminate()
        worker.wait(timeout=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/factcheck_jobs_bench")
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--skip-command", action="store_true", help="only the admin's import")
    args = parser.parse_args()

    os.environ.setdefault("DATABASE_URL", args.database_url)
    import import_bench

    import_bench.load_project(ROOT)
    dataset = import_bench.generate(args.workdir, args.claims, args.seed, "json", fixture=False, subset=None)
    path = dataset.import_file
    print(f"file: {path.name}, {path.stat().st_size / 1e6:.1f} MB, {args.claims:,} claims; {load()}")
    if not args.skip_command:
        seconds = by_command(args.database_url, path)
        print(f"manage.py import_claims: {seconds:.1f} s; {load()}")
    figures = by_admin(args.database_url, path)
    for name, value in figures.items():
        print(f"admin, {name}: {value:.1f} s" if isinstance(value, float) else f"admin, {name}: {value}")
    print(load())


if __name__ == "__main__":
    main()
