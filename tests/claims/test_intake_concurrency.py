"""Two people accepting the same candidate figure at once make one claim: the second finds it taken.

The source's row is held by a second connection (`SELECT … FOR UPDATE`) while both acceptances start in threads;
once PostgreSQL shows both queued behind it, it is let go (the helpers of test_import_concurrency). The tests commit
for real (transaction=True): the threads' connections must see each other's rows.
"""

import pytest
from django.contrib.auth.models import AbstractUser

from claims.models import Claim
from claims.services import CandidateTaken, accept_candidate
from tests.claims.test_import_concurrency import Worker, row_locked, wait_until_queued
from tests.factories import SourceFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("migration_data_back"),
]
TEXT = "Russia-China trade reached approximately $245 billion in 2024."


def test_the_same_candidate_accepted_twice_at_once_makes_one_claim(
    fact_checker: AbstractUser, second_checker: AbstractUser
) -> None:
    source = SourceFactory(text=TEXT)
    start = TEXT.index("approximately")
    end = start + len("approximately $245 billion")

    def accept(actor: AbstractUser, subject: str) -> Claim:
        return accept_candidate(source=source, start=start, end=end, actor=actor, overrides={"subject": subject})

    with row_locked(source.pk, table="sources_source"):
        first = Worker(lambda: accept(fact_checker, "Trade, first"))
        first.start()
        wait_until_queued(1)
        second = Worker(lambda: accept(second_checker, "Trade, second"))
        second.start()
        wait_until_queued(2)
    outcomes = []
    for worker in (first, second):
        try:
            outcomes.append(worker.outcome())
        except CandidateTaken as refused:
            outcomes.append(refused)
    assert sum(isinstance(o, Claim) for o in outcomes) == 1
    assert sum(isinstance(o, CandidateTaken) for o in outcomes) == 1
    assert Claim.objects.count() == 1 and Claim.objects.get().appearances.count() == 1
