"""API tokens: stored as digests, shown once (command and admin), old plain tokens carried over by a migration, and a
token cache that keeps what authorisation needs, not the user row."""

import importlib
import pickle
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from knox.crypto import hash_token
from knox.models import AuthToken
from rest_framework.test import APIClient

from claims.models import Claim
from factcheck.api.authentication import _key

pytestmark = pytest.mark.django_db
URL = "/api/v1/claims/"


def new_claim(n: int) -> dict:
    return {"subject": f"Defence budget {n}", "claim_type": "current_value", "value": "86000000000", "unit": "USD",
            "qualifier": "over", "period": "2024"}  # fmt: skip


def client_with(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def issue(capsys, *args) -> str:
    call_command("api_token", *args)
    return capsys.readouterr().out.strip()


def test_the_database_keeps_a_digest_not_the_token(journalist):
    row, token = AuthToken.objects.create(user=journalist)
    assert len(token) == 64 and row.digest == hash_token(token) != token
    assert row.token_key == token[:15]  # the lookup prefix; the other 49 characters are nowhere
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM knox_authtoken")
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
        assert token not in stored
        assert "authtoken_token" not in connection.introspection.table_names(cursor)


def test_command_shows_a_token_once_rotates_and_revokes(journalist, capsys, claims):
    first = issue(capsys, "reporter")
    assert client_with(first).get(URL).json()["count"] == 4  # a journalist's token: every claim
    assert AuthToken.objects.get(user=journalist).digest == hash_token(first)
    with pytest.raises(CommandError, match="can't be shown again: --rotate replaces it"):
        call_command("api_token", "reporter")
    assert capsys.readouterr().out == ""

    second = issue(capsys, "reporter", "--rotate")
    assert second != first and AuthToken.objects.get(user=journalist).digest == hash_token(second)
    assert client_with(first).get(URL).status_code == 401
    assert client_with(second).get(URL).status_code == 200

    call_command("api_token", "reporter", "--revoke")
    assert not AuthToken.objects.filter(user=journalist).exists()
    with pytest.raises(CommandError, match="no user named"):
        call_command("api_token", "ghost")


def test_revoked_token_stops_working_at_once(journalist, capsys):
    client = client_with(issue(capsys, "reporter"))
    assert client.get(URL).status_code == 200  # the token is now in the cache
    call_command("api_token", "reporter", "--revoke")
    assert client.get(URL).status_code == 401


def test_a_token_that_is_not_text_is_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token \xff\xfe")
    response = api_client.get(URL)
    assert response.status_code == 401 and response.json()["code"] == "authentication_failed"


# --- the migration from DRF's plain tokens -----------------------------------------------------------------------
def test_migration_hashes_the_old_plain_tokens_and_their_clients_keep_working(journalist, claims):
    old_key = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"  # DRF's shape: 40 hex characters
    with connection.cursor() as cursor:  # the table as DRF's authtoken made it
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamptz NOT NULL, "
            "user_id integer NOT NULL UNIQUE REFERENCES auth_user (id))"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, '2024-03-01 10:00:00+00', %s)", [old_key, journalist.pk]
        )
    migration = importlib.import_module("claims.migrations.0012_hash_api_tokens")
    from django.apps import apps

    with connection.schema_editor() as editor:
        migration.hash_old_tokens(apps, editor)

    assert "authtoken_token" not in connection.introspection.table_names()
    moved = AuthToken.objects.get(user=journalist)
    assert moved.digest == hash_token(old_key) and moved.token_key == old_key[:15] and moved.expiry is None
    assert moved.created.isoformat() == "2024-03-01T10:00:00+00:00"
    assert client_with(old_key).get(URL).json()["count"] == 4


# --- what the cache keeps ----------------------------------------------------------------------------------------
def test_the_token_cache_keeps_no_password_hash_or_email(fact_checker, capsys):
    token = issue(capsys, "checker")
    assert client_with(token).get(URL).status_code == 200
    entry = cache.get(_key(hash_token(token)))
    assert set(entry) == {"id", "username", "is_active", "is_staff", "is_superuser", "permissions"}
    assert entry["id"] == fact_checker.pk and "claims.change_claim_status" in entry["permissions"]
    pickled = pickle.dumps(entry)
    assert fact_checker.password.encode() not in pickled and fact_checker.email.encode() not in pickled


def test_a_cached_token_writes_with_its_users_permissions_and_name(fact_checker, journalist, capsys):
    writer = client_with(issue(capsys, "checker"))
    reader = client_with(issue(capsys, "reporter"))
    for n in range(2):  # the second request of each is answered by the cache
        assert writer.post(URL, new_claim(n), format="json").status_code == 201
        assert reader.post(URL, new_claim(n), format="json").status_code == 403
    latest = Claim.objects.order_by("-id").first()
    assert latest.history.get().history_user == fact_checker


def test_deactivating_a_user_or_taking_their_role_stops_their_token_at_once(fact_checker, capsys):
    writer = client_with(issue(capsys, "checker"))
    assert writer.post(URL, new_claim(1), format="json").status_code == 201  # now cached
    fact_checker.groups.clear()
    assert writer.post(URL, new_claim(2), format="json").status_code == 403
    fact_checker.groups.add(Group.objects.get(name="fact-checker"))
    assert writer.post(URL, new_claim(3), format="json").status_code == 201
    fact_checker.is_active = False
    fact_checker.save()
    assert writer.get(URL).status_code == 401


def test_a_cached_tokens_reader_sees_by_its_role_without_another_cache_lookup(journalist, capsys, claims):
    """A token's cached entry carries its user's permissions: whether they read every claim is answered from them,
    with no second lookup in the shared cache, and taking the role away forgets the token at once."""
    reader = client_with(issue(capsys, "reporter"))
    draft = claims["unverified"].pk
    assert reader.get(f"{URL}{draft}/").status_code == 200  # the token is now in the cache
    looked_up = []
    real_get = cache.get
    with mock.patch.object(
        cache, "get", side_effect=lambda key, *a, **kw: looked_up.append(key) or real_get(key, *a, **kw)
    ):
        assert reader.get(f"{URL}{draft}/").status_code == 200
    assert not [key for key in looked_up if "reads-all-claims" in key], looked_up
    journalist.groups.clear()
    assert reader.get(f"{URL}{draft}/").status_code == 404  # an unpublished claim, now out of sight


# --- the admin ----------------------------------------------------------------------------------------------------
def test_admin_shows_a_new_token_once_and_never_again(client, admin_user, journalist):
    client.force_login(admin_user)
    response = client.post(reverse("admin:knox_authtoken_add"), {"user": journalist.pk, "expiry": ""})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    token = response.context["token"]
    assert token in response.content.decode() and "can't be shown again" in response.content.decode()
    row = AuthToken.objects.get(user=journalist)
    assert row.digest == hash_token(token)
    assert client_with(token).get(URL).status_code == 200

    listing = client.get(reverse("admin:knox_authtoken_changelist")).content.decode()
    page = client.get(reverse("admin:knox_authtoken_change", args=[row.pk])).content.decode()
    assert row.token_key in listing and token not in listing and token not in page
    edit = client.post(reverse("admin:knox_authtoken_change", args=[row.pk]), {"user": admin_user.pk})
    assert edit.status_code == 403
