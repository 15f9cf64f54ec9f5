import pytest

from sources.urlnorm import InvalidURL, normalize_url

SAME = [
    ("HTTPS://WWW.Example.ORG/a/b", "https://www.example.org/a/b"),
    ("https://example.org:443/a", "https://example.org/a"),
    ("http://example.org:80/a", "http://example.org/a"),
    ("http://example.org:8080/a", "http://example.org:8080/a"),
    ("https://example.org/a/", "https://example.org/a"),
    ("https://example.org/", "https://example.org"),
    ("https://example.org/a#section-2", "https://example.org/a"),
    ("https://example.org/a?utm_source=x&utm_medium=y&id=7", "https://example.org/a?id=7"),
    ("https://example.org/a?fbclid=abc&gclid=def", "https://example.org/a"),
    ("https://example.org/a?b=2&a=1", "https://example.org/a?a=1&b=2"),
    ("  https://example.org/a  ", "https://example.org/a"),
    ("https://example.org/Path/Case", "https://example.org/Path/Case"),
]


@pytest.mark.parametrize(("raw", "expected"), SAME)
def test_normalize_url(raw, expected):
    assert normalize_url(raw) == expected


def test_variants_of_one_url_normalise_alike():
    variants = [
        "https://www.prospectmagazine.co.uk/world/united-states/69447/the-flaw-in-trumps-genius-china-strategy",
        "HTTPS://www.ProspectMagazine.co.uk:443/world/united-states/69447/the-flaw-in-trumps-genius-china-strategy/",
        "https://www.prospectmagazine.co.uk/world/united-states/69447/the-flaw-in-trumps-genius-china-strategy"
        "?utm_campaign=share#top",
    ]
    assert len({normalize_url(url) for url in variants}) == 1


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "empty"),
        ("ftp://example.org/file", "http"),
        ("example.org/a", "http"),
        ("https:///nohost", "no host"),
        ("https://user:pw@example.org/", "user name"),
        ("https://example.org:99999/", "not a valid URL"),
    ],
)
def test_invalid_urls_are_refused_with_a_reason(raw, message):
    with pytest.raises(InvalidURL, match=message):
        normalize_url(raw)
