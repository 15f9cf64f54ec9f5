"""Reads with rules for sources: the source that holds an address, after normalisation."""

import pytest

from sources.selectors import source_with_url, sources_with_urls
from sources.urlnorm import InvalidURL
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


def test_the_source_with_an_address_is_found_however_the_address_is_written():
    report = SourceFactory(url="https://www.example.org/report?id=7")
    SourceFactory(url="https://www.example.org/other")
    assert source_with_url("HTTPS://WWW.EXAMPLE.ORG:443/report/?id=7&utm_source=feed#top") == report
    assert source_with_url("https://www.example.org/report?id=7", other_than=report.pk) is None  # its own address
    assert source_with_url("https://www.example.org/report?id=8") is None
    with pytest.raises(InvalidURL, match="http:// or https://"):
        source_with_url("ftp://files.example.org/report.pdf")


def test_many_addresses_in_one_query(django_assert_num_queries):
    first, second = SourceFactory(url="https://x.org/a"), SourceFactory(url="https://x.org/b")
    with django_assert_num_queries(1):
        found = sources_with_urls({"https://x.org/a", "https://x.org/b", "https://x.org/c"})
    assert found == {"https://x.org/a": first, "https://x.org/b": second}
    assert sources_with_urls(set()) == {}
