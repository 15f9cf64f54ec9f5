"""Request bodies: limited in size (a JSON 413) and depth (a JSON 400) by the API's parser
(factcheck.api.parsers), unknown fields refused by name (factcheck.api.serializers.KnownFieldsMixin), texts limited
to documented lengths (claims.models, enforced by every writer's full_clean and shown in the schema)."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from claims.models import Appearance, Claim, Evidence
from claims.services import claim_update
from tests.factories import SourceFactory

from .conftest import make_claim

pytestmark = pytest.mark.django_db
URL = "/api/v1/claims/"
NEW = {"subject": "Defence budget", "claim_type": "current_value", "value": "86000000000", "unit": "USD"}


def nested(levels: int) -> str:
    return '{"subject": ' + "[" * (levels - 1) + "]" * (levels - 1) + "}"


@pytest.fixture
def writes(checker_client, claims):
    """Every kind of write, as (method, url, If-Match) for the unverified claim."""
    claim = claims["unverified"]
    return {
        "claim create": ("post", URL, None),
        "claim edit": ("patch", f"{URL}{claim.id}/", 'W/"1"'),
        "transition": ("post", f"{URL}{claim.id}/transition/", 'W/"1"'),
        "evidence": ("post", "/api/v1/evidence/", 'W/"1"'),
        "appearance": ("post", "/api/v1/appearances/", 'W/"1"'),
    }


def send(client, write, body: str):
    method, url, tag = write
    headers = {"HTTP_IF_MATCH": tag} if tag else {}
    return getattr(client, method)(url, body, content_type="application/json", **headers)


@pytest.mark.parametrize("kind", ["claim create", "claim edit", "transition", "evidence", "appearance"])
@pytest.mark.parametrize("levels", [17, 1000, 100_000])
def test_deep_json_is_a_400_stating_the_limit(checker_client, writes, kind, levels):
    before = (Claim.objects.count(), Evidence.objects.count(), Appearance.objects.count())
    response = send(checker_client, writes[kind], nested(levels))
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert response.json()["code"] == "too_deep" and "16 levels" in response.json()["detail"]
    assert (Claim.objects.count(), Evidence.objects.count(), Appearance.objects.count()) == before


def test_nesting_inside_strings_does_not_count(checker_client):
    response = checker_client.post(URL, NEW | {"subject": "[[[[" * 100}, format="json")
    assert response.status_code == 400 and "subject" in response.json()["fields"]  # too long, not too deep
    within = checker_client.post(URL, nested(16), content_type="application/json")
    assert within.status_code == 400 and within.json()["code"] == "invalid"


@pytest.mark.parametrize("kind", ["claim create", "claim edit", "evidence"])
def test_a_large_body_is_a_json_413_stating_the_limit(checker_client, writes, kind):
    response = send(checker_client, writes[kind], json.dumps(NEW | {"subject": "x" * 3_000_000}))
    assert response.status_code == 413 and response["Content-Type"] == "application/json"
    assert response.json()["code"] == "body_too_large"
    assert response.json()["detail"] == "The request body is larger than the 262144 bytes the API accepts."


def test_the_size_limit_is_the_setting(checker_client, settings):
    body = json.dumps(NEW)
    settings.API_MAX_BODY_BYTES = len(body.encode())
    assert checker_client.post(URL, body, content_type="application/json").status_code == 201
    settings.API_MAX_BODY_BYTES = len(body.encode()) - 1
    assert checker_client.post(URL, body, content_type="application/json").status_code == 413


def test_unknown_body_fields_are_refused_by_name(checker_client):
    response = checker_client.post(URL, NEW | {"bogus": 1, "verdcit_note": "typo"}, format="json")
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert set(fields) == {"bogus", "verdcit_note"}
    assert "is not a field here" in fields["bogus"][0] and "verdict_note" in fields["bogus"][0]
    assert not Claim.objects.exists()
    read_only = checker_client.post(URL, NEW | {"status": "verified"}, format="json")
    assert read_only.json()["fields"] == {
        "status": ["is read-only here: change it with POST /api/v1/claims/{id}/transition/"]
    }


def test_a_hundred_thousand_unknown_keys(checker_client, settings):
    body = json.dumps(NEW | {f"k{i}": 1 for i in range(100_000)})
    assert checker_client.post(URL, body, content_type="application/json").status_code == 413
    settings.API_MAX_BODY_BYTES = 4 * 1024 * 1024
    response = checker_client.post(URL, body, content_type="application/json")
    assert response.status_code == 400 and len(response.json()["fields"]) == 21
    assert response.json()["fields"]["…"] == ["and 99980 more unknown fields"]
    assert not Claim.objects.exists()


def test_unknown_fields_of_transitions_and_children(checker_client, claims):
    claim = claims["unverified"]
    moved = checker_client.post(f"{URL}{claim.id}/transition/", {"to": "in_review", "notes": "x"}, format="json",
                                HTTP_IF_MATCH='W/"1"')  # fmt: skip
    assert moved.status_code == 400 and set(moved.json()["fields"]) == {"notes"}
    data = {"claim": claim.id, "source": SourceFactory().id, "relation": "supports", "page": 3}
    added = checker_client.post("/api/v1/evidence/", data, format="json", HTTP_IF_MATCH='W/"1"')
    assert added.status_code == 400 and set(added.json()["fields"]) == {"page"}
    claim.refresh_from_db()
    assert claim.status == "unverified" and claim.evidence.count() == 1


def test_json_numbers_keep_every_digit_and_nan_is_refused(checker_client):
    body = '{"subject": "Debt", "claim_type": "current_value", "unit": "USD", "value": 123456789012345678901234}'
    response = checker_client.post(URL, body, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert Claim.objects.get().value == Decimal("123456789012345678901234")
    nan = checker_client.post(URL, body.replace("123456789012345678901234", "NaN"), content_type="application/json")
    assert nan.status_code == 400 and nan.json()["code"] == "parse_error"


@pytest.mark.parametrize(("field", "limit"), [("verdict_note", 5000), ("subject", 200), ("key", 300)])
def test_claim_texts_have_maximum_lengths(checker_client, claims, field, limit):
    claim = claims["unverified"]
    too_long = checker_client.patch(f"{URL}{claim.id}/", {field: "x" * (limit + 1)}, format="json",
                                    HTTP_IF_MATCH='W/"1"')  # fmt: skip
    assert too_long.status_code == 400 and str(limit) in too_long.json()["fields"][field][0]
    fits = checker_client.patch(f"{URL}{claim.id}/", {field: "x" * limit}, format="json", HTTP_IF_MATCH='W/"1"')
    assert fits.status_code == 200


def test_a_two_megabyte_verdict_note_is_not_stored(checker_client, claims, settings):
    settings.API_MAX_BODY_BYTES = 4 * 1024 * 1024
    claim = claims["unverified"]
    response = checker_client.patch(f"{URL}{claim.id}/", {"verdict_note": "x" * 2_000_000}, format="json",
                                    HTTP_IF_MATCH='W/"1"')  # fmt: skip
    assert response.status_code == 400
    claim.refresh_from_db()
    assert claim.verdict_note == "" and claim.version == 1


def test_child_texts_have_maximum_lengths(checker_client, claims):
    claim = claims["unverified"]
    source = SourceFactory(text="y" * 3000)
    quote = checker_client.post("/api/v1/appearances/", {"claim": claim.id, "source": source.id, "quote": "y" * 2001},
                                format="json", HTTP_IF_MATCH='W/"1"')  # fmt: skip
    assert quote.status_code == 400 and "2000" in quote.json()["fields"]["quote"][0]
    data = {"claim": claim.id, "source": source.id, "relation": "context", "excerpt": "z" * 5001}
    excerpt = checker_client.post("/api/v1/evidence/", data, format="json", HTTP_IF_MATCH='W/"1"')
    assert excerpt.status_code == 400 and "5000" in excerpt.json()["fields"]["excerpt"][0]
    note = checker_client.post(f"{URL}{claim.id}/transition/", {"to": "in_review", "note": "n" * 5001},
                               format="json", HTTP_IF_MATCH='W/"1"')  # fmt: skip
    assert note.status_code == 400 and "5000" in note.json()["fields"]["note"][0]


def test_every_writer_meets_the_limit_in_the_services(fact_checker):
    claim = make_claim()
    with pytest.raises(ValidationError) as refused:
        claim_update(claim=claim, data={"verdict_note": "x" * 5001}, actor=fact_checker, expected_version=None)
    assert "verdict_note" in refused.value.message_dict


def test_the_schema_states_the_limits(api_client):
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    assert components["PatchedClaimWriteRequest"]["properties"]["verdict_note"]["maxLength"] == 5000
    assert components["AppearanceWriteRequest"]["properties"]["quote"]["maxLength"] == 2000
    assert components["EvidenceWriteRequest"]["properties"]["excerpt"]["maxLength"] == 5000
    create = schema["paths"]["/api/v1/claims/"]["post"]["responses"]
    assert "413" in create and "400" in create


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("subject", 5, "must be text"),
        ("verdict_note", -5371980669, "must be text"),
        ("key", ["a"], "must be text"),
        ("subject", True, "must be text"),
    ],
)
def test_text_fields_take_json_strings_only(checker_client, field, value, words):
    """DRF would save 5 as "5": the schema says string, and so does the API."""
    response = checker_client.post(URL, NEW | {field: value}, format="json")
    assert response.status_code == 400 and words in response.json()["fields"][field][0]
    assert not Claim.objects.filter(subject="5").exists()


@pytest.mark.parametrize("value", ["5", True, 1.5, [1]])
def test_whole_number_fields_and_ids_take_json_numbers_only(checker_client, claims, value):
    claim, source = claims["unverified"], SourceFactory()
    body = {"claim": value, "source": source.id, "relation": "supports", "excerpt": "", "locator": ""}
    response = checker_client.post("/api/v1/evidence/", body, format="json", HTTP_IF_MATCH=f'W/"{claim.version}"')
    assert response.status_code == 400 and "whole number" in response.json()["fields"]["claim"][0]
    rating = checker_client.post(
        f"{URL}{claim.id}/transition/", {"to": "in_review", "rating_value": "3"}, format="json", HTTP_IF_MATCH='W/"1"'
    )
    assert rating.status_code == 400 and "rating_value" in rating.json()["fields"]


def test_amounts_take_strings_or_numbers(checker_client):
    for subject, value in (("Budget A", "86000000000"), ("Budget B", 86000000000), ("Budget C", 8.5)):
        response = checker_client.post(URL, NEW | {"value": value, "subject": subject}, format="json")
        assert response.status_code == 201 and response.json()["quantity"]["value"] == str(value), response.json()
    for subject, value in (("Budget D", None), ("Budget E", "")):
        response = checker_client.post(URL, NEW | {"value": value, "unit": "", "subject": subject}, format="json")
        assert response.status_code == 201 and response.json()["quantity"]["value"] is None, response.json()
