"""The rows read by prepared statements (claims.selectors: page_rows, visible_claim_row) are claim_rows' rows, and a
detail's visibility is claim_list's, for every status, published or not, and every kind of reader."""

import pytest
from django.contrib.auth.models import AnonymousUser

from claims.choices import VERDICTS, Status
from claims.models import Claim
from claims.selectors import claim_list, claim_rows, page_rows, visible_claim_row
from tests.factories import ClaimFactory, UserFactory

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
