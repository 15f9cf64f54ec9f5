"""repair_claim_data: the triggers' check, the evidence recount and the search documents' rebuild."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from claims.maintenance import missing_triggers, rebuild_search_documents, recount_evidence
from claims.models import Claim, ClaimSearch
from tests.factories import AppearanceFactory, ClaimFactory, EvidenceFactory

pytestmark = pytest.mark.django_db


def claim_with_evidence() -> Claim:
    claim = ClaimFactory()
    AppearanceFactory(claim=claim)
    EvidenceFactory(claim=claim, relation="supports", excerpt="Trade reached $244.8bn in 2024.")
    return claim


def _raw(sql: str, params=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def test_every_trigger_of_the_migration_is_in_place():
    assert missing_triggers() == []


def test_a_disabled_trigger_is_reported_and_the_command_refuses_to_go_on():
    _raw("ALTER TABLE claims_evidence DISABLE TRIGGER claim_evidence_count_insert")
    assert missing_triggers() == ["claim_evidence_count_insert on claims_evidence"]
    with pytest.raises(CommandError, match="claim_evidence_count_insert on claims_evidence.*migrate"):
        call_command("repair_claim_data", "--check")


def test_counts_and_documents_written_around_the_triggers_are_repaired(capsys):
    claim = claim_with_evidence()
    other = claim_with_evidence()
    _raw("UPDATE claims_claim SET evidence_count = 7 WHERE id = %s", [claim.pk])
    _raw("DELETE FROM claims_claimsearch")
    assert not ClaimSearch.objects.exists()

    call_command("repair_claim_data", "--batch-size", "1")

    assert Claim.objects.get(pk=claim.pk).evidence_count == claim.evidence.count()
    assert set(ClaimSearch.objects.values_list("claim_id", flat=True)) == {claim.pk, other.pk}
    out = capsys.readouterr().out
    assert "1 claim corrected" in out and "2 rebuilt" in out
    assert recount_evidence() == 0  # nothing left to correct
    assert rebuild_search_documents() == 2
