"""Fixtures of the API tests: an API client, clients signed in by token per role, and claims in each state."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from claims.choices import EvidenceRelation, Status
from tests.factories import AppearanceFactory, ClaimFactory, EvidenceFactory, PublisherFactory, SourceFactory


@pytest.fixture(autouse=True)
def fresh_counts(settings):
    """Counts are cached in production (API_COUNT_CACHE_SECONDS); tests change rows between requests."""
    settings.API_COUNT_CACHE_SECONDS = 0


@pytest.fixture
def api_client():
    return APIClient()


def client_for(user) -> APIClient:
    client = APIClient()
    _, token = AuthToken.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def journalist_client(journalist):
    return client_for(journalist)


@pytest.fixture
def checker_client(fact_checker):
    return client_for(fact_checker)


@pytest.fixture
def admin_client_api(desk_admin):
    return client_for(desk_admin)


def make_claim(
    *,
    status=Status.UNVERIFIED,
    subject=None,
    value=Decimal("245000000000"),
    unit="USD",
    reviewer=None,
    source=None,
    evidence=True,
    **extra,
):
    """A claim with one appearance (and one piece of supporting evidence), in the given status."""
    fields = {"status": status, "value": value, "unit": unit, **extra}
    if subject:
        fields["subject"] = subject
    if status in (Status.VERIFIED, Status.FALSE, Status.MISLEADING, Status.UNVERIFIABLE):
        fields.setdefault("textual_rating", Status(status).label)
        fields.setdefault("rating_value", {"verified": 5, "false": 1, "misleading": 2}.get(status))
        fields.setdefault("verdict_note", "Checked against the customs statistics.")
        fields.setdefault("reviewed_at", timezone.now() - dt.timedelta(days=2))
        fields["reviewer"] = reviewer
    claim = ClaimFactory(**fields)
    AppearanceFactory(
        claim=claim, source=source or SourceFactory(published_on=dt.date(2024, 5, 1), published_precision="day")
    )
    if evidence:
        EvidenceFactory(claim=claim, relation=EvidenceRelation.SUPPORTS)
    return claim


@pytest.fixture
def claims(db, fact_checker):
    """One claim per status; the verified one appears in a CSIS report."""
    csis = SourceFactory(
        title="Russia-China trade report",
        publisher=PublisherFactory(name="CSIS"),
        published_on=dt.date(2024, 5, 1),
        published_precision="day",
    )
    return {
        "unverified": make_claim(subject="Unverified trade figure"),
        "in_review": make_claim(status=Status.IN_REVIEW, subject="Trade under review"),
        "verified": make_claim(
            status=Status.VERIFIED, subject="Russia–China bilateral trade", reviewer=fact_checker, source=csis
        ),
        "false": make_claim(
            status=Status.FALSE, subject="Troops deployed", value=Decimal("40000"), unit="count", reviewer=fact_checker
        ),
    }
