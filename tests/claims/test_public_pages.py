"""The public fact-check pages (claims.public): the index, one page per fact-check with its ClaimReview read back by
a real JSON-LD extractor, the tombstone, sitemap.xml, robots.txt and the Atom feed."""

import datetime as dt
import json
import xml.etree.ElementTree as ET

import extruct
import pytest
from django.test import override_settings

from claims.choices import RATING_BEST, RATING_WORST, Status
from claims.claimreview import HEADLINE_LENGTH, claim_headline, without_footnotes
from claims.services import claim_correct, claim_transition, claim_unpublish
from tests.factories import (
    AppearanceFactory,
    ClaimFactory,
    EvidenceFactory,
    UserFactory,
    publish,
    published_fact_check,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


def _claim_reviews(response) -> list[dict]:
    data = extruct.extract(response.content.decode(), base_url="http://testserver/", syntaxes=["json-ld"])
    return [item for item in data["json-ld"] if item.get("@type") == "ClaimReview"]


def _page_path(claim) -> str:
    from claims.claimreview import fact_check_path, first_appearance_row
    from claims.selectors import claim_rows, related_rows

    row = claim_rows(type(claim).objects.filter(pk=claim.pk)).get()
    appearances, _ = related_rows([claim.pk], evidence=False)
    return fact_check_path(claim.pk, claim_headline(row, first_appearance_row(appearances[claim.pk])))


def test_the_headline_rule_drops_footnote_markers_and_keeps_75_characters():
    assert without_footnotes("they met over 42 times [1]") == "they met over 42 times"
    assert without_footnotes("a figure [12] and [a] more") == "a figure and more"
    long = {"subject": "S" * 200, "value": None, "unit": "", "qualifier": "exact", "lower_bound": None,
            "upper_bound": None, "period": ""}  # fmt: skip
    assert len(claim_headline(long, {"quote": "q " * 80})) <= HEADLINE_LENGTH


def test_the_page_carries_one_claimreview_whose_url_is_the_page(client):
    claim = published_fact_check()
    path = _page_path(claim)
    assert path.startswith(f"/fact-checks/{claim.pk}-")
    response = client.get(path)
    assert response.status_code == 200
    (review,) = _claim_reviews(response)
    assert review["url"] == f"http://testserver{path}"
    assert review["claimReviewed"] == "trade reached approximately $245 billion in 2024, the ministry said"
    assert len(review["claimReviewed"]) <= HEADLINE_LENGTH and "[1]" not in review["claimReviewed"]
    assert review["datePublished"] == claim.published_at.date().isoformat()
    assert review["author"] == {
        "@type": "Organization",
        "name": "The Desk",
        "url": "https://desk.example.org/",
        "logo": "https://desk.example.org/logo.png",
    }
    rating = review["reviewRating"]
    assert rating["alternateName"] == "Misleading" and rating["ratingValue"] == 2
    assert (rating["bestRating"], rating["worstRating"]) == (RATING_BEST, RATING_WORST)
    item = review["itemReviewed"]
    assert item["@type"] == "Claim" and item["author"] == {"@type": "Person", "name": "Trade ministry"}
    assert item["datePublished"] == "2025"  # the source's year, not 2025-01-01
    assert item["firstAppearance"]["datePublished"] == "2025"
    assert item["appearance"][0]["headline"] == "Trade hits a record"
    text = response.content.decode()
    assert "placeholder" not in text and "example.org/" in text  # the organisation from the settings
    assert 'property="og:url"' in text and f'content="http://testserver{path}"' in text


def test_the_api_claimreview_is_the_same_as_the_pages(client, api_client):
    claim = published_fact_check()
    page = _claim_reviews(client.get(_page_path(claim)))[0]
    api = api_client.get(f"/api/v1/claims/{claim.pk}/claimreview/").json()
    assert api == page


def test_the_page_shows_the_claim_verdict_quote_evidence_people_and_corrections(client):
    publisher = UserFactory(username="publishing-editor", role="admin", first_name="Paul", last_name="Ink")
    claim = published_fact_check(publisher=publisher)
    body = client.get(_page_path(claim)).content.decode()
    assert "≈ $245 bn" in body  # the figure as people read it
    assert "Misleading" in body and "Customs data give $244.8 bn" in body
    assert "Bilateral <mark>trade reached approximately $245 billion" in body  # highlighted in its paragraph
    assert "Leaders met in Beijing" not in body  # the paragraph, not the whole text
    assert "Customs statistics 2024" in body and "Contradicts" in body and "$244.8 bn" in body and "+0.1 %" in body
    assert "Rita" in body and "Paul Ink" in body
    assert "No corrections." in body
    claim_correct(claim=claim, actor=publisher, note="False, not misleading: a tenth of a percent is not rounding.",
                  to=Status.FALSE)  # fmt: skip
    body = client.get(_page_path(claim)).content.decode()
    assert "a tenth of a percent is not rounding" in body and "Earlier verdict" in body
    assert body.index("Earlier verdict") < body.index("Misleading", body.index("Earlier verdict"))


def test_a_wrong_slug_redirects_to_the_right_one(client):
    claim = published_fact_check()
    path = _page_path(claim)
    for wrong in (f"/fact-checks/{claim.pk}-old-words/", f"/fact-checks/{claim.pk}/"):
        response = client.get(wrong)
        assert response.status_code == 301 and response["Location"] == path


def test_unpublished_verdicts_are_invisible_to_anonymous_readers_everywhere(client, api_client, fact_checker):
    shown = published_fact_check(subject="Shown trade")
    hidden = ClaimFactory(status=Status.IN_REVIEW, subject="Hidden trade")
    AppearanceFactory(claim=hidden)
    EvidenceFactory(claim=hidden, relation="supports")
    hidden = claim_transition(claim=hidden, to=Status.VERIFIED, actor=fact_checker, note="Right.")
    assert client.get(f"/fact-checks/{hidden.pk}-hidden-trade/").status_code == 404
    assert api_client.get(f"/api/v1/claims/{hidden.pk}/").status_code == 404
    assert api_client.get(f"/api/v1/claims/{hidden.pk}/claimreview/").status_code == 404
    index = client.get("/fact-checks/").content.decode()
    assert "Shown trade" in index and "Hidden trade" not in index
    feed = client.get("/fact-checks/feed/").content.decode()
    assert f"/fact-checks/{shown.pk}-" in feed and f"/fact-checks/{hidden.pk}-" not in feed
    sitemap = client.get("/sitemap.xml").content.decode()
    assert f"/fact-checks/{shown.pk}-" in sitemap and f"/fact-checks/{hidden.pk}-" not in sitemap
    feed_answer = api_client.get("/api/v1/claimreviews/")
    reviews = json.loads(b"".join(feed_answer.streaming_content))["dataFeedElement"]
    assert [r["url"].split("/fact-checks/")[1].split("-")[0] for r in reviews] == [str(shown.pk)]
    search = api_client.get("/factchecktools/v1alpha1/claims:search", {"query": "trade"}).json()
    assert [c["claimReview"][0]["url"] for c in search["claims"]] == [f"http://testserver{_page_path(shown)}"]
    # Staff read every claim through the API, but the public pages are the public's.
    client.force_login(fact_checker)
    assert client.get(f"/fact-checks/{hidden.pk}-hidden-trade/").status_code == 404


def test_an_unpublished_fact_check_answers_410_with_its_note(client, api_client):
    claim = published_fact_check()
    path = _page_path(claim)
    editor = UserFactory(username="another-editor", role="admin")
    claim_unpublish(claim=claim, actor=editor, note="The customs figure was for 2023, not 2024.")
    response = client.get(path)
    assert response.status_code == 410
    assert "The customs figure was for 2023, not 2024." in response.content.decode()
    assert not _claim_reviews(response)
    assert api_client.get(f"/api/v1/claims/{claim.pk}/claimreview/").status_code == 404
    assert f"/fact-checks/{claim.pk}-" not in client.get("/sitemap.xml").content.decode()


def test_the_index_searches_filters_and_pages(client):
    trade = published_fact_check(subject="Russia–China trade turnover")
    other = ClaimFactory(status=Status.VERIFIED, subject="Troops at the border", unit="people", value=40000,
                         period="2022", period_start=dt.date(2022, 1, 1), period_end=dt.date(2022, 12, 31))  # fmt: skip
    AppearanceFactory(claim=other, quote="some 40,000 troops")
    index = client.get("/fact-checks/").content.decode()
    assert index.index("Troops at the border") < index.index("Russia–China trade turnover")  # newest first
    found = client.get("/fact-checks/", {"q": "trade"}).content.decode()
    assert "Russia–China trade turnover" in found and "Troops at the border" not in found
    by_verdict = client.get("/fact-checks/", {"verdict": "verified"}).content.decode()
    assert "Troops at the border" in by_verdict and "Russia–China trade turnover" not in by_verdict
    publisher = trade.appearances.get().source.publisher
    by_publisher = client.get("/fact-checks/", {"publisher": publisher.pk}).content.decode()
    assert "Russia–China trade turnover" in by_publisher and "Troops at the border" not in by_publisher
    by_period = client.get("/fact-checks/", {"period_from": "2024"}).content.decode()
    assert "Russia–China trade turnover" in by_period and "Troops at the border" not in by_period
    bad = client.get("/fact-checks/", {"period_from": "soon"})
    assert bad.status_code == 200 and "period from" in bad.content.decode()


def test_the_index_pages_by_twenty(client):
    for n in range(23):
        ClaimFactory(status=Status.FALSE, subject=f"Claim number {n:02d}")
    first = client.get("/fact-checks/").content.decode()
    assert "Claim number 22" in first and "Claim number 02" not in first and "Page 1 of 2" in first
    second = client.get("/fact-checks/", {"page": 2}).content.decode()
    assert "Claim number 02" in second and "Claim number 22" not in second


def test_index_and_page_query_counts_are_pinned(client, django_assert_max_num_queries):
    claims = [published_fact_check(subject=f"Trade pair {n}") for n in range(3)]
    for claim in claims[:2]:
        EvidenceFactory(claim=claim, relation="context")
    ClaimFactory.create_batch(15, status=Status.VERIFIED)
    # the held word it may be (claims.search_terms; none here), count, the page's ids, their rows, appearances,
    # publishers
    with django_assert_max_num_queries(6):
        assert client.get("/fact-checks/", {"q": "trade"}).status_code == 200
    with django_assert_max_num_queries(5):
        assert client.get("/fact-checks/").status_code == 200
    path = _page_path(claims[0])
    with django_assert_max_num_queries(6):  # claim, appearances, evidence, source texts, people, corrections
        assert client.get(path).status_code == 200
    with django_assert_max_num_queries(7):  # fact-checks: count, page, appearances; sources, publishers: count, page
        assert client.get("/sitemap.xml").status_code == 200


def test_sitemap_robots_and_feed(client):
    claim = published_fact_check()
    path = _page_path(claim)
    sitemap = ET.fromstring(client.get("/sitemap.xml").content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [loc.text for loc in sitemap.findall("s:url/s:loc", ns)]
    assert f"http://testserver{path}" in locations and "http://testserver/fact-checks/" in locations
    robots = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in robots and "Sitemap: http://testserver/sitemap.xml" in robots
    feed = client.get("/fact-checks/feed/")
    assert feed["Content-Type"].startswith("application/atom+xml")
    atom = ET.fromstring(feed.content)
    entries = atom.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 1
    assert entries[0].find("{http://www.w3.org/2005/Atom}title").text.startswith("trade reached approximately")


def test_pages_name_no_placeholder_organisation(client):
    claim = published_fact_check()
    with override_settings(
        CLAIMREVIEW_AUTHOR={"name": "Desk", "url": "", "logo": "", "methodology_url": "", "contact": ""}
    ):
        response = client.get(_page_path(claim))
        (review,) = _claim_reviews(response)
    assert review["author"] == {"@type": "Organization", "name": "Desk"}
    assert "example" not in response.content.decode().split("<footer")[1]
    with override_settings(
        CLAIMREVIEW_AUTHOR={"name": "", "url": "", "logo": "", "methodology_url": "", "contact": ""}
    ):
        response = client.get(_page_path(claim))
        (review,) = _claim_reviews(response)
    assert "author" not in review  # no made-up organisation
    assert "Published by" not in response.content.decode()


def test_the_csp_header_is_sent_and_the_page_has_no_inline_style_or_script(client):
    claim = published_fact_check()
    response = client.get(_page_path(claim))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    body = response.content.decode()
    assert "<style" not in body
    assert body.count("<script") == body.count('<script type="application/ld+json">') == 1


def test_publishing_again_after_a_reopen_needs_a_second_person(client):
    claim = published_fact_check()
    reviewer = claim.reviewer
    claim = claim_transition(claim=claim, to=Status.IN_REVIEW, actor=reviewer, note="New data.")
    assert client.get(_page_path(claim)).status_code == 410
    claim = claim_transition(claim=claim, to=Status.FALSE, actor=reviewer, note="False after all.")
    assert client.get(f"/fact-checks/{claim.pk}/").status_code == 410
    publish(claim)
    assert client.get(f"/fact-checks/{claim.pk}/").status_code == 301


def test_bad_addresses_and_parameters_are_answered_not_crashed(client):
    published_fact_check()
    assert client.get("/fact-checks/99999999999999999999999-x/").status_code == 404
    for params in ({"publisher": "abc"}, {"page": "last-but-one"}, {"verdict": "nonsense"}, {"q": "-"}):
        assert client.get("/fact-checks/", params).status_code == 200
    assert "publisher" in client.get("/fact-checks/", {"publisher": "abc"}).content.decode()
