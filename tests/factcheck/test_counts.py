"""factcheck.counts: a capped count that selects no column (so that an index can answer it alone)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Claim
from factcheck.counts import count_up_to
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


def test_counts_up_to_the_limit_and_selects_no_column():
    for n in range(5):
        ClaimFactory(unit="percent", value=10 + n)
    ClaimFactory(unit="count", value=12)
    percent = Claim.objects.filter(unit="percent", value__gte=11).order_by("-updated_at")
    with CaptureQueriesContext(connection) as queries:
        assert count_up_to(percent, 10) == 4
        assert count_up_to(percent, 3) == 3
        assert count_up_to(Claim.objects.filter(unit="people"), 3) == 0
    assert len(queries) == 3
    inner = re.search(r"FROM \((SELECT .*?) FROM", queries[0]["sql"]).group(1)
    assert re.fullmatch(r"SELECT\s*", inner), queries[0]["sql"]  # no column, no ORDER BY
    assert "ORDER BY" not in queries[0]["sql"]


def test_a_values_list_of_ids_counts_the_same():
    for _ in range(3):
        ClaimFactory()
    assert count_up_to(Claim.objects.values_list("id", flat=True), 10) == 3
