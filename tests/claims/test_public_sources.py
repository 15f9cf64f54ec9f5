"""The public pages of a source and of a publisher (claims.public.sources): what was stated there and what it is
evidence for, published fact-checks only; not found when nothing public refers to them; paged; query counts pinned;
linked from the fact-check page and the index; in sitemap.xml."""

import xml.etree.ElementTree as ET

import pytest

from claims.choices import EvidenceRelation, Status
from claims.public.links import publisher_path, source_path
from claims.selectors import published_appearances, published_evidence
from claims.services import claim_unpublish
from tests.factories import (
    AppearanceFactory,
    ClaimFactory,
    EvidenceFactory,
    PublisherFactory,
    SourceFactory,
    UserFactory,
    published_fact_check,
)

pytestmark = pytest.mark.django_db


def _article_and_customs(claim):
    return claim.appearances.get().source, claim.evidence.get().source


def _path(source) -> str:
    return source_path(source.pk, source.title, source.url)


def test_the_selectors_give_published_fact_checks_only():
    claim = published_fact_check()
    article, customs = _article_and_customs(claim)
    waiting = ClaimFactory(status=Status.FALSE, published_at=None)
    AppearanceFactory(claim=waiting, source=article, quote="an unpublished quote")
    EvidenceFactory(claim=waiting, source=customs)
    draft = ClaimFactory(status=Status.IN_REVIEW)
    AppearanceFactory(claim=draft, source=article, quote="a draft's quote")
    assert [row["claim_id"] for row in published_appearances(source=article.pk)] == [claim.pk]
    assert [row["claim_id"] for row in published_appearances(publisher=article.publisher_id)] == [claim.pk]
    (row,) = published_evidence(source=customs.pk)
    assert (row["claim_id"], row["relation"], row["claim__status"]) == (claim.pk, "contradicts", Status.MISLEADING)
    assert list(published_evidence(publisher=customs.publisher_id)) == [row]
    assert not published_appearances(source=customs.pk).exists()


def test_a_source_page_shows_what_was_stated_in_it(client):
    claim = published_fact_check()
    article, _ = _article_and_customs(claim)
    response = client.get(_path(article))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Trade hits a record</h1>" in body
    assert "trade reached approximately $245 billion in 2024, the ministry said [1]" in body  # the quote
    assert ">Misleading<" in body and f'href="/fact-checks/{claim.pk}-trade-reached' in body
    assert "Trade ministry, 2025" in body  # who said it, when
    assert f'href="{publisher_path(article.publisher_id, "Daily Courier")}">Daily Courier</a>' in body
    assert "Not cited as evidence in a published fact-check." in body
    assert f'<link rel="canonical" href="http://testserver{_path(article)}">' in body
    assert 'property="og:title" content="Fact-checks of Trade hits a record"' in body
    assert 'name="twitter:card"' in body and "1 fact-checked statement made in it." in body
    assert 'name="description" content="Trade hits a record: 1 fact-checked statement made in it."' in body


def test_a_source_page_shows_what_it_is_evidence_for(client):
    claim = published_fact_check()
    _, customs = _article_and_customs(claim)
    body = client.get(_path(customs)).content.decode()
    assert "Contradicts" in body and "Trade turnover amounted to $244.8 billion." in body
    assert f'href="/fact-checks/{claim.pk}-trade-reached' in body
    assert "No published fact-check of a claim made in it." in body


def test_a_publisher_page_gathers_its_sources(client):
    claim = published_fact_check()
    article, customs = _article_and_customs(claim)
    second = SourceFactory(title="Trade, again", publisher=article.publisher)
    other = ClaimFactory(status=Status.FALSE, subject="Second trade claim")
    AppearanceFactory(claim=other, source=second, quote="trade doubled in a year")
    body = client.get(publisher_path(article.publisher_id, "Daily Courier")).content.decode()
    assert "<h1>Daily Courier</h1>" in body
    assert "trade doubled in a year" in body and "Trade ministry, in" in body
    assert (
        f'href="{_path(second)}">Trade, again</a>' in body
        and f'href="{_path(article)}">Trade hits a record</a>' in body
    )
    customs_page = client.get(publisher_path(customs.publisher_id, "Customs Service")).content.decode()
    assert "Contradicts" in customs_page and f'href="{_path(customs)}">Customs statistics 2024</a>' in customs_page


