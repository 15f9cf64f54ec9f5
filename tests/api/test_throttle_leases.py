"""The throttles' leases (factcheck.api.throttling): a process reserves several requests of a client's window with
one increment and serves them without the cache; never more than the limit in a window, however the processes
share it; a small limit, or a window's last requests, counted one by one."""

import time
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from factcheck.api import throttling
from factcheck.api.throttling import AnonThrottle, UserThrottle, _Leases
from tests.shared_cache import needs_redis

pytestmark = pytest.mark.django_db

DAY = 86400


@pytest.fixture
def rates(settings, monkeypatch):
    """Leases of up to 32 requests, in a process whose leases start empty; the rates set by the test."""
    settings.THROTTLE_LEASE = 32
    monkeypatch.setattr(throttling, "leases", _Leases())

    def set_rates(user="1000000/day", anon="1000000/day"):
        settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": {"user": user, "anon": anon}}

    return set_rates


def _request(user_pk=7, *, address="127.0.0.1"):
    request = RequestFactory().get("/api/v1/claims/", REMOTE_ADDR=address)
    request.user = SimpleNamespace(pk=user_pk, is_authenticated=user_pk is not None)
    return request


def _counter(user_pk=7):
    return cache.get(f"throttle:user:{user_pk}:{int(time.time() // DAY)}")


def _allowed(request):
    return UserThrottle().allow_request(request, None)


def test_one_increment_serves_a_lease_of_requests(rates):
    rates("6400/day")  # 6,400 / 64 = 100 left a 64th: leases of 32
    request = _request()
    assert all(_allowed(request) for _ in range(32))
    assert _counter() == 32  # the first request reserved 32; the next 31 asked nothing of the cache
    assert _allowed(request) and _counter() == 64


def test_a_small_limit_counts_every_request(rates):
    rates("40/day")  # 40 / 64 < 1: one request a lease, as without leases
    request = _request()
    served = [_allowed(request) for _ in range(42)]
    assert served == [True] * 40 + [False] * 2
    assert _counter() == 42  # each request, refused ones too


def test_a_process_alone_serves_exactly_its_limit(rates):
    rates("2000/day")  # leases shrink as the window empties: 31 requests a lease at first, one at the end
    request = _request()
    served = sum(_allowed(request) for _ in range(2100))
    assert served == 2000
    throttle = UserThrottle()
    assert not throttle.allow_request(request, None) and 0 < throttle.wait() <= DAY


def test_processes_sharing_a_window_never_serve_more_than_the_limit(rates, monkeypatch):
    """Five processes taking turns: each serves from its own leases; together at most the limit, and they are
    refused only once the window's reservations reach it."""
    rates("3000/day")
    processes = [_Leases() for _ in range(5)]
    request = _request()
    served = refused = 0
    for turn in range(3300):
        monkeypatch.setattr(throttling, "leases", processes[turn % 5])
        if _allowed(request):
            served += 1
        else:
            refused += 1
    assert served <= 3000
    # what the other four held unserved when one was refused: under 32 each, and fewer near the limit
    assert served >= 3000 - 4 * 31
    assert served + refused == 3300


def test_each_client_and_each_window_has_its_own_lease(rates, monkeypatch):
    rates("6400/day", "6400/day")
    assert _allowed(_request(7)) and _allowed(_request(8))
    assert _counter(7) == 32 and _counter(8) == 32
    assert AnonThrottle().allow_request(_request(None, address="10.0.0.9"), None)
    assert cache.get(f"throttle:anon:10.0.0.9:{int(time.time() // DAY)}") == 32
    # the next day: the lease held of the day before serves nothing
    tomorrow = time.time() + DAY
    monkeypatch.setattr(throttling, "time", SimpleNamespace(time=lambda: tomorrow))  # the throttle's clock only
    assert _allowed(_request(7))
    assert cache.get(f"throttle:user:7:{int(tomorrow // DAY)}") == 32


def test_a_lease_of_one_counts_every_request(rates, settings):
    rates("6400/day")
    settings.THROTTLE_LEASE = 1
    request = _request()
    for _ in range(5):
        assert _allowed(request)
    assert _counter() == 5


def test_the_processes_leases_are_forgotten_past_their_bound(rates, monkeypatch):
    rates("6400/day")
    monkeypatch.setattr(_Leases, "MAX_CLIENTS", 3)
    for pk in (1, 2, 3, 4):  # the fourth client clears the three held
        assert _allowed(_request(pk))
    assert _allowed(_request(1)) and _counter(1) == 64  # its lease was forgotten: it reserved another


@needs_redis
def test_a_lease_is_one_increment_in_redis_with_the_windows_expiry(rates, settings):
    from django.core.cache import caches

    prefix = f"factcheck-test-{time.time_ns()}"
    redis = {"BACKEND": "factcheck.cache.KeptClientRedisCache", "LOCATION": "redis://127.0.0.1:6379/15"}
    settings.CACHES = {"default": redis | {"KEY_PREFIX": prefix}}
    rates("6400/day")
    client = caches["default"]._cache.get_client(write=True)
    key = caches["default"].make_and_validate_key(f"throttle:user:7:{int(time.time() // DAY)}")
    try:
        request = _request()
        assert all(_allowed(request) for _ in range(33))
        assert int(client.get(key)) == 64 and 0 < client.ttl(key) <= DAY + 1
        client.expire(key, 500)  # a later lease keeps the window's expiry
        assert all(_allowed(request) for _ in range(32))
        assert int(client.get(key)) == 96 and 0 < client.ttl(key) <= 500
    finally:
        for name in client.scan_iter(f"{prefix}:*"):
            client.delete(name)
