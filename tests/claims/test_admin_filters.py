"""The admin's list filters ask the API's FilterSet (claims.filters.ClaimFilter): for each one, the admin's claim list
and `/api/v1/claims/` narrowed the same way hold the same claims."""

import pytest
from django.urls import reverse

from tests.api.conftest import client_for
from tests.factories import AppearanceFactory, ClaimFactory, EvidenceFactory, PublisherFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(desk_admin):
    """Claims whose periods, sources, evidence and assignees tell the filters apart."""
    csis, rusi = PublisherFactory(name="CSIS"), PublisherFactory(name="RUSI")
    report, article = SourceFactory(publisher=csis), SourceFactory(publisher=rusi)
    claims = {}
    for name, period in [
        ("nineties", "1990s"),
        ("span", "1985/1991"),
        ("until", "/1995"),  # open start: reaches into every decade before 1995
        ("since", "2013/"),  # open end: reaches into every decade after 2013
        ("forties", "1944"),
        ("as_of", "as of 2024"),
        ("none", ""),
    ]:
        claim = ClaimFactory(subject=name)
        claim.set_period(period)
        claim.save()
        claims[name] = claim
    AppearanceFactory(claim=claims["nineties"], source=report)
    AppearanceFactory(claim=claims["since"], source=article)
    AppearanceFactory(claim=claims["until"], source=report)
    EvidenceFactory(claim=claims["span"], source=article)
    EvidenceFactory(claim=claims["none"], source=report)
    claims["nineties"].assignee = desk_admin
    claims["nineties"].save()
    return {"claims": claims, "csis": csis, "report": report, "article": article}


def _admin_ids(client, params: dict) -> set[int]:
    response = client.get(reverse("admin:claims_claim_changelist"), params)
    assert response.status_code == 200
    return {claim.pk for claim in response.context["cl"].result_list}


def _api_ids(client, params: dict) -> set[int]:
    response = client.get("/api/v1/claims/", params | {"page_size": 100})
    assert response.status_code == 200, response.json()
    return {claim["id"] for claim in response.json()["results"]}


def _names(desk, ids: set[int]) -> set[str]:
    return {name for name, claim in desk["claims"].items() if claim.pk in ids}


def test_each_admin_filter_keeps_what_the_api_keeps(client, desk_admin, desk):
    client.force_login(desk_admin)
    api = client_for(desk_admin)
    cases = [
        # (admin parameters, API parameters, the claims both keep)
        ({"publisher": desk["csis"].pk}, {"publisher": desk["csis"].pk}, {"nineties", "until"}),
        ({"source": desk["article"].pk}, {"source": desk["article"].pk}, {"since"}),
        ({"evidence_source": desk["report"].pk}, {"evidence_source": desk["report"].pk}, {"none"}),
        ({"has_evidence": "yes"}, {"has_evidence": "true"}, {"span", "none"}),
        ({"has_evidence": "no"}, {"has_evidence": "false"}, {"nineties", "until", "since", "forties", "as_of"}),
        ({"assignee": desk_admin.pk}, {"assignee": desk_admin.pk}, {"nineties"}),
        ({"period": "1990"}, {"period_from": "1990", "period_to": "1999"}, {"nineties", "span", "until"}),
        ({"period": "2020"}, {"period_from": "2020", "period_to": "2029"}, {"since", "as_of"}),
        ({"period": "earlier"}, {"period_to": "1949"}, {"forties", "until"}),
    ]
    for admin_params, api_params, expected in cases:
        admin_kept, api_kept = _admin_ids(client, admin_params), _api_ids(api, api_params)
        assert admin_kept == api_kept, (admin_params, _names(desk, admin_kept), _names(desk, api_kept))
        assert _names(desk, admin_kept) == expected, admin_params


def test_admin_only_filters_still_work(client, desk_admin, desk):
    client.force_login(desk_admin)
    assert _names(desk, _admin_ids(client, {"period": "none"})) == {"none"}
    assert _names(desk, _admin_ids(client, {"assignee": "none"})) == set(desk["claims"]) - {"nineties"}


def test_an_impossible_id_is_a_bad_lookup_not_an_error(client, desk_admin, desk):
    client.force_login(desk_admin)
    response = client.get(reverse("admin:claims_claim_changelist"), {"publisher": "9" * 30})
    assert response.status_code == 302 and "e=1" in response["Location"]
