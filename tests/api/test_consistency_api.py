"""GET /api/v1/consistency/: the figures that disagree, for the desk's staff; bounded, its parameters checked."""

from decimal import Decimal

import pytest

from claims.choices import Status
from tests.api.conftest import client_for
from tests.factories import ClaimFactory, EvidenceFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/consistency/"


def _disagreeing_values():
    one = ClaimFactory(subject="Russia–China trade", value=Decimal("245000000000"), qualifier="exact")
    other = ClaimFactory(subject="Russia–China trade", value=Decimal("200000000000"), qualifier="exact")
    return one, other


def test_the_staff_read_every_kind_with_links_to_the_records(fact_checker):
    one, other = _disagreeing_values()
    verified = ClaimFactory(status=Status.VERIFIED, subject="Oil exports", value=Decimal(100), unit="count")
    evidence = EvidenceFactory(claim=verified, source_value=Decimal(80))
    response = client_for(fact_checker).get(URL)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["limit"] == 100 and body["tolerance_percent"] == "1.0"
    kinds = {k["kind"]: k for k in body["kinds"]}
    assert list(kinds) == ["values", "shares", "changes", "evidence"]
    (values,) = kinds["values"]["items"]
    assert [c["id"] for c in values["claims"]] == [other.pk, one.pk]
    assert values["claims"][0]["url"] == f"http://testserver/api/v1/claims/{other.pk}/"
    assert values["message"].startswith("Russia–China trade (2024):")
    (gap,) = kinds["evidence"]["items"]
    assert gap["evidence"][0]["id"] == evidence.pk and gap["evidence"][0]["gap"] == "+25 %"
    assert gap["evidence"][0]["url"] == f"http://testserver/api/v1/evidence/{evidence.pk}/"
    assert kinds["shares"] == {"kind": "shares", "title": kinds["shares"]["title"], "count": 0, "truncated": False,
                               "items": []}  # fmt: skip


def test_one_kind_and_a_limit(journalist, django_assert_num_queries):
    _disagreeing_values()
    ClaimFactory(subject="Other", value=Decimal(1), unit="count")
    ClaimFactory(subject="Other", value=Decimal(2), unit="count")
    client = client_for(journalist)
    client.get(URL)  # the token, the role and the throttle in the cache
    with django_assert_num_queries(8):  # the token and throttle: 7 (the role comes with the token); the kind: 1
        response = client.get(URL, {"kind": "values", "limit": 1})
    assert response.status_code == 200
    (values,) = response.json()["kinds"]
    assert values["kind"] == "values" and values["count"] == 1 and values["truncated"] is True


def test_the_report_costs_one_query_a_kind_however_many_disagreements(fact_checker, django_assert_num_queries):
    client = client_for(fact_checker)
    client.get(URL)
    with django_assert_num_queries(11):  # 7 for the token and the throttle; one for each of four kinds
        client.get(URL)
    for n in range(5):
        ClaimFactory(subject=f"Pair {n}", value=Decimal(1), unit="count")
        ClaimFactory(subject=f"Pair {n}", value=Decimal(2), unit="count")
    with django_assert_num_queries(11):
        assert len(client.get(URL).json()["kinds"][0]["items"]) == 5


@pytest.mark.parametrize(
    ("query", "field"),
    [({"kind": "everything"}, "kind"), ({"limit": 0}, "limit"), ({"limit": 101}, "limit"), ({"limits": 5}, "limits")],
)
def test_bad_parameters_are_a_400_naming_the_field(fact_checker, query, field):
    response = client_for(fact_checker).get(URL, query)
    assert response.status_code == 400
    assert field in response.content.decode()


def test_anonymous_and_readers_without_a_role_are_refused(api_client):
    from tests.factories import UserFactory

    _disagreeing_values()
    assert api_client.get(URL).status_code in (401, 403)
    response = client_for(UserFactory(username="nobody")).get(URL)
    assert response.status_code == 403
    assert "desk's staff" in response.content.decode()


def test_the_schema_documents_the_endpoint(fact_checker):
    schema = client_for(fact_checker).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/api/v1/consistency/"]["get"]
    assert operation["operationId"] == "consistency_report"
    assert {p["name"] for p in operation["parameters"]} >= {"kind", "limit"}
