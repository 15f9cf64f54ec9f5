"""Pieces of the fetcher and runner that need no server: Retry-After, host interleaving, the words of a failure."""

import datetime as dt
import ipaddress
from email.utils import format_datetime

import pytest
from django.utils import timezone

from sources.checking.addresses import REFUSAL_WORDS, AddressRefused, refusal_reason
from sources.checking.fetch import FetchResult, answered, retry_after_seconds
from sources.checking.health import judge
from sources.checking.runner import interleave_by_host
from sources.choices import SourceHealth


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("120", 120.0), (" 0 ", 0.0), (None, None), ("", None), ("soon", None), ("-5", None), ("1.5", None)],
)
def test_retry_after_seconds(value, seconds):
    assert retry_after_seconds(value) == seconds


def test_retry_after_as_an_http_date():
    later = timezone.now() + dt.timedelta(seconds=90)
    assert 85 <= retry_after_seconds(format_datetime(later, usegmt=True)) <= 90
    earlier = timezone.now() - dt.timedelta(hours=1)
    assert retry_after_seconds(format_datetime(earlier, usegmt=True)) == 0.0


def test_sources_are_interleaved_by_host():
    items = [(1, "https://a.org/1"), (2, "https://a.org/2"), (3, "https://A.org/3"), (4, "https://b.org/1"),
             (5, "http://c.org/1"), (6, "https://b.org/2")]  # fmt: skip
    assert [pk for pk, _ in interleave_by_host(items)] == [1, 4, 5, 2, 6, 3]


@pytest.mark.parametrize(
    ("status", "health", "reason"),
    [
        (404, SourceHealth.BROKEN, "The page answered 404 Not Found"),
        (410, SourceHealth.BROKEN, "The page answered 410 Gone"),
        (500, SourceHealth.BROKEN, "The page answered 500 Internal Server Error"),
        (599, SourceHealth.BROKEN, "The page answered 599"),
        (301, SourceHealth.BROKEN, "The page answered 301 Moved Permanently without saying where to go"),
        (429, SourceHealth.UNREACHABLE, "The server asks us to slow down (429 Too Many Requests)"),
        (None, SourceHealth.BROKEN, "The server gave no answer"),
    ],
)
def test_an_http_answer_reads_in_words(status, health, reason):
    verdict = judge(
        FetchResult(url="https://example.org/", http_status=status),
        fingerprint="",
        previous_fingerprint="",
        change_pending=False,
    )
    assert (verdict.health, verdict.detail) == (health, reason)


def test_answered_names_the_status():
    assert answered(404) == "The page answered 404 Not Found" and answered(418) == "The page answered 418 I'm a Teapot"


@pytest.mark.parametrize(
    ("address", "plain"),
    [
        ("10.0.0.5", "Refused: the address is private"),
        ("127.0.0.1", "Refused: the address is this server itself (loopback)"),
        ("169.254.169.254", "Refused: the address is a cloud provider's metadata service"),
        ("169.254.1.1", "Refused: the address is link-local (this network only)"),
        ("100.64.0.1", "Refused: the address is not public"),
        ("0.0.0.0", "Refused: the address is unspecified (0.0.0.0)"),
    ],
)
def test_a_refused_address_reads_in_words(address, plain):
    ip = ipaddress.ip_address(address)
    refusal = AddressRefused("intranet.example", ip, refusal_reason(ip, allow_private=False))
    assert refusal.plain == plain
    assert str(refusal).startswith(f"intranet.example resolves to {address}, ")  # the detail keeps the facts


def test_every_refusal_reason_has_words():
    reasons = {refusal_reason(ipaddress.ip_address(a), allow_private=False) for a in (
        "10.0.0.1", "127.0.0.1", "169.254.169.254", "169.254.1.1", "100.64.0.1", "0.0.0.0", "224.0.0.1", "240.0.0.1",
    )}  # fmt: skip
    assert reasons <= set(REFUSAL_WORDS)
