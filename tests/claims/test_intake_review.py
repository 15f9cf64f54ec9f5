"""The intake's review screen in the admin (claims.admin.intake): the text with its pending figures highlighted at
their exact offsets and ranked beside it, with matches and conflicts; accept, attach, dismiss and accept selected as
plain POST forms (PRG), refusals on their candidate with the field named; for staff who may create claims."""

import datetime as dt
import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from claims.choices import Status, Unit
from claims.models import Appearance, Claim, IntakeDismissal
from claims.services import pending_candidates
from tests.factories import AppearanceFactory, ClaimFactory, SourceFactory

pytestmark = pytest.mark.django_db

ARTICLE = (
    "Since 2013, Putin and Xi have met over 42 times. "
    "Russia-China trade reached approximately $245 billion annually by 2024. "
    "The two countries share a 4,200 km border.\n"
)


@pytest.fixture
def source():
    return SourceFactory(title="Two leaders", text=ARTICLE)


@pytest.fixture
def checker_client(client, fact_checker):
    client.force_login(fact_checker)
    return client


def _url(source):
    return reverse("desk_intake_review", args=[source.pk])


def _key(text):
    start = ARTICLE.index(text)
    return f"{start}-{start + len(text)}"


def _meetings(status=Status.UNVERIFIED, value=42):
    claim = ClaimFactory(
        subject="Putin and Xi meetings",
        value=Decimal(value),
        unit=Unit.COUNT,
        qualifier="over",
        period="2013/",
        period_start=dt.date(2013, 1, 1),
        period_end=None,
        status=status,
    )
    AppearanceFactory(claim=claim, quote="Putin and Xi have met", source__text="Putin and Xi have met often.")
    return claim


def _accept_data(key, **fields):
    data = {"action": "accept", "key": key}
    review = next(r for r in pending_candidates(SourceFactory(text=ARTICLE)) if r.key == key)
    from claims.admin.intake import accept_form_initial

    data |= {f"{key}-{name}": value for name, value in accept_form_initial(review).items()}
    data |= {f"{key}-{name}": value for name, value in fields.items()}
    return data


def test_the_screen_highlights_every_pending_candidate_at_its_offsets_ranked(checker_client, source):
    claim = _meetings()
    page = checker_client.get(_url(source))
    assert page.status_code == 200
    html = page.content.decode()
    reviews = pending_candidates(source)
    for review in reviews:
        mark = re.search(rf'<mark class="intake-mark intake-(\w+)" id="t-{review.key}"><a [^>]*>(.*?)</a>', html)
        assert mark, review.key
        assert unescape(mark.group(2)) == ARTICLE[review.candidate.start : review.candidate.end]
        assert mark.group(1) == review.kind
    # the cards in rank order
    keys = re.findall(r'<li class="intake-card [^"]*" id="c-([\d-]+)"', html)
    assert keys == [r.key for r in reviews]
    # the match: the claim's link and status
    card = html[html.index(f'id="c-{_key("over 42")}"') :]
    assert reverse("admin:claims_claim_change", args=[claim.pk]) in card.split("</li>")[0]
    assert f"Attach to #{claim.pk}" in card


def test_a_conflict_says_both_figures(checker_client, source):
    claim = _meetings(value=40)
    html = unescape(checker_client.get(_url(source)).content.decode())
    assert f"in claim #{claim.pk}" in html and "intake-match-conflict" in html
    assert f"Attach to #{claim.pk}" not in html  # another figure: not the same claim


def test_the_review_pins_its_queries(checker_client, source, django_assert_num_queries):
    checker_client.get(_url(source))  # the session and the user's permissions, cached after the first request
    # session, user, its two permission reads, source, dismissals, appearances, the matching
    with django_assert_num_queries(8) as first:
        checker_client.get(_url(source))
    _meetings()
    _meetings(value=40)
    ClaimFactory(subject="Russia–China trade")
    with django_assert_num_queries(len(first.captured_queries)):
        checker_client.get(_url(source))


def test_only_staff_who_may_create_claims_see_it(client, journalist, source):
    assert client.get(_url(source)).status_code == 302  # to the login
    client.force_login(journalist)
    assert client.get(_url(source)).status_code == 403
    assert client.post(_url(source), {"action": "dismiss", "key": _key("2013")}).status_code == 403
    assert client.get(reverse("desk_intake")).status_code == 403
    assert not IntakeDismissal.objects.exists()


