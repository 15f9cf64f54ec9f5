"""The excerpt check end to end: evidence whose excerpt leaves its page is flagged, and cleared when it returns.

(claims/source_checks.py is the hook the source check calls; it is tested here, through the check.)
"""

import pytest

from claims.source_checks import excerpt_in_text
from sources.checking.text import normalize_for_match
from sources.models import Source
from sources.services import check_sources
from tests.factories import EvidenceFactory, SourceFactory

pytestmark = pytest.mark.django_db

WITH = "<h1>Trade</h1><p>Trade turnover amounted to \u201c$244.8 billion\u201d \u2014 a record.</p>"
WITHOUT = "<h1>Trade</h1><p>Trade turnover fell.</p>"


def test_an_excerpt_gone_from_its_page_is_flagged_then_cleared(site):
    source = SourceFactory(url=site.html("/page", WITH))
    evidence = EvidenceFactory(source=source, excerpt='Trade turnover amounted to "$244.8 billion" - a record.')
    no_excerpt = EvidenceFactory(source=source, excerpt="", relation="contradicts")

    check_sources(sources=[source])
    evidence.refresh_from_db()
    assert evidence.excerpt_missing_since is None  # quotes, dashes and spacing differ; the words are there

    site.html("/page", WITHOUT)
    check_sources(sources=[source])
    evidence.refresh_from_db()
    flagged_at = Source.objects.get(pk=source.pk).last_checked_at
    assert evidence.excerpt_missing_since == flagged_at
    assert (
        evidence.history.latest().history_change_reason == "source check: the excerpt is no longer in the page's text"
    )

    check_sources(sources=[source])  # still gone: the flag keeps its first date
    evidence.refresh_from_db()
    assert evidence.excerpt_missing_since == flagged_at

    site.html("/page", WITH)
    check_sources(sources=[source])
    evidence.refresh_from_db()
    assert evidence.excerpt_missing_since is None
    assert evidence.history.latest().history_change_reason == "source check: the excerpt is in the page's text again"
    no_excerpt.refresh_from_db()
    assert no_excerpt.excerpt_missing_since is None and no_excerpt.history.count() == 1


def test_a_failed_fetch_does_not_flag_excerpts(site):
    source = SourceFactory(url=site.url("/missing"))  # the server answers 404
    evidence = EvidenceFactory(source=source)
    check_sources(sources=[source])
    evidence.refresh_from_db()
    assert evidence.excerpt_missing_since is None  # the source's own state says it is broken


@pytest.mark.parametrize(
    ("excerpt", "found"),
    [
        ("Trade turnover amounted to", True),
        ("TRADE TURNOVER", True),
        ("Trade turnover … a record", True),
        ("Trade turnover [...] a record", True),
        ("a record ... Trade turnover", False),  # elided parts must come in order
        ("Trade turnover rose", False),
    ],
)
def test_excerpt_matching(excerpt, found):
    page = normalize_for_match("Trade turnover amounted to \u201c$244.8 billion\u201d \u2014 a record.")
    assert excerpt_in_text(excerpt, page) is found


def test_the_source_check_reaches_the_excerpt_check_through_its_signal(site):
    from claims.receivers import check_excerpts_on_page_read
    from sources.signals import source_page_read

    source = SourceFactory(url=site.html("/page", WITHOUT))
    evidence = EvidenceFactory(source=source, excerpt="Trade turnover amounted to $244.8 billion")
    heard = []

    def listener(sender, **kwargs):
        heard.append(kwargs)

    source_page_read.connect(listener, dispatch_uid="test-listener")
    source_page_read.disconnect(dispatch_uid="claims-excerpt-check")
    try:
        check_sources(sources=[source])  # nothing but the signal links the check to the claims app
        evidence.refresh_from_db()
        assert evidence.excerpt_missing_since is None
    finally:
        source_page_read.disconnect(dispatch_uid="test-listener")
        source_page_read.connect(check_excerpts_on_page_read, dispatch_uid="claims-excerpt-check")
    checked_at = Source.objects.get(pk=source.pk).last_checked_at
    assert len(heard) == 1 and heard[0]["source_id"] == source.pk and heard[0]["checked_at"] == checked_at
    assert "Trade turnover fell." in heard[0]["page_text"]

    check_sources(sources=[source])  # the claims app connected again: the missing excerpt is flagged
    evidence.refresh_from_db()
    assert evidence.excerpt_missing_since == Source.objects.get(pk=source.pk).last_checked_at
