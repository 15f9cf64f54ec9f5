"""The held rankings of frequent words (claims.search_terms, migration claims 0027): a page read off a word's held
matches is the ranking's own page, for every reader's order, after the refresh and after every kind of write, and
a page below the cut is left to the ranking."""

import datetime as dt
import itertools
import random

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from claims.choices import Status
from claims.models import Claim, SearchTerm, SearchTermCount, SearchTermMatch
from claims.search_terms import refresh_search_terms
from claims.selectors import (
    _matched_documents,
    claim_search_ids,
    held_search,
    published_claim_ids,
)
from claims.services import claim_transition, claim_unpublish
from tests.factories import AppearanceFactory, ClaimFactory, EvidenceFactory, SourceFactory, UserFactory, publish

pytestmark = pytest.mark.django_db

HELD, MIN_MATCHES = 7, 10
SUBJECTS = [
    "Grain trade with Egypt",
    "Grain trade, grain trade again",
    "Wheat exports to Egypt",
    "Trade in wheat and grain trade routes",
    "Oil output in 2024",
]
QUOTES = ["", "trade rose by a third", "trade, trade and more trade", "exports of wheat rose"]
TITLES = ["Annual report", "Trade statistics", "Grain market review"]
EARLY = timezone.make_aware(dt.datetime(2025, 3, 1, 12))


@pytest.fixture
def corpus(db):
    """Forty claims whose ranks for 'trade' tie in groups (subject, quotes, titles in several combinations), some
    published (several at the same moment), some not."""
    rng = random.Random(7)
    claims = []
    for n, (subject, quote, title) in enumerate(itertools.islice(itertools.cycle(
            itertools.product(SUBJECTS, QUOTES, TITLES)), 0, 120, 3)):  # fmt: skip
        status = rng.choice([Status.VERIFIED, Status.FALSE, Status.IN_REVIEW, Status.UNVERIFIED])
        published_at = EARLY + dt.timedelta(days=n % 3) if status in (Status.VERIFIED, Status.FALSE) else None
        claim = ClaimFactory(subject=subject, status=status, published_at=published_at)
        if quote:
            AppearanceFactory(claim=claim, quote=quote, source=SourceFactory(title=title))
        claims.append(claim)
    return claims


def ranked(text: str, *, reads_all: bool, public: bool = False) -> list[int]:
    """The ranking as a search computes it, every match ranked (what a held page must equal)."""
    documents = _matched_documents(UserFactory(username="all", role="fact-checker") if reads_all else None, text)
    order = ("-rank", "-published_at", "-claim_id") if public else ("-rank", "-claim_id")
    return list(documents.order_by(*order).values_list("claim_id", flat=True))


def held_page(word: str, bottom: int, top: int, **order) -> list[int] | None:
    held = held_search(text=word, **order)
    return None if held is None else held.page(bottom, top)


ORDERS = [{"reads_all": True}, {"reads_all": False}, {"reads_all": False, "public": True}]


def assert_held_pages_are_the_ranking(word: str, *, expect_held: bool | None = True) -> None:
    """Every window a held page answers is that window of the ranking; with `expect_held` True, the staff's first
    page is answered, False none is, None either."""
    for order in ORDERS:
        full = ranked(word, **order)
        answered = 0
        for bottom in range(0, len(full) + 2):
            for top in range(bottom + 1, min(bottom + 5, len(full) + 3)):
                page = held_page(word, bottom, top, **order)
                if page is not None:
                    assert page == full[bottom:top], (order, bottom, top)
                    answered += 1
        held = held_search(text=word, **order)
        count = None if held is None else held.count
        if count is not None:  # a held word's count: exact, whatever was written since the cut
            assert count == len(full), order
        if expect_held and order.get("reads_all"):
            assert held_page(word, 0, 3, **order) == full[:3]
            assert count is not None
        if expect_held is False:
            assert answered == 0 and count is None


def refresh():
    return refresh_search_terms(held=HELD, min_matches=MIN_MATCHES)


def test_a_frequent_word_is_held_and_its_pages_are_the_rankings(corpus):
    summary = refresh()
    assert "trade" in summary.held and summary.held["trade"] == len(ranked("trade", reads_all=True))
    assert "oil" not in summary.held  # in eight documents: ranked as it is
    term = SearchTerm.objects.get(lexeme="trade")
    assert term.query == "'trade'"
    assert SearchTermMatch.objects.filter(term=term, staff=True).count() == HELD
    assert SearchTermMatch.objects.filter(term=term, public=True).count() == HELD
    full = ranked("trade", reads_all=True)
    assert held_page("trade", 0, HELD, reads_all=True) == full[:HELD]
    assert held_page("trade", 0, HELD + 1, reads_all=True) is None  # below the cut
    assert held_page("trade", HELD, HELD + 2, reads_all=True) is None
    for word in ("trade", "Trade", "trading", "grain"):  # "trading" stems to the held 'trade'
        assert_held_pages_are_the_ranking(word)
    assert_held_pages_are_the_ranking("oil", expect_held=False)
    assert_held_pages_are_the_ranking("trade -grain", expect_held=False)  # a query of several words isn't held
    assert_held_pages_are_the_ranking("trade grain", expect_held=False)


