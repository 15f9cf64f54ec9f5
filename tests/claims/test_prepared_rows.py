"""The rows read by prepared statements (claims.selectors: claim_page, page_rows, related_rows, visible_claim) are the
ORM's own rows, read in one query, and a detail's visibility is claim_list's, for every status, published or not, and
every kind of reader."""

import itertools

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from claims.choices import VERDICTS, Status
from claims.models import Appearance, Claim, Evidence
from claims.selectors import (
    APPEARANCE_COLUMNS,
    EVIDENCE_COLUMNS,
    claim_list,
    claim_page,
    claim_rows,
    page_rows,
    related_rows,
    visible_claim,
    visible_claim_row,
)
from tests.factories import AppearanceFactory, ClaimFactory, EvidenceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def every_kind():
    """A claim of every status; each verdict once published and once waiting for publication."""
    claims = [ClaimFactory(status=status) for status in Status]
    claims += [ClaimFactory(status=status, published_at=None) for status in VERDICTS]
    return claims


@pytest.mark.parametrize("role", [None, "journalist", "fact-checker"])
def test_a_details_row_is_there_exactly_when_claim_list_shows_the_claim(every_kind, role):
    reader = AnonymousUser() if role is None else UserFactory(role=role)
    visible = set(claim_list(user=reader).values_list("id", flat=True))
    assert visible and (role is not None or len(visible) < len(every_kind))
    for claim in every_kind:
        row = visible_claim_row(user=reader, pk=claim.pk)
        assert (row is not None) == (claim.pk in visible), (role, claim.status, claim.published_at)
    assert visible_claim_row(user=reader, pk=max(c.pk for c in every_kind) + 1) is None


def test_page_rows_are_claim_rows_rows_in_the_ids_order(every_kind):
    ids = [claim.pk for claim in reversed(every_kind)]
    expected = {row["id"]: row for row in claim_rows(Claim.objects.all())}
    gone = max(ids) + 1  # an id deleted between the page's ids and its rows is left out
    assert page_rows([*ids[:2], gone, *ids[2:]]) == [expected[pk] for pk in ids]
    assert page_rows([]) == []


@pytest.fixture
def linked():
    """Claims with none, one or several appearances and evidence links, created out of claim order."""
    claims = ClaimFactory.create_batch(4)
    for claim, appearances, links in ((claims[2], 3, 1), (claims[0], 1, 2), (claims[3], 0, 0), (claims[1], 2, 0)):
        AppearanceFactory.create_batch(appearances, claim=claim)
        EvidenceFactory.create_batch(links, claim=claim)
    AppearanceFactory(claim=claims[0])  # a later id for an earlier claim
    return claims


def _orm(model, columns, ids):
    """{claim id: [rows]} as the ORM reads them, each claim's in id order."""
    grouped = {}
    for row in model.objects.filter(claim_id__in=ids).order_by("claim_id", "id").values(*columns):
        grouped.setdefault(row["claim_id"], []).append(row)
    return grouped


@pytest.mark.parametrize(("appearances", "evidence"), list(itertools.product([True, False], repeat=2)))
def test_claim_page_reads_the_orms_rows_in_one_query(linked, appearances, evidence, django_assert_num_queries):
    ids = [linked[3].pk, linked[0].pk, linked[2].pk, linked[1].pk]
    claim_page(ids, appearances=appearances, evidence=evidence)  # compiled (and its columns' types read) once
    with django_assert_num_queries(1):
        rows, by_claim_appearances, by_claim_evidence = claim_page(ids, appearances=appearances, evidence=evidence)
    expected = {row["id"]: row for row in claim_rows(Claim.objects.all())}
    assert rows == [expected[pk] for pk in ids]
    assert dict(by_claim_appearances) == (_orm(Appearance, APPEARANCE_COLUMNS, ids) if appearances else {})
    assert dict(by_claim_evidence) == (_orm(Evidence, EVIDENCE_COLUMNS, ids) if evidence else {})
    assert by_claim_appearances[linked[3].pk] == []  # a claim without links reads as an empty list


def test_related_rows_without_the_claims(linked, django_assert_num_queries):
    ids = [claim.pk for claim in linked]
    related_rows(ids)
    with django_assert_num_queries(1):
        by_claim_appearances, by_claim_evidence = related_rows(ids)
    assert dict(by_claim_appearances) == _orm(Appearance, APPEARANCE_COLUMNS, ids)
    assert dict(by_claim_evidence) == _orm(Evidence, EVIDENCE_COLUMNS, ids)
    with django_assert_num_queries(0):
        assert related_rows([]) == ({}, {})
        assert related_rows(ids, appearances=False, evidence=False) == ({}, {})


def test_visible_claim_brings_its_links_and_keeps_visibility(linked):
    claim = linked[2]
    row, appearances, evidence = visible_claim(user=UserFactory(role="journalist"), pk=claim.pk)
    assert row == claim_rows(Claim.objects.filter(pk=claim.pk)).get()
    assert appearances == _orm(Appearance, APPEARANCE_COLUMNS, [claim.pk])[claim.pk]
    assert evidence == _orm(Evidence, EVIDENCE_COLUMNS, [claim.pk])[claim.pk]
    unpublished = ClaimFactory(status=Status.UNVERIFIED)
    AppearanceFactory(claim=unpublished)
    assert visible_claim(user=AnonymousUser(), pk=unpublished.pk) is None


def test_prepared_statements_keep_one_plan_for_any_ids():
    """Left to choose, PostgreSQL plans a statement by ids afresh on every run (claims.selectors, the settings)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        mode = cursor.fetchone()[0]
    assert mode == ("force_generic_plan" if settings.DB_PREPARED_STATEMENTS else "auto")
