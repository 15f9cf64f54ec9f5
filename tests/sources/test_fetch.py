"""Pieces of the fetcher and runner that need no server: Retry-After, host interleaving."""

import datetime as dt
from email.utils import format_datetime

import pytest
from django.utils import timezone

from sources.checking.fetch import retry_after_seconds
from sources.checking.runner import interleave_by_host


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
