"""What the claim list and the claim page put in front of a fact-checker: readable columns, the gap beside each piece
of evidence, and no buttons a reader cannot use."""

from decimal import Decimal

import pytest
from django.urls import reverse

from claims.quantities import gap_severity
from tests.factories import AppearanceFactory, ClaimFactory, EvidenceFactory, PublisherFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("gap", "severity"),
    [(None, "none"), (Decimal("0"), "close"), (Decimal("-0.9"), "close"), (Decimal("1.0"), "notable"),
     (Decimal("-9.9"), "notable"), (Decimal("10.0"), "large"), (Decimal("-250.0"), "large")],
)  # fmt: skip
def test_gap_severity(gap, severity):
    assert gap_severity(gap) == severity


def claim_page(client, claim):
    response = client.get(reverse("admin:claims_claim_change", args=[claim.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_each_evidence_shows_the_claims_figure_the_sources_and_the_gap(client, fact_checker):
    client.force_login(fact_checker)
    claim = ClaimFactory(value=Decimal("245000000000"), unit="USD", qualifier="approximately")
    EvidenceFactory(
        claim=claim, source_value=Decimal("244800000000"), source__url="https://www.prospectmagazine.co.uk/x"
    )
    EvidenceFactory(claim=claim, source_value=Decimal("190000000000"), relation="contradicts")
    page = claim_page(client, claim)
    assert "claim ≈ $245 bn · source $244.8 bn · " in page
    assert '<strong class="gap gap-close"' in page and "gap +0.1 %" in page
    assert '<strong class="gap gap-large"' in page and "gap +28.9 %" in page
    assert 'href="https://www.prospectmagazine.co.uk/x"' in page and "www.prospectmagazine.co.uk ↗" in page
    assert "evidence-card" in page  # a card per piece of evidence, not a table row running off the page


def test_the_claim_list_names_sources_readably_and_keeps_its_columns(client, fact_checker):
    client.force_login(fact_checker)
    rusi = PublisherFactory(name="RUSI")
    untitled = SourceFactory(title="", kind="analysis", publisher=rusi, key="rusi-danylyuk-reverse-kissinger")
    AppearanceFactory(source=untitled, quote="only 11 percent of experts believed", claim__subject="Experts")
    page = client.get(reverse("admin:claims_claim_changelist")).content.decode()
    assert "Analysis / commentary by RUSI" in page
    assert "[untitled" not in page and "rusi-danylyuk-reverse-kissinger" not in page
    for column in ("claim", "figure", "status", "first appearance", "evidence", "assignee", "updated"):
        assert f">{column.capitalize()}</a>" in page or f">{column.capitalize()}</span>" in page, column


def test_my_claims_is_offered_only_to_those_who_take_claims(client, fact_checker, journalist):
    client.force_login(fact_checker)
    page = client.get(reverse("admin:claims_claim_changelist")).content.decode()
    assert 'id="my-claims"' in page and "?assignee=me" in page
    client.force_login(journalist)
    page = client.get(reverse("admin:claims_claim_changelist")).content.decode()
    assert 'id="my-claims"' not in page and "?assignee=me" not in page
