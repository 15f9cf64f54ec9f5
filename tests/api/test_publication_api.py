"""Publishing through the API: POST /claims/<id>/publish/, /unpublish/, /correct/ (the publication service's rules,
the role, If-Match, the body), and the claim's `publication` (published_at, published_by, the page's url) with the
list's published / published_after / published_before filters."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from claims.choices import Status
from claims.models import Claim, VerdictCorrection
from tests.factories import UserFactory

from .conftest import client_for, make_claim

pytestmark = pytest.mark.django_db
URL = "/api/v1/claims/"


def etag_of(client, claim) -> str:
    return client.get(f"{URL}{claim.id}/")["ETag"]


@pytest.fixture
def second_client(second_checker):
    return client_for(second_checker)


@pytest.fixture
def waiting(fact_checker):
    """A false verdict given by `fact_checker`, not yet published."""
    return make_claim(status=Status.FALSE, reviewer=fact_checker, published_at=None, subject="Troops at the border")


def post(client, claim, move, body, *, tag=None, **extra):
    return client.post(f"{URL}{claim.id}/{move}/", body, format="json", HTTP_IF_MATCH=tag or etag_of(client, claim),
                       **extra)  # fmt: skip


def test_a_second_fact_checker_publishes_and_the_claim_says_when_by_whom_and_where(
    second_client, second_checker, waiting, api_client, client
):
    second_checker.first_name, second_checker.last_name = "Ana", "Lima"
    second_checker.save()
    before = etag_of(second_client, waiting)
    assert api_client.get(f"{URL}{waiting.id}/").status_code == 404  # not public yet
    response = post(second_client, waiting, "publish", {"note": "Checked twice."}, tag=before)
    assert response.status_code == 200, response.json()
    assert response["ETag"] != before
    publication = response.json()["publication"]
    assert publication["published_by"] == "Ana Lima"
    assert dt.datetime.fromisoformat(publication["published_at"]) <= timezone.now()
    assert publication["url"].startswith(f"http://testserver/fact-checks/{waiting.id}-")
    assert client.get(publication["url"].removeprefix("http://testserver")).status_code == 200  # the page itself
    claim = Claim.objects.get(pk=waiting.pk)
    assert claim.published_by == second_checker
    assert claim.history.first().history_change_reason == "published: Checked twice."
    anonymous = api_client.get(f"{URL}{waiting.id}/").json()
    assert anonymous["publication"] == publication  # public now, with the same publication
    assert anonymous["links"]["claimreview"]


def test_the_reviewer_cannot_publish_their_own_verdict(checker_client, waiting):
    response = post(checker_client, waiting, "publish", {})
    assert response.status_code == 409
    assert response.json()["code"] == "transition_refused"
    assert "another fact-checker or an admin must publish it" in response.json()["detail"]
    assert Claim.objects.get(pk=waiting.pk).published_at is None


@override_settings(PUBLISH_OWN_VERDICTS=True)
def test_a_one_person_desk_may_publish_its_own(checker_client, waiting, fact_checker):
    response = post(checker_client, waiting, "publish", {})
    assert response.status_code == 200, response.json()
    assert response.json()["publication"]["published_by"] == fact_checker.username  # no full name: the username


def test_publication_moves_need_a_desk_role_and_if_match(api_client, journalist_client, second_client, waiting):
    for move in ("publish", "unpublish", "correct"):
        anonymous = api_client.post(f"{URL}{waiting.id}/{move}/", {"note": "x"}, format="json", HTTP_IF_MATCH='W/"1"')
        assert anonymous.status_code in (401, 403), move
        refused = journalist_client.post(f"{URL}{waiting.id}/{move}/", {"note": "x"}, format="json",
                                         HTTP_IF_MATCH='W/"1"')  # fmt: skip
        assert refused.status_code == 403, move
    assert second_client.post(f"{URL}{waiting.id}/publish/", {}, format="json").status_code == 428
    stale = second_client.post(f"{URL}{waiting.id}/publish/", {}, format="json", HTTP_IF_MATCH='W/"99"')
    assert stale.status_code == 412 and stale.json()["code"] == "stale_version"
    assert Claim.objects.get(pk=waiting.pk).published_at is None


def test_only_a_final_verdict_is_published(second_client, claims):
    response = post(second_client, claims["in_review"], "publish", {})
    assert response.status_code == 409
    assert "Only a final verdict can be published" in response.json()["detail"]


@pytest.mark.parametrize(
    ("move", "body", "field"),
    [
        ("publish", {"note": 5}, "note"),
        ("publish", {"note": "x" * 2001}, "note"),
        ("publish", {"notes": "typo"}, "notes"),
        ("unpublish", {}, "note"),
        ("unpublish", {"note": "   "}, "note"),
        ("correct", {"to": "verified"}, "note"),
        ("correct", {"note": "Wrong figure.", "to": "in_review"}, "to"),
        ("correct", {"note": "Wrong figure.", "rating_value": 9}, "rating_value"),
        ("correct", {"note": "Wrong figure.", "verdict": "x"}, "verdict"),
    ],
)
def test_a_bad_body_is_a_400_naming_the_field(second_client, claims, move, body, field):
    claim = claims["false"]  # published, reviewed by the other fact-checker
    response = post(second_client, claim, move, body)
    assert response.status_code == 400, response.json()
    assert field in response.json()["fields"], response.json()
    assert Claim.objects.get(pk=claim.pk).version == claim.version


def test_unpublishing_takes_the_verdict_down_with_its_note(second_client, api_client, client, claims):
    claim = claims["false"]
    page = api_client.get(f"{URL}{claim.id}/").json()["publication"]["url"].removeprefix("http://testserver")
    response = post(second_client, claim, "unpublish", {"note": "The source retracted the figure."})
    assert response.status_code == 200, response.json()
    assert response.json()["publication"] is None and response.json()["links"]["claimreview"] is None
    assert api_client.get(f"{URL}{claim.id}/").status_code == 404
    gone = client.get(page)
    assert gone.status_code == 410 and "The source retracted the figure." in gone.content.decode()
    again = post(second_client, claim, "unpublish", {"note": "Twice."})
    assert again.status_code == 409 and "isn't published" in again.json()["detail"]


def test_a_correction_by_a_second_person_keeps_the_earlier_verdict(second_client, checker_client, claims):
    claim = claims["false"]  # reviewed by fact_checker (checker_client)
    body = {"note": "The customs data were revised.", "to": "misleading", "verdict_note": "Revised data: 2 % off."}
    own = post(checker_client, claim, "correct", body)
    assert own.status_code == 409 and "another fact-checker or an admin must correct it" in own.json()["detail"]
    response = post(second_client, claim, "correct", body)
    assert response.status_code == 200, response.json()
    answer = response.json()
    assert answer["status"] == "misleading" and answer["verdict"]["explanation"] == "Revised data: 2 % off."
    assert answer["publication"] is not None  # still public, corrected
    correction = VerdictCorrection.objects.get(claim=claim)
    assert correction.earlier_status == Status.FALSE and correction.note == "The customs data were revised."


def test_a_correction_obeys_the_verdicts_rules(second_client, fact_checker):
    claim = make_claim(status=Status.FALSE, reviewer=fact_checker, evidence=False, verdict_note="")
    response = post(second_client, claim, "correct", {"note": "Reconsidered.", "to": "unverifiable"})
    assert response.status_code == 409, response.json()
    assert Claim.objects.get(pk=claim.pk).status == Status.FALSE


def test_publication_in_list_and_detail_and_the_published_filters(journalist_client, claims, waiting):
    published, unpublished = claims["verified"], waiting
    Claim.objects.filter(pk=published.pk).update(published_at=timezone.now() - dt.timedelta(days=3))
    Claim.objects.filter(pk=claims["false"].pk).update(published_at=timezone.now() - dt.timedelta(hours=1))

    def ids(query):
        response = journalist_client.get(f"{URL}?{query}")
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids("published=true") == {published.id, claims["false"].id}
    assert ids("published=false") == {unpublished.id, claims["unverified"].id, claims["in_review"].id}
    since = (timezone.now() - dt.timedelta(days=1)).isoformat()
    assert ids(f"published_after={since.replace('+', '%2B')}") == {claims["false"].id}
    assert ids(f"published_before={since.replace('+', '%2B')}") == {published.id}
    bad = journalist_client.get(f"{URL}?published_after=yesterday")
    assert bad.status_code == 400 and "published_after" in str(bad.json())
    rows = {row["id"]: row for row in journalist_client.get(URL).json()["results"]}
    assert rows[unpublished.id]["publication"] is None
    assert rows[published.id]["publication"]["published_by"] is None  # published by nobody known (the factory)
    only = journalist_client.get(f"{URL}?fields=id,publication").json()["results"]
    with_url = next(row for row in only if row["id"] == published.id)
    assert list(with_url) == ["id", "publication"]
    assert with_url["publication"]["url"] == rows[published.id]["publication"]["url"]  # headline from the quote


def test_csv_has_the_publication_columns_when_asked(journalist_client, claims):
    response = journalist_client.get(f"{URL}?format=csv&fields=id,publication")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].split(",") == ["id", "published_at", "published_by", "page_url"]
    assert any("/fact-checks/" in line for line in lines[1:])


def test_the_schema_documents_the_moves_and_the_publication(api_client):
    schema = api_client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for move, body in (("publish", "PublishRequest"), ("unpublish", "UnpublishRequest"), ("correct", "CorrectRequest")):
        operation = schema["paths"][f"/api/v1/claims/{{id}}/{move}/"]["post"]
        assert {"200", "400", "409", "412", "428"} <= set(operation["responses"])
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert ref.endswith(f"/{body}"), ref
    assert schema["components"]["schemas"]["UnpublishRequest"]["required"] == ["note"]
    claim = schema["components"]["schemas"]["Claim"]["properties"]
    assert "publication" in claim
    publication = schema["components"]["schemas"]["Publication"]["properties"]
    assert set(publication) == {"published_at", "published_by", "url"}
    parameters = {p["name"] for p in schema["paths"]["/api/v1/claims/"]["get"]["parameters"]}
    assert {"published", "published_after", "published_before"} <= parameters


def test_an_admin_publishes_too(admin_client_api, waiting):
    assert post(admin_client_api, waiting, "publish", {}).status_code == 200


def test_a_user_named_only_by_username(second_client, waiting):
    UserFactory(username="someone")  # a stray user changes nothing
    response = post(second_client, waiting, "publish", {})
    assert response.json()["publication"]["published_by"] == "checker2"
