"""Repeated failed logins lock that username from that address for a while (django-axes), with a clear page."""

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/"
PASSWORD = "pw-test-123"  # UserFactory's


def log_in(client, username, password, address="203.0.113.7", **headers):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


def signed_in(response) -> bool:
    return response.status_code == 302 and response.wsgi_request.user.is_authenticated


@pytest.fixture
def checker(db):
    return UserFactory(username="ana", role="fact-checker")


def test_five_failures_lock_that_username_from_that_address(client, checker, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert log_in(client, "ana", "wrong").status_code == 200  # the form again, with its error
    assert log_in(client, "ana", "wrong").status_code == 429  # the fifth failure locks
    locked = log_in(client, "ana", PASSWORD)  # the right password, too late
    assert locked.status_code == 429
    assert not locked.wsgi_request.user.is_authenticated
    page = locked.content.decode()
    assert "Too many failed logins for “ana” from your address" in page
    assert "locked for\n  15 minutes" in page

    assert signed_in(log_in(client, "ana", PASSWORD, address="198.51.100.4"))  # another address
    client.logout()
    other = UserFactory(username="ben", role="journalist")
    assert signed_in(log_in(client, other.username, PASSWORD))  # another user from the same address


def test_a_hundred_quick_guesses_are_refused_from_the_fifth(client, checker):
    statuses = [log_in(client, "ana", f"guess-{n}").status_code for n in range(100)]
    assert statuses[:4] == [200] * 4 and set(statuses[4:]) == {429}


def test_the_lock_ends_after_the_cool_off_and_a_reset_lifts_it(client, checker, settings):
    for _ in range(5):
        log_in(client, "ana", "wrong")
    assert log_in(client, "ana", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME)
    assert signed_in(log_in(client, "ana", PASSWORD))
    client.logout()

    for _ in range(5):
        log_in(client, "ana", "wrong")
    assert log_in(client, "ana", PASSWORD).status_code == 429
    assert reset(username="ana") == 1  # what `manage.py axes_reset_username ana` does
    assert signed_in(log_in(client, "ana", PASSWORD))


def test_a_success_clears_the_failures(client, checker):
    for _ in range(4):
        log_in(client, "ana", "wrong")
    assert signed_in(log_in(client, "ana", PASSWORD))
    client.logout()
    for _ in range(4):
        log_in(client, "ana", "wrong")
    assert signed_in(log_in(client, "ana", PASSWORD))


def test_behind_a_trusted_proxy_the_client_address_counts(client, checker, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    for _ in range(5):
        log_in(client, "ana", "wrong", address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert log_in(client, "ana", PASSWORD, address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    # another client behind the same proxy is not locked out
    assert signed_in(log_in(client, "ana", PASSWORD, address="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.4"))


def test_a_forged_forwarded_for_does_not_dodge_the_lock(client, checker, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    for n in range(5):
        log_in(client, "ana", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")  # straight from 203.0.113.7
    assert log_in(client, "ana", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429
