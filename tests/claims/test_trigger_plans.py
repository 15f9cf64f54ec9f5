"""The database's triggers plan their statements for the tables as they are (migration claims 0025).

An import writes batch after batch in one session and one transaction. A trigger statement whose plan was kept from
the first batches, made while the tables held a few rows, walked a whole table on every later batch: the import's
time grew with the square of its size. The plans are read here with PostgreSQL's auto_explain, which reports the
plan of every statement a trigger runs (skipped where the server lacks it).
"""

import collections

import pytest
from django.db import connection

from claims.models import Appearance, Claim, Evidence
from tests.factories import AppearanceFactory, ClaimFactory, EvidenceFactory, SourceFactory

pytestmark = pytest.mark.django_db

GROWN = 20000


def _copies(model, pk: int, refs: list[int], changes: dict[str, str]) -> list[int]:
    """A copy of `model`'s row `pk` for each of `refs`, in one INSERT … SELECT (one statement: its statement
    triggers fire once, as for an import's batch); `changes` are SQL expressions of the copy's ref (`g.ref`) and
    number (`g.n`). Returns the copies' ids."""
    table = model._meta.db_table
    columns = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    names = ", ".join(f'"{column}"' for column in columns)
    values = ", ".join(changes.get(column, f't."{column}"') for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {values} "
            f"FROM {table} t, unnest(%s::bigint[]) WITH ORDINALITY AS g(ref, n) WHERE t.id = %s RETURNING id",
            [refs, pk],
        )
        return [row[0] for row in cursor.fetchall()]


class Plans:
    """The plans auto_explain reports on this connection between start() and read() (statements a trigger runs
    included)."""

    def __init__(self) -> None:
        # psycopg2 keeps the last 50 notices in its own list; a deque of its own keeps every one (a batch's row-level
        # triggers report a plan per row).
        self.notices: collections.deque[str] = collections.deque()
        self.kept, connection.connection.notices = connection.connection.notices, self.notices

    def _level(self, level: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"SET client_min_messages = {level}")

    def start(self) -> None:
        self.notices.clear()
        self._level("log")  # auto_explain reports at LOG: sent to this client as notices

    def read(self) -> str:
        self._level("notice")
        text = "".join(self.notices)
        self.notices.clear()
        return text


@pytest.fixture
def explained():
    """auto_explain on for this connection (skipped where the server lacks it)."""
    with connection.cursor() as cursor:
        try:
            cursor.execute("SAVEPOINT before_auto_explain; LOAD 'auto_explain'")
        except Exception as exc:  # not installed, or not ours to load: nothing to read the plans with
            cursor.execute("ROLLBACK TO SAVEPOINT before_auto_explain")
            pytest.skip(f"auto_explain unavailable: {exc}")
        cursor.execute("SET auto_explain.log_min_duration = 0; SET auto_explain.log_nested_statements = on")
    plans = Plans()
    yield plans
    with connection.cursor() as cursor:
        cursor.execute("RESET client_min_messages")
    connection.connection.notices = plans.kept


def _plan_of(plans: str, statement: str) -> str:
    """The last reported plan of a statement whose text (as the trigger runs it) contains `statement`."""
    found = [part for part in plans.split("duration:") if statement in part]
    assert found, f"no plan of {statement!r} was reported"
    return found[-1]


def test_triggers_read_grown_tables_by_their_indexes_not_with_the_plans_of_their_first_rows(explained):
    # The first rows, one statement each: plans made now are made for tables of a few rows.
    source = SourceFactory()
    first = [ClaimFactory() for _ in range(6)]
    for claim in first:
        AppearanceFactory(claim=claim, source=source)
        EvidenceFactory(claim=claim, source=source)
    # The tables grow, in the same session and transaction, with no ANALYZE in between (an import's later batches).
    grown = _copies(Claim, first[0].pk, list(range(GROWN)), {"key": "t.key || '-grown-' || g.n", "evidence_count": "0"})
    _copies(Appearance, first[0].appearances.get().pk, grown, {"claim_id": "g.ref"})

    other = SourceFactory()

    explained.start()
    batch = grown[:20]  # a batch of appearances in another source, and one of evidence
    _copies(Appearance, first[0].appearances.get().pk, batch, {"claim_id": "g.ref", "source_id": str(other.pk)})
    _copies(Evidence, first[0].evidence.get().pk, batch, {"claim_id": "g.ref"})
    plans = explained.read()

    refresh = _plan_of(plans, "INSERT INTO claims_claimsearch")
    assert "Seq Scan on claims_appearance" not in refresh
    count = _plan_of(plans, "UPDATE claims_claim c SET evidence_count")
    assert "Seq Scan on claims_claim" not in count
    # And what they wrote is right: each claim of the batch counts its evidence link, and its document has both
    # sources' titles (weight C) besides the subject and the quotes.
    assert set(Claim.objects.filter(pk__in=batch).values_list("evidence_count", flat=True)) == {1}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM claims_claimsearch WHERE claim_id = ANY(%s) AND document @@ (plainto_tsquery("
            "'english', %s) && plainto_tsquery('english', %s) && plainto_tsquery('english', 'billion'))",
            [batch, source.title, other.title],
        )
        assert cursor.fetchone()[0] == len(batch)
