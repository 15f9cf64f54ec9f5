"""factcheck.cache: Django's Redis cache keeping one client per server, and answering as the stock backend does."""

import threading
import time
import warnings

import pytest
from django.core.cache.backends.redis import RedisCache

from factcheck.cache import KeptClientRedisCache
from tests.shared_cache import needs_redis

pytestmark = needs_redis


@pytest.fixture
def prefix():
    return f"factcheck-cache-test-{time.time_ns()}"


def _backend(cls, prefix):
    return cls("redis://127.0.0.1:6379/15", {"KEY_PREFIX": prefix})


@pytest.fixture
def kept(prefix):
    backend = _backend(KeptClientRedisCache, prefix)
    yield backend
    client = backend._cache.get_client(write=True)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_one_client_serves_every_operation_and_thread(kept):
    first = kept._cache.get_client("a")
    assert kept._cache.get_client("b", write=True) is first
    seen = []
    thread = threading.Thread(target=lambda: seen.append(kept._cache.get_client("c")))
    thread.start()
    thread.join()
    assert seen == [first]


def test_answers_as_the_stock_backend(kept, prefix):
    stock = _backend(RedisCache, prefix)
    kept.set("entry", {"id": 7, "permissions": ["claims.view_claim"]}, 30)
    assert stock.get("entry") == {"id": 7, "permissions": ["claims.view_claim"]}  # same keys, same pickles
    stock.set("counter", 1, 30)
    assert kept.incr("counter") == 2
    assert kept.add("counter", 5, 30) is False and kept.get("counter") == 2
    kept.set_many({"x": "one", "y": (b"body", {"ETag": '"3"'})}, 30)
    assert kept.get_many(["x", "y", "missing"]) == {"x": "one", "y": (b"body", {"ETag": '"3"'})}
    kept.delete_many(["x", "y"])
    assert kept.get("x", "gone") == "gone"
    assert 0 < kept._cache.get_client().ttl(kept.make_key("entry")) <= 30


def test_long_keys_pass_without_memcached_warnings(kept):
    key = "api:token:" + "f" * 300  # over memcached's 250 characters, as a digest key with a prefix can be
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        kept.set(key, "ok", 30)
        assert kept.get(key) == "ok"
