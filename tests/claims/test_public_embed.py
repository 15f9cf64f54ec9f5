"""The fact-check's embeddable card (/fact-checks/<id>-<slug>/embed/) and its oEmbed endpoint (/fact-checks/oembed/):
the card's statuses are the page's, framing is allowed on the card alone, the oEmbed answer's shape and refusals."""

import html
import re
from urllib.parse import quote

import pytest

from claims.choices import Status
from claims.services import claim_unpublish
from tests.factories import AppearanceFactory, ClaimFactory, UserFactory, published_fact_check

pytestmark = pytest.mark.django_db


def _paths(claim) -> tuple[str, str]:
    """(the fact-check page's path, its card's path)."""
    from claims.claimreview import claim_headline, fact_check_path, first_appearance_row
    from claims.public.links import embed_path
    from claims.selectors import claim_rows, related_rows

    row = claim_rows(type(claim).objects.filter(pk=claim.pk)).get()
    appearances, _ = related_rows([claim.pk], evidence=False)
    headline = claim_headline(row, first_appearance_row(appearances[claim.pk]))
    return fact_check_path(claim.pk, headline), embed_path(claim.pk, headline)


def _policy(response) -> dict[str, list[str]]:
    parts = [part.split() for part in response["Content-Security-Policy"].split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


def _oembed(client, url: str, **params):
    return client.get("/fact-checks/oembed/", {"url": url, **params})


def test_the_card_shows_headline_figure_verdict_explanation_organisation_and_the_page_link(client):
    claim = published_fact_check()
    page, card = _paths(claim)
    assert card == f"{page}embed/"
    response = client.get(card)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Trade reached approximately $245 billion in 2024, the ministry said" in body
    assert "≈ $245 bn" in body and ">Misleading<" in body
    assert "Customs data give $244.8 bn" in body
    assert "The Desk" in body  # the organisation (settings.CLAIMREVIEW_AUTHOR)
    assert f'href="http://testserver{page}" target="_blank" rel="noopener"' in body
    assert "claims/public-embed.css" in body and "claims/public.css" not in body  # its own style sheet
    assert "<script" not in body and "<style" not in body


def test_only_the_card_may_be_framed_by_other_sites(client):
    claim = published_fact_check()
    page, card = _paths(claim)
    framed = client.get(card)
    assert _policy(framed)["frame-ancestors"] == ["*"]
    assert "X-Frame-Options" not in framed
    assert _policy(framed)["script-src"] == ["'self'"]  # the rest of the policy stays as strict
    for path in (page, "/fact-checks/", "/fact-checks/methods/", "/admin/login/"):
        response = client.get(path)
        assert _policy(response)["frame-ancestors"] == ["'none'"], path
        assert response["X-Frame-Options"] == "DENY", path


def test_the_card_answers_as_the_page_does_404_unpublished_410_taken_down_301_wrong_slug(client):
    waiting = ClaimFactory(status=Status.FALSE, published_at=None, subject="Waiting trade")
    AppearanceFactory(claim=waiting)
    assert client.get(f"/fact-checks/{waiting.pk}-waiting-trade/embed/").status_code == 404
    assert client.get("/fact-checks/99999999999999999999999-x/embed/").status_code == 404

    claim = published_fact_check()
    page, card = _paths(claim)
    wrong = client.get(f"/fact-checks/{claim.pk}-old-words/embed/")
    assert wrong.status_code == 301 and wrong["Location"] == card
    claim_unpublish(claim=claim, actor=UserFactory(username="editor-2", role="admin"), note="Wrong year of data.")
    gone = client.get(card)
    assert gone.status_code == 410 and "Wrong year of data." in gone.content.decode()
    assert _policy(gone)["frame-ancestors"] == ["*"]  # the tombstone shows inside the other site's frame
    assert client.get(page).status_code == 410


def test_oembed_answers_a_rich_iframe_of_the_card(client):
    claim = published_fact_check()
    page, card = _paths(claim)
    response = _oembed(client, f"http://testserver{page}", format="json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    answer = response.json()
    assert answer == {
        "version": "1.0",
        "type": "rich",
        "title": "Trade reached approximately $245 billion in 2024, the ministry said",
        "html": answer["html"],
        "width": 560,
        "height": 300,
        "cache_age": 3600,
        "provider_name": "The Desk",
        "provider_url": "https://desk.example.org/",
        "author_name": "The Desk",
        "author_url": "https://desk.example.org/",
    }
    shape = r'<iframe src="([^"]+)" width="560" height="300" title="([^"]+)" .*></iframe>'
    iframe = re.fullmatch(shape, answer["html"])
    assert iframe and iframe[1] == f"http://testserver{card}"
    assert html.unescape(iframe[2]).startswith("Fact-check: Trade reached")
    # the card's address and the short address name the same fact-check
    for url in (f"http://testserver{card}", f"http://testserver/fact-checks/{claim.pk}/"):
        assert _oembed(client, url).json()["html"] == answer["html"]


def test_oembed_keeps_within_maxwidth_and_maxheight(client):
    page, _ = _paths(published_fact_check())
    answer = _oembed(client, f"http://testserver{page}", maxwidth="320", maxheight="200").json()
    assert (answer["width"], answer["height"]) == (320, 200)
    assert 'width="320" height="200"' in answer["html"]
    wide = _oembed(client, f"http://testserver{page}", maxwidth="2000").json()
    assert wide["width"] == 560  # a maximum, not a wish


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"format": "xml"}, 501, "format: only json"),
        ({"format": "yaml"}, 501, "format: only json"),
        ({"url": ""}, 400, "url: the address of the fact-check page"),
        ({"url": "/fact-checks/1-x/"}, 400, "url: the full address"),
        ({"url": "ftp://testserver/fact-checks/1-x/"}, 400, "url: the full address"),
        ({"url": "https://elsewhere.example.com/fact-checks/1-x/"}, 400, "is not this site"),
        ({"url": "http://testserver/fact-checks/methods/"}, 404, "no fact-check page at this address"),
        ({"url": "http://testserver/nowhere/"}, 404, "no fact-check page at this address"),
        ({"url": "http://testserver/fact-checks/99999999999999999999999-x/"}, 404, "no published fact-check"),
        ({"maxwidth": "wide"}, 400, "maxwidth: a whole number"),
        ({"maxheight": "0"}, 400, "maxheight: a whole number"),
    ],
)
def test_oembed_refusals_say_why(client, params, status, words):
    page, _ = _paths(published_fact_check())
    response = client.get("/fact-checks/oembed/", {"url": f"http://testserver{page}", **params})
    assert response.status_code == status
    assert words in response.json()["error"]


