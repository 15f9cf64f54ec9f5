"""`./dev.sh run` serves on PORT and names the address it serves; a port it cannot use is refused before setup."""

import socket
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


def run_command(port: str) -> subprocess.CompletedProcess[str]:
    # DATABASE_URL set: no embedded server is started; the port is checked before any migration.
    env = {"PATH": "/usr/bin:/bin", "PORT": port, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}
    return subprocess.run(
        ["bash", str(ROOT / "dev.sh"), "run"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_a_port_in_use_is_refused_with_what_to_do():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_command(str(port))
    assert result.returncode != 0
    assert f"cannot serve on 127.0.0.1:{port}" in result.stderr
    assert "set PORT to another port, or PORT=0" in result.stderr
    assert "migrating" not in result.stderr


@pytest.mark.parametrize("port", ["abc", "70000"])
def test_a_port_that_is_not_one_is_refused(port):
    result = run_command(port)
    assert result.returncode != 0
    assert "PORT must be" in result.stderr and port in result.stderr


@pytest.mark.django_db
def test_the_admin_login_names_the_address_served(capsys, settings):
    settings.DEBUG = True  # the command is for local development only
    call_command("ensure_local_admin", url="http://127.0.0.1:8123/admin/")
    assert "Log in at http://127.0.0.1:8123/admin/ as admin / " in capsys.readouterr().out
