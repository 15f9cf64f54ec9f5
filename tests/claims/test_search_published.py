"""A search document's published mark (ClaimSearch.published_at) follows selectors.PUBLISHED through every door a
claim's status or publication changes by, since a public search reads visibility off it (PUBLISHED_IN_SEARCH)."""

import pytest
from django.db import connection

from claims.choices import Status
from claims.maintenance import rebuild_search_documents
from claims.models import Claim, ClaimSearch
from claims.selectors import PUBLISHED, claim_list, published_claim_ids, published_claims
from claims.services import claim_correct, claim_transition, claim_unpublish
from tests.factories import ClaimFactory, UserFactory, publish, published_fact_check

pytestmark = pytest.mark.django_db


def assert_marks_follow_publication() -> None:
    """Every claim's document is marked with its published_at exactly while it is a published verdict."""
    published = dict(Claim.objects.filter(PUBLISHED).values_list("id", "published_at"))
    marks = dict(ClaimSearch.objects.filter(published_at__isnull=False).values_list("claim_id", "published_at"))
    assert marks == published
    assert ClaimSearch.objects.count() == Claim.objects.count()


def public_search(words: str) -> list[int]:
    return list(published_claims(filters={"q": words}).values_list("id", flat=True))


def test_the_mark_follows_publish_correct_unpublish_and_reopen():
    claim = published_fact_check(subject="Russia–China bilateral trade")
    ClaimFactory(subject="Russia–China trade in roubles", status=Status.IN_REVIEW)  # never published
    assert_marks_follow_publication()
    assert public_search("trade") == [claim.pk]

    checker = UserFactory(username="second-checker", role="fact-checker")
    claim = claim_correct(claim=claim, actor=checker, note="The rating was too harsh.", to=Status.VERIFIED)
    assert_marks_follow_publication()
    assert public_search("trade") == [claim.pk]

    claim = claim_unpublish(claim=claim, actor=checker, note="The source corrected its figure.")
    assert_marks_follow_publication()
    assert public_search("trade") == []

    claim = publish(claim, by=checker)
    assert_marks_follow_publication()
    claim = claim_transition(claim=claim, to=Status.IN_REVIEW, actor=checker, note="New figures came in.")
    assert_marks_follow_publication()
    assert public_search("trade") == []


def test_the_mark_follows_writes_around_the_services_and_a_rebuild():
    claims = [published_fact_check(subject=f"Trade figure {n}") for n in range(3)]
    with connection.cursor() as cursor:
        # Statements around the services, as a bulk import or a repair script would: a verdict taken back, another
        # verdict given (several rows at once), a publication date changed, a subject changed (the document is
        # rebuilt with its mark).
        cursor.execute("UPDATE claims_claim SET status = 'in_review', published_at = NULL WHERE id = %s",
                       [claims[0].pk])  # fmt: skip
        cursor.execute("UPDATE claims_claim SET status = 'false' WHERE id = ANY(%s)", [[c.pk for c in claims[1:]]])
        cursor.execute("UPDATE claims_claim SET published_at = published_at - interval '1 day' WHERE id = %s",
                       [claims[1].pk])  # fmt: skip
        cursor.execute("UPDATE claims_claim SET subject = 'Trade figure, restated' WHERE id = %s", [claims[2].pk])
    assert_marks_follow_publication()

    with connection.cursor() as cursor:
        cursor.execute("UPDATE claims_claimsearch SET published_at = NULL")
    rebuild_search_documents()
    assert_marks_follow_publication()


def test_a_reader_of_every_claim_searches_unpublished_claims_too():
    published = published_fact_check(subject="Pipeline gas exports")
    draft = ClaimFactory(subject="Pipeline gas imports", status=Status.IN_REVIEW)
    editor = UserFactory(username="desk-editor", role="fact-checker")
    assert set(claim_list(user=editor, filters={"q": "pipeline"}).values_list("id", flat=True)) == {
        published.pk,
        draft.pk,
    }
    assert list(claim_list(user=None, filters={"q": "pipeline"}).values_list("id", flat=True)) == [published.pk]
    # A blank search is no search: visibility is read off the claims themselves.
    assert list(claim_list(user=None, filters={"q": "  "}).values_list("id", flat=True)) == [published.pk]


def test_a_public_search_alone_reads_the_same_page_as_the_claims_query():
    # Ranks that differ (subject, quote, title) and ties (two subjects alike), published and not.
    for n, subject in enumerate(["Grain exports", "Grain exports", "Exports of grain and grain products", "Oil"]):
        published_fact_check(subject=subject, reviewer=UserFactory(username=f"rev-{n}", role="fact-checker"))
    ClaimFactory(subject="Grain harvest", status=Status.IN_REVIEW)
    for words in ("grain", "exports", "grain -oil", '"grain exports"', "trade", "nothing-like-it"):
        assert list(published_claim_ids(filters={"q": words})) == list(
            published_claims(filters={"q": words}).values_list("id", flat=True)
        ), words
    assert len(published_claim_ids(filters={"q": "grain"})) == 3
    # With another filter beside the search, the claims' own query answers.
    assert list(published_claim_ids(filters={"q": "grain", "status": "misleading"})) == list(
        published_claims(filters={"q": "grain", "status": "misleading"}).values_list("id", flat=True)
    )