def test_writes_through_every_door_keep_the_held_pages_the_rankings(corpus):
    refresh()
    checker = UserFactory(username="second-checker", role="fact-checker")
    # A new claim ranking above every held one, with its appearance (the document is written twice).
    best = ClaimFactory(subject="Trade, trade, trade: trade figures", status=Status.VERIFIED)
    AppearanceFactory(claim=best, quote="trade and trade", source=SourceFactory(title="Trade review"))
    assert ranked("trade", reads_all=True)[0] == best.pk
    assert_held_pages_are_the_ranking("trade")
    # A held claim's subject loses the word; another's appearance is deleted; a source's title gains it.
    top = ranked("trade", reads_all=True)
    Claim.objects.filter(pk=top[1]).update(subject="Oil output")  # around the services, as a script would
    Claim.objects.get(pk=top[2]).appearances.all().delete()
    SourceFactory._meta.model.objects.filter(title="Annual report").update(title="Annual trade report")
    assert_held_pages_are_the_ranking("trade")
    # Publication moves: published, unpublished, taken back to review.
    draft = Claim.objects.filter(status=Status.IN_REVIEW, subject__icontains="trade").first()
    EvidenceFactory(claim=draft)
    claim_transition(claim=draft, to=Status.VERIFIED, actor=UserFactory(username="reviewer", role="fact-checker"))
    publish(Claim.objects.get(pk=draft.pk), by=checker)
    assert_held_pages_are_the_ranking("trade")
    shown = ranked("trade", reads_all=False)
    claim_unpublish(claim=Claim.objects.get(pk=shown[0]), actor=checker, note="The source corrected its figure.")
    assert_held_pages_are_the_ranking("trade")
    # Deleted claims take their held matches with them.
    Claim.objects.filter(pk__in=ranked("trade", reads_all=True)[:3]).delete()
    assert not SearchTermMatch.objects.exclude(claim_id__in=Claim.objects.values("pk")).exists()
    assert_held_pages_are_the_ranking("trade", expect_held=None)
    assert SearchTermCount.objects.exists()  # the changes since the cut, which the next cut folds in
    # A second refresh cuts again at HELD.
    refresh()
    assert not SearchTermCount.objects.filter(term__lexeme="trade").exists()
    assert_held_pages_are_the_ranking("trade")


def test_a_rebuild_of_every_document_keeps_them(corpus):
    refresh()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE claims_claim SET subject = subject || ' trade' WHERE id % 3 = 0")
    call_command("repair_claim_data", stdout=open("/dev/null", "w"))  # noqa: SIM115 - the output is not read
    assert_held_pages_are_the_ranking("trade")


def test_a_word_no_longer_frequent_is_dropped(corpus):
    refresh()
    assert SearchTerm.objects.filter(lexeme="grain").exists()
    Claim.objects.filter(subject__icontains="grain").delete()
    summary = refresh()
    assert "grain" in summary.dropped
    assert not SearchTerm.objects.filter(lexeme="grain").exists()
    assert_held_pages_are_the_ranking("grain", expect_held=False)


def test_the_api_admin_and_public_pages_read_held_pages(corpus, client):
    refresh()
    # Through the API, staff and anonymous: the same ids as the ranking, page after page.
    editor = UserFactory(username="editor", role="fact-checker")
    for user, reads_all in ((editor, True), (None, False)):
        ids = claim_search_ids(user=user, filters={"q": "trade"})
        full = ranked("trade", reads_all=reads_all)
        assert [ids[b : b + 3] for b in range(0, len(full), 3)] == [full[b : b + 3] for b in range(0, len(full), 3)]
        assert ids.counted.count() == len(full)
    public = published_claim_ids(filters={"q": "trade"})
    full = ranked("trade", reads_all=False, public=True)
    assert public[0:5] == full[:5] and public[5:50] == full[5:50]
    response = client.get("/api/v1/claims/", {"q": "trade", "page_size": 5})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [row["id"] for row in body["results"]] == ranked("trade", reads_all=False)[:5]
    assert body["count"] == len(ranked("trade", reads_all=False))
    page = client.get("/fact-checks/", {"q": "trade"})
    assert page.status_code == 200
    # The admin's change list: the held count, exact, and the ranking's first page.
    client.force_login(editor)
    page = client.get("/admin/claims/claim/", {"q": "trade"})
    assert page.status_code == 200
    assert page.context["cl"].paginator.count == len(ranked("trade", reads_all=True))
    assert [claim.pk for claim in page.context["cl"].result_list][:5] == ranked("trade", reads_all=True)[:5]


def test_the_command_refuses_a_bad_number_and_prints_a_summary(corpus, capsys):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--held must be 1 or more"):
        call_command("refresh_search_terms", held=0)
    with pytest.raises(ValueError, match="must be 1 or more, not 0 and 10"):
        refresh_search_terms(held=0, min_matches=10)
    assert not SearchTerm.objects.exists()  # refused before anything was written
    call_command("refresh_search_terms", held=HELD, min_matches=MIN_MATCHES)
    out = capsys.readouterr().out
    assert "Words held: " in out and "trade (" in out and "Words dropped: 0." in out


def test_the_workers_schedule_refreshes_them_as_a_job(corpus, settings):
    from jobs.models import JobStatus
    from jobs.queue import start_due_jobs

    settings.JOBS_SCHEDULE = {"refresh": {"start": "claims.search_term_jobs.start_refresh", "every": 3600}}
    settings.SEARCH_TERMS_HELD, settings.SEARCH_TERMS_MIN_MATCHES = HELD, MIN_MATCHES
    [job] = start_due_jobs()
    job.refresh_from_db()
    assert (job.kind, job.status, job.started_by) == ("search terms refresh", JobStatus.SUCCEEDED, None)
    assert job.done == job.total == len(job.result["held"]) and "trade" in job.result["held"]
    assert job.result["lines"][0].startswith("Words held: ")
    assert_held_pages_are_the_ranking("trade")
    assert start_due_jobs() == []  # within the interval
