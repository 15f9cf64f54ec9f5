"""X-Forwarded-* headers are believed only from TRUSTED_PROXIES; production trusts X-Forwarded-Proto only with them."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from factcheck.proxies import client_ip, parse_networks

ROOT = Path(__file__).resolve().parents[2]
HTTPS_BEHIND_PROXY = {"SECURE_SSL_REDIRECT": True, "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https")}


@pytest.fixture
def https_settings(settings):
    for name, value in HTTPS_BEHIND_PROXY.items():
        setattr(settings, name, value)
    return settings


def test_forwarded_proto_from_an_unknown_peer_is_ignored(client, https_settings, db):
    https_settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    response = client.get("/admin/login/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301  # plain HTTP as far as the app knows: sent to HTTPS
    assert response["Location"].startswith("https://")


def test_forwarded_proto_is_ignored_when_no_proxy_is_trusted(client, https_settings, db):
    https_settings.TRUSTED_PROXIES = []
    response = client.get("/admin/login/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301


def test_forwarded_proto_from_a_trusted_proxy_counts(client, https_settings, db):
    https_settings.TRUSTED_PROXIES = ["10.0.0.0/8", "2001:db8::1"]
    response = client.get("/admin/login/", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert response.wsgi_request.is_secure()
    assert client.get("/admin/login/", REMOTE_ADDR="2001:db8::1", HTTP_X_FORWARDED_PROTO="https").status_code == 200


def test_forwarded_for_from_an_unknown_peer_is_deleted(client, settings, db):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    response = client.get("/admin/login/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert "HTTP_X_FORWARDED_FOR" not in response.wsgi_request.META
    assert client_ip(response.wsgi_request) == "203.0.113.9"


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "client"),
    [
        ("10.0.0.2", "198.51.100.1", "198.51.100.1"),  # one proxy
        ("10.0.0.2", "1.2.3.4, 198.51.100.1", "198.51.100.1"),  # the client's own 1.2.3.4 is not believed
        ("10.0.0.2", "198.51.100.1, 10.0.0.3", "198.51.100.1"),  # two proxies of ours
        ("10.0.0.2", "", "10.0.0.2"),
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),  # not a proxy of ours: its header says nothing
    ],
)
def test_client_ip_reads_forwarded_for_from_the_right_past_trusted_proxies(settings, peer, forwarded_for, client):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_ip(request) == client


def test_a_malformed_proxy_entry_is_named():
    with pytest.raises(ImproperlyConfigured, match="'10.0.0.300'"):
        parse_networks(["10.0.0.1", "10.0.0.300"])


def production_settings(**environ) -> dict:
    """Selected production settings as the production module computes them from `environ`."""
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps({'proxy_header': settings.SECURE_PROXY_SSL_HEADER}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings.production",
        "SECRET_KEY": "x" * 20 + "abcdefghijklmnopqrstuvwxyz0123456789",
        "DATABASE_URL": os.environ.get("DATABASE_URL") or "postgres://nobody@127.0.0.1:5432/none",
        **environ,
    }
    done = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-1]}
    return json.loads(done.stdout)


def test_production_trusts_forwarded_proto_only_with_trusted_proxies():
    assert production_settings(TRUSTED_PROXIES="")["proxy_header"] is None
    assert production_settings(TRUSTED_PROXIES="10.0.0.2,172.18.0.0/16")["proxy_header"] == [
        "HTTP_X_FORWARDED_PROTO",
        "https",
    ]
    assert "not an IP address" in production_settings(TRUSTED_PROXIES="proxy.local")["error"]
    assert "TRUSTED_PROXIES is empty" in production_settings(TRUSTED_PROXIES="", API_NUM_PROXIES="1")["error"]