def test_oembed_knows_no_unpublished_or_taken_down_fact_check(client):
    waiting = ClaimFactory(status=Status.FALSE, published_at=None, subject="Waiting trade")
    AppearanceFactory(claim=waiting)
    assert _oembed(client, f"http://testserver/fact-checks/{waiting.pk}-waiting-trade/").status_code == 404
    claim = published_fact_check()
    page, _ = _paths(claim)
    claim_unpublish(claim=claim, actor=UserFactory(username="editor-2", role="admin"), note="Wrong year.")
    response = _oembed(client, f"http://testserver{page}")
    assert response.status_code == 404 and "no published fact-check" in response.json()["error"]


def test_the_page_links_its_oembed_and_shows_the_snippet_to_copy(client):
    claim = published_fact_check()
    page, card = _paths(claim)
    body = client.get(page).content.decode()
    link = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', body)
    assert link and html.unescape(link[1]) == (
        f"http://testserver/fact-checks/oembed/?url={quote(f'http://testserver{page}', safe='')}&format=json"
    )
    discovered = client.get(html.unescape(link[1]))
    assert discovered.status_code == 200 and discovered.json()["type"] == "rich"
    snippet = re.search(r'<textarea id="embed-code" readonly rows="4">(.*?)</textarea>', body, re.S)
    assert snippet and html.unescape(snippet[1]) == discovered.json()["html"]  # the same iframe as oEmbed's
    assert '<label for="embed-code">' in body and "<details>" in body  # readable without a script
    assert f'href="http://testserver{card}"' in body


def test_the_card_and_oembed_pin_their_query_counts(client, django_assert_max_num_queries):
    claim = published_fact_check()
    page, card = _paths(claim)
    with django_assert_max_num_queries(2):  # the claim, its appearances
        assert client.get(card).status_code == 200
    with django_assert_max_num_queries(2):
        assert _oembed(client, f"http://testserver{page}").status_code == 200
