"""User accounts in the admin: desk admins manage the desk's users within the three roles, superusers everything.

Every refusal is a crafted POST, as a browser or a script would send it, not just a missing field on the page.
"""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse

from claims.roles import ADMIN, FACT_CHECKER, JOURNALIST
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-long-new-passphrase-91"


def change_url(user):
    return reverse("admin:auth_user_change", args=[user.pk])


def password_url(user):
    return reverse("admin:auth_user_password_change", args=[user.pk])


def account_form(user, **changes):
    """What the desk admin's change form posts for `user` as it stands, with `changes`."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "groups": [str(pk) for pk in user.groups.values_list("pk", flat=True)],
    }
    data.update({"is_active": "on"} if user.is_active else {})
    data.update({"is_staff": "on"} if user.is_staff else {})
    data.update(changes)
    return data


def role(name):
    return Group.objects.get(name=name)


def set_password(client, user):
    return client.post(password_url(user), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})


@pytest.fixture
def admin_client_desk(client, desk_admin):
    client.force_login(desk_admin)
    return client


# --- what a desk admin does ------------------------------------------------------------------------------------
def test_desk_admin_gives_roles_among_the_three_and_deactivates(admin_client_desk, journalist):
    data = account_form(journalist, groups=[str(role(FACT_CHECKER).pk)])
    del data["is_active"]
    response = admin_client_desk.post(change_url(journalist), data)
    assert response.status_code == 302, response.content
    journalist.refresh_from_db()
    assert list(journalist.groups.values_list("name", flat=True)) == [FACT_CHECKER]
    assert journalist.is_active is False


def test_desk_admin_resets_a_desk_users_password(admin_client_desk, journalist):
    assert set_password(admin_client_desk, journalist).status_code == 302
    journalist.refresh_from_db()
    assert journalist.check_password(NEW_PASSWORD)


def test_desk_admin_creates_a_user(admin_client_desk):
    response = admin_client_desk.post(
        reverse("admin:auth_user_add"),
        {"username": "newcomer", "usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.content
    assert User.objects.get(username="newcomer").check_password(NEW_PASSWORD)


def test_desk_admin_page_offers_only_the_three_roles(admin_client_desk, journalist):
    Group.objects.create(name="auditors")
    page = admin_client_desk.get(change_url(journalist))
    form = page.context["adminform"].form
    assert "is_superuser" not in form.fields and "user_permissions" not in form.fields
    assert sorted(form.fields["groups"].queryset.values_list("name", flat=True)) == sorted(
        [ADMIN, FACT_CHECKER, JOURNALIST]
    )


# --- what a desk admin may not do ----------------------------------------------------------------------------
def test_superuser_flag_and_user_permissions_posted_by_a_desk_admin_are_ignored(admin_client_desk, journalist):
    permission = Permission.objects.get(codename="delete_user")
    data = account_form(journalist, is_superuser="on", user_permissions=[str(permission.pk)])
    assert admin_client_desk.post(change_url(journalist), data).status_code == 302
    journalist.refresh_from_db()
    assert journalist.is_superuser is False
    assert not journalist.user_permissions.exists()
    assert not journalist.has_perm("auth.delete_user")


def test_desk_admin_cannot_make_itself_superuser(admin_client_desk, desk_admin):
    response = admin_client_desk.post(change_url(desk_admin), account_form(desk_admin, is_superuser="on"))
    assert response.status_code == 403
    desk_admin.refresh_from_db()
    assert desk_admin.is_superuser is False


def test_new_user_posted_with_the_superuser_flag_is_not_a_superuser(admin_client_desk):
    admin_client_desk.post(
        reverse("admin:auth_user_add"),
        {"username": "sneaky", "usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
         "is_superuser": "on", "is_staff": "on"},
    )  # fmt: skip
    created = User.objects.get(username="sneaky")
    assert created.is_superuser is False


def test_a_group_outside_the_roles_is_refused_and_kept(admin_client_desk, journalist):
    auditors = Group.objects.create(name="auditors")
    auditors.permissions.add(Permission.objects.get(codename="delete_user"))
    response = admin_client_desk.post(change_url(journalist), account_form(journalist, groups=[str(auditors.pk)]))
    assert response.status_code == 200  # the form again, with its error
    assert "groups" in response.context["adminform"].form.errors
    assert not journalist.groups.filter(pk=auditors.pk).exists()

    journalist.groups.add(auditors)  # given by a superuser: a desk admin's edit leaves it in place
    data = account_form(journalist, groups=[str(role(FACT_CHECKER).pk)])
    assert admin_client_desk.post(change_url(journalist), data).status_code == 302
    assert set(journalist.groups.values_list("name", flat=True)) == {FACT_CHECKER, "auditors"}


@pytest.mark.parametrize("target", ["other_admin", "superuser", "self"])
def test_desk_admin_cannot_change_accounts_with_admin_powers(admin_client_desk, desk_admin, admin_user, target):
    account = {
        "other_admin": lambda: UserFactory(username="editor2", role=ADMIN),
        "superuser": lambda: admin_user,
        "self": lambda: desk_admin,
    }[target]()
    assert admin_client_desk.get(change_url(account)).status_code == 200  # read-only view
    assert set_password(admin_client_desk, account).status_code == 403
    assert admin_client_desk.get(password_url(account)).status_code == 403
    response = admin_client_desk.post(change_url(account), account_form(account, groups=[]))
    assert response.status_code == 403
    account.refresh_from_db()
    assert not account.check_password(NEW_PASSWORD)
    assert account.is_active and (account.is_superuser or account.groups.filter(name=ADMIN).exists())


def test_fact_checker_cannot_manage_users(client, fact_checker, journalist):
    client.force_login(fact_checker)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.post(change_url(journalist), account_form(journalist, is_superuser="on")).status_code == 403
    assert set_password(client, journalist).status_code == 403
    add = {"username": "x", "usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert client.post(reverse("admin:auth_user_add"), add).status_code == 403
    journalist.refresh_from_db()
    assert not journalist.is_superuser and not journalist.check_password(NEW_PASSWORD)
    assert not User.objects.filter(username="x").exists()


# --- superusers keep Django's full user admin -----------------------------------------------------------------
def test_superuser_sets_the_flag_and_an_admins_password(client, admin_user, desk_admin):
    client.force_login(admin_user)
    page = client.get(change_url(desk_admin))
    assert {"is_superuser", "user_permissions"} <= set(page.context["adminform"].form.fields)
    assert set_password(client, desk_admin).status_code == 302
    desk_admin.refresh_from_db()
    assert desk_admin.check_password(NEW_PASSWORD)
    data = account_form(desk_admin, is_superuser="on", date_joined_0="2024-01-01", date_joined_1="00:00:00")
    assert client.post(change_url(desk_admin), data).status_code == 302
    desk_admin.refresh_from_db()
    assert desk_admin.is_superuser