def test_accept_creates_the_claim_then_redirects_with_a_message(checker_client, source):
    key = _key("approximately $245 billion")
    answer = checker_client.post(_url(source), _accept_data(key, subject="Russia–China trade", value="244.8 bn"))
    assert answer.status_code == 302 and answer.url == _url(source)
    claim = Claim.objects.get()
    assert (claim.subject, claim.value, claim.unit) == ("Russia–China trade", Decimal("244800000000"), Unit.USD)
    appearance = claim.appearances.get()
    assert ARTICLE[appearance.start_offset : appearance.end_offset] == appearance.quote
    page = checker_client.get(answer.url)
    assert "accepted" in page.content.decode() and f'id="c-{key}"' not in page.content.decode()


def test_a_bad_figure_is_shown_on_its_candidate_naming_the_field(checker_client, source):
    key = _key("approximately $245 billion")
    page = checker_client.post(_url(source), _accept_data(key, value="lots", period="someday"))
    assert page.status_code == 200 and not Claim.objects.exists()
    html = unescape(page.content.decode())
    card = html[html.index(f'id="c-{key}"') :].split("</li>\n")[0]
    assert "Value:" in card and "Period:" in card
    assert "<details open>" in card


def test_a_refusal_of_the_service_is_shown_on_its_candidate(checker_client, source):
    key = _key("approximately $245 billion")
    page = checker_client.post(_url(source), _accept_data(key, quote="The weather"))
    html = unescape(page.content.decode())
    card = html[html.index(f'id="c-{key}"') :].split("</li>\n")[0]
    assert "Quote:" in card and "must be a passage" in card
    assert not Claim.objects.exists()


def test_attach_and_dismiss(checker_client, source, fact_checker):
    claim = _meetings()
    answer = checker_client.post(_url(source), {"action": "attach", "key": _key("over 42"), "claim": claim.pk})
    assert answer.status_code == 302
    assert Appearance.objects.filter(claim=claim, source=source).exists()
    answer = checker_client.post(_url(source), {"action": "dismiss", "key": _key("2013"), "reason": "a bare date"})
    assert answer.status_code == 302
    assert IntakeDismissal.objects.get().reason == "a bare date"


def test_attach_by_a_typed_number_and_its_refusal(checker_client, source):
    page = checker_client.post(_url(source), {"action": "attach", "key": _key("over 42"), "claim_id": "#98765"})
    assert page.status_code == 200 and "There is no claim #98765" in unescape(page.content.decode())
    page = checker_client.post(_url(source), {"action": "attach", "key": _key("over 42"), "claim_id": "x"})
    assert "claim: give the number" in page.content.decode()


def test_accept_selected_is_all_or_nothing(checker_client, source):
    keys = [_key("approximately $245 billion"), _key("over 42")]
    answer = checker_client.post(_url(source), {"action": "accept_selected", "selected": keys})
    assert answer.status_code == 302 and Claim.objects.count() == 2
    page = checker_client.post(_url(source), {"action": "accept_selected", "selected": []})
    assert page.status_code == 200 and "Select the candidates" in page.content.decode()


def test_a_stale_key_is_refused_with_a_message(checker_client, source):
    page = checker_client.post(_url(source), {"action": "dismiss", "key": "1-2"})
    assert page.status_code == 200 and "No pending candidate at 1-2" in page.content.decode()


def test_the_source_page_and_the_home_page_link_the_review(checker_client, source):
    page = checker_client.get(reverse("admin:sources_source_change", args=[source.pk])).content.decode()
    count = len(pending_candidates(source))
    assert f'href="{_url(source)}" id="review-figures-link">Review figures ({count})</a>' in page
    assert 'id="desk-intake-link"' in checker_client.get(reverse("admin:index")).content.decode()


def test_the_sources_list_pins_its_queries(checker_client, source, django_assert_num_queries):
    SourceFactory(text="")  # no text: not listed
    checker_client.get(reverse("desk_intake"))
    with django_assert_num_queries(6) as first:  # session, user, its two permission reads, count, page
        page = checker_client.get(reverse("desk_intake"))
    assert page.content.decode().count('class="intake-review-link"') == 1
    SourceFactory.create_batch(3, text="Another text with 12 figures.")
    with django_assert_num_queries(len(first.captured_queries)):
        page = checker_client.get(reverse("desk_intake"))
    assert page.content.decode().count('class="intake-review-link"') == 4