def test_unpublished_work_is_never_shown_and_its_sources_are_not_found(client):
    claim = published_fact_check()
    article, customs = _article_and_customs(claim)
    waiting = ClaimFactory(status=Status.FALSE, published_at=None)
    AppearanceFactory(claim=waiting, source=article, quote="an unpublished quote")
    EvidenceFactory(claim=waiting, source=customs, excerpt="an unpublished excerpt")
    hidden_source = SourceFactory(title="Only a draft cites this", publisher=PublisherFactory(name="Quiet Press"))
    draft = ClaimFactory(status=Status.IN_REVIEW)
    AppearanceFactory(claim=draft, source=hidden_source)
    EvidenceFactory(claim=draft, source=hidden_source, relation=EvidenceRelation.CONTEXT)
    assert "an unpublished quote" not in client.get(_path(article)).content.decode()
    assert "an unpublished excerpt" not in client.get(_path(customs)).content.decode()
    assert client.get(_path(hidden_source)).status_code == 404
    assert client.get(publisher_path(hidden_source.publisher_id, "Quiet Press")).status_code == 404
    client.force_login(UserFactory(username="checker", role="fact-checker"))  # the public pages are the public's
    assert client.get(_path(hidden_source)).status_code == 404
    client.logout()
    claim_unpublish(claim=claim, actor=UserFactory(username="editor-2", role="admin"), note="Taken down.")
    for path in (_path(article), _path(customs), publisher_path(article.publisher_id, "Daily Courier")):
        assert client.get(path).status_code == 404, path
    assert client.get("/fact-checks/sources/99999999999999999999999-x/").status_code == 404


def test_a_wrong_slug_redirects_to_the_right_one(client):
    claim = published_fact_check()
    article, _ = _article_and_customs(claim)
    response = client.get(f"/fact-checks/sources/{article.pk}-old-title/")
    assert response.status_code == 301 and response["Location"] == _path(article)
    response = client.get(f"/fact-checks/publishers/{article.publisher_id}-x/")
    assert response.status_code == 301 and response["Location"] == publisher_path(article.publisher_id, "Daily Courier")


def test_each_list_pages_by_twenty_keeping_the_others_page(client):
    source = SourceFactory(title="Busy wire")
    for n in range(23):
        claim = ClaimFactory(status=Status.FALSE, subject=f"Claim number {n:02d}")
        AppearanceFactory(claim=claim, source=source, quote=f"quote number {n:02d}")
        EvidenceFactory(claim=claim, source=source, excerpt=f"excerpt number {n:02d}")
    first = client.get(_path(source)).content.decode()
    assert "quote number 22" in first and "quote number 02" not in first and "Page 1 of 2" in first
    assert 'href="?stated=2"' in first and 'href="?evidence=2"' in first
    second = client.get(_path(source), {"stated": 2, "evidence": 1}).content.decode()
    assert "quote number 02" in second and "quote number 22" not in second
    assert "excerpt number 22" in second  # the other list stays on its page
    assert 'href="?stated=2&amp;evidence=2"' in second and 'href="?stated=1&amp;evidence=1"' in second
    assert client.get(_path(source), {"stated": "last"}).status_code == 200


def test_query_counts_are_pinned(client, django_assert_max_num_queries):
    source = SourceFactory(title="Busy wire")
    for n in range(25):
        claim = ClaimFactory(status=Status.FALSE, subject=f"Claim number {n:02d}")
        AppearanceFactory(claim=claim, source=source)
        AppearanceFactory(claim=claim)  # the headline's first appearance may be elsewhere
        EvidenceFactory(claim=claim, source=source)
    # the source; each list's count and page; the appearances the headlines are made from
    with django_assert_max_num_queries(6):
        assert client.get(_path(source)).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(publisher_path(source.publisher_id, source.publisher.name)).status_code == 200


def test_the_fact_check_page_and_the_index_link_to_them(client):
    claim = published_fact_check()
    article, customs = _article_and_customs(claim)
    page = client.get(f"/fact-checks/{claim.pk}/", follow=True).content.decode()
    for path in (_path(article), _path(customs), publisher_path(article.publisher_id, "Daily Courier"),
                 publisher_path(customs.publisher_id, "Customs Service")):  # fmt: skip
        assert f'href="{path}"' in page, path
        assert client.get(path).status_code == 200
    index = client.get("/fact-checks/").content.decode()
    assert f'href="{_path(article)}">Trade hits a record</a>' in index


def test_the_sitemap_lists_the_public_sources_and_publishers_only(client):
    claim = published_fact_check()
    article, customs = _article_and_customs(claim)
    hidden_source = SourceFactory(title="Only a draft cites this", publisher=PublisherFactory(name="Quiet Press"))
    AppearanceFactory(claim=ClaimFactory(status=Status.IN_REVIEW), source=hidden_source)
    sitemap = ET.fromstring(client.get("/sitemap.xml").content)
    locations = {
        loc.text for loc in sitemap.findall("s:url/s:loc", {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"})
    }
    for path in (_path(article), _path(customs), publisher_path(article.publisher_id, "Daily Courier"),
                 publisher_path(customs.publisher_id, "Customs Service")):  # fmt: skip
        assert f"http://testserver{path}" in locations
    assert not any("quiet-press" in location or "only-a-draft" in location for location in locations)


def test_a_source_without_a_title_is_named_by_its_address(client):
    source = SourceFactory(title="", url="https://news.example.org/story/1")
    AppearanceFactory(claim=ClaimFactory(status=Status.FALSE), source=source)
    assert _path(source) == f"/fact-checks/sources/{source.pk}-news-example-org-story-1/"
    body = client.get(_path(source)).content.decode()
    assert "<h1>https://news.example.org/story/1</h1>" in body
