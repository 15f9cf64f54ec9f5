"""Real workers for the job tests: `manage.py run_worker` in subprocesses against the test database, the test's own
process on the same queue (the database backend). The tests commit for real (transaction=True)."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from jobs.models import Job
from tests.jobs.worker_settings import TASKS as DB_TASKS
from tests.sources.conftest import _fault_server, check_settings, resolver, site  # noqa: F401 - the local HTTP server

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The test database's URL, from the test connection's own parameters: a host given as `?host=` (the embedded
    server's Unix socket folder) is among them too, where settings_dict["HOST"] is empty."""
    params = connection.get_connection_params()
    user = quote(str(params.get("user") or ""))
    password = f":{quote(str(params['password']))}" if params.get("password") else ""
    host = quote(str(params.get("host") or ""), safe="")
    port = f":{params['port']}" if params.get("port") else ""
    return f"postgres://{user}{password}@{host}{port}/{params['dbname']}"


@pytest.fixture
def queue(settings):
    """This process puts tasks on the database queue, as the web server does."""
    settings.TASKS = DB_TASKS
    return settings


class Workers:
    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen] = []

    def start(self, name: str = "", *args: str) -> subprocess.Popen:
        name = name or f"w{len(self.processes) + 1}"
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "DJANGO_SETTINGS_MODULE": "tests.jobs.worker_settings",
        }
        log = (self.log_dir / f"{name}.log").open("w")
        process = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--interval", "0.1", "--worker-id", name, *args],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        return process

    def log(self, name: str) -> str:
        return (self.log_dir / f"{name}.log").read_text()

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def workers(queue, tmp_path) -> Iterator[Workers]:
    pool = Workers(tmp_path)
    yield pool
    pool.stop_all()


def wait_for(condition: Callable[[], object], *, timeout: float = 90, what: str = "") -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what or condition}")


def job_ended(job_id: int, timeout: float = 120) -> Job:
    def ended():
        job = Job.objects.get(pk=job_id)
        return job if job.finished else None

    return wait_for(ended, timeout=timeout, what=f"job {job_id} to end")  # type: ignore[return-value]
