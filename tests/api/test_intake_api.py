"""POST /api/v1/intake/ (an article in: text, file or URL; its ranked candidates out) and the decisions on its
candidates: accept/, attach/, dismiss/. For those who may create claims; every refusal names its field. URLs reach the
local fault server of tests/sources behind its fake resolver."""

# ruff: noqa: F811 - the fault server's fixtures, imported from tests/sources, are this module's test parameters

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Appearance, Claim, IntakeDismissal
from sources.models import Source
from tests.factories import ClaimFactory
from tests.sources.conftest import Route, _fault_server, check_settings, resolver, site  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

ARTICLE = (
    "In 1969 they clashed. Russia-China trade reached approximately $245 billion in 2024. "
    "Exports of Chinese cars to Russia rose by 64% last year, the Chinese customs office said."
)
URL = "/api/v1/intake/"


def _key(body, text):
    (found,) = [c for c in body["candidates"] if c["text"] == text]
    return found


def test_pasted_text_gives_its_source_and_ranked_candidates_with_their_matches(checker_client):
    held = ClaimFactory(subject="Russia–China trade", value=Decimal("245000000000"), period="2024")
    answer = checker_client.post(URL, {"text": ARTICLE, "title": "Trade"}, format="json")
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    source = Source.objects.get()
    assert body["created"] is True and body["dry_run"] is False
    assert body["source"] == {"id": source.pk, "title": "Trade", "url": "", "text_length": len(ARTICLE)}
    assert answer["Location"].endswith(f"/api/v1/sources/{source.pk}/")
    assert [c["rank"] for c in body["candidates"]] == list(range(1, len(body["candidates"]) + 1))
    money = _key(body, "approximately $245 billion")
    assert money["key"] == f"{money['start']}-{money['end']}"
    assert ARTICLE[money["start"] : money["end"]] == money["text"]
    assert money["quantity"] == {
        "value": "245000000000",
        "unit": "USD",
        "qualifier": "approximately",
        "lower_bound": None,
        "upper_bound": None,
        "figure": "≈ $245 bn",
    }
    assert (money["period"], money["claim_type"], money["state"]) == ("2024", "current_value", "match")
    assert money["sentence"] == "Russia-China trade reached approximately $245 billion in 2024."
    assert money["reasons"] and isinstance(money["score"], int) and money["subject"]
    (match,) = money["matches"]
    assert match["claim"] == held.pk and match["url"].endswith(f"/api/v1/claims/{held.pk}/")
    assert (match["kind"], match["status"]) == ("match", "unverified") and "checked before" in match["message"]
    assert _key(body, "64%")["matches"] == [] and _key(body, "64%")["state"] == "new"
    assert source.history.latest().history_change_reason == "intake of an article (pasted text) through the API"


def test_the_same_article_again_is_the_source_the_desk_holds(checker_client):
    first = checker_client.post(URL, {"text": ARTICLE}, format="json").json()
    again = checker_client.post(URL, {"text": ARTICLE}, format="json")
    assert again.status_code == 200 and again.json()["created"] is False
    assert again.json()["source"]["id"] == first["source"]["id"] and Source.objects.count() == 1
    assert "already holds" in again.json()["warnings"][0]


def test_dry_run_writes_nothing(checker_client):
    answer = checker_client.post(URL + "?dry_run=true", {"text": ARTICLE}, format="json")
    assert answer.status_code == 201 and answer.json()["dry_run"] is True and answer.json()["source"]["id"] is None
    assert len(answer.json()["candidates"]) == 4 and not Source.objects.exists()
    refused = checker_client.post(URL + "?dry_run=perhaps", {"text": ARTICLE}, format="json")
    assert refused.status_code == 400 and "dry_run" in refused.json()["fields"]
    unknown = checker_client.post(URL + "?dryrun=1", {"text": ARTICLE}, format="json")
    assert unknown.status_code == 400 and "dryrun" in str(unknown.json())


def test_an_uploaded_file(checker_client):
    upload = SimpleUploadedFile("trade.txt", ARTICLE.encode(), content_type="text/plain")
    answer = checker_client.post(URL, {"file": upload, "publisher": "Anadolu Agency"}, format="multipart")
    assert answer.status_code == 201, answer.json()
    source = Source.objects.get()
    assert source.text == ARTICLE and source.publisher.name == "Anadolu Agency"
    bad = SimpleUploadedFile("bad.txt", b"caf\xe9", content_type="text/plain")
    refused = checker_client.post(URL, {"file": bad}, format="multipart")
    assert refused.status_code == 400 and "not UTF-8 text: byte 3" in refused.json()["fields"]["file"][0]


def test_a_url_is_fetched_and_its_metadata_proposed(checker_client, site):
    page = (
        '<html><head><title>Trade | Site</title><meta property="og:site_name" content="Anadolu Agency"></head>'
        f"<body><nav>Home Menu Login</nav><article><p>{ARTICLE}</p></article><footer>All rights reserved</footer>"
        "</body></html>"
    )
    site.routes["/trade"] = Route(body=page.encode())
    answer = checker_client.post(URL, {"url": site.url("/trade")}, format="json")
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["metadata"] == {
        "title": "Trade | Site",
        "authors": [],
        "published_on": None,
        "published_precision": "",
        "publisher": "Anadolu Agency",
        "url": site.url("/trade"),
    }
    assert body["source"]["url"] == site.url("/trade") and _key(body, "64%")


def test_a_private_address_is_refused(checker_client, settings, resolver):
    settings.SOURCE_CHECK_ALLOW_PRIVATE = False
    resolver.addresses["intranet.example"] = ["192.168.1.5"]
    answer = checker_client.post(URL, {"url": "http://intranet.example/"}, format="json")
    assert answer.status_code == 400 and "the address is private" in answer.json()["fields"]["url"][0]
    assert not Source.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "text"),
        ({"text": ARTICLE, "url": "https://example.org/a"}, "url"),
        ({"text": "   "}, "text"),
        ({"url": "ftp://example.org/a"}, "url"),
        ({"text": ARTICLE, "colour": "red"}, "colour"),
        ({"text": 42}, "text"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(checker_client, body, field):
    answer = checker_client.post(URL, body, format="json")
    assert answer.status_code == 400 and field in answer.json()["fields"], answer.json()
    assert not Source.objects.exists()


def test_big_bodies_are_refused(checker_client, settings):
    settings.API_MAX_BODY_BYTES = 1000
    answer = checker_client.post(URL, {"text": "x" * 2000}, format="json")
    assert answer.status_code == 413
    settings.INTAKE_MAX_BYTES = 500
    upload = SimpleUploadedFile("big.txt", b"x" * 100_000, content_type="text/plain")
    assert checker_client.post(URL, {"file": upload}, format="multipart").status_code == 413
    upload = SimpleUploadedFile("big.txt", b"x" * 600, content_type="text/plain")
    answer = checker_client.post(URL, {"file": upload}, format="multipart")
    assert answer.status_code == 400 and "over the intake's limit of 500 bytes" in answer.json()["fields"]["file"][0]


def test_anonymous_and_readers_are_refused(api_client, journalist_client):
    assert api_client.post(URL, {"text": ARTICLE}, format="json").status_code == 401
    assert journalist_client.post(URL, {"text": ARTICLE}, format="json").status_code == 403
    assert not Source.objects.exists()


def test_the_answer_takes_the_same_queries_however_many_candidates(checker_client):
    def queries(text):
        with CaptureQueriesContext(connection) as captured:
            answer = checker_client.post(URL, {"text": text}, format="json")
        assert answer.status_code == 201
        return len(captured), len(answer.json()["candidates"])

    queries("Imports fell by 3% in 2022.")  # the token's and the throttle's first rows
    short = queries("Exports rose by 5% in 2023, the ministry of trade said.")
    long = queries(" ".join(f"Exports of item {n} rose by {n}% in 2023, the ministry said." for n in range(1, 40)))
    assert long[1] > 40 * short[1] / 2 and long[0] == short[0]


# --- deciding -----------------------------------------------------------------------------------------------------
@pytest.fixture
def brought_in(checker_client):
    return checker_client.post(URL, {"text": ARTICLE}, format="json").json()


def test_accept_creates_claims_with_exact_offsets(checker_client, brought_in):
    source_id, money = brought_in["source"]["id"], _key(brought_in, "approximately $245 billion")
    cars = _key(brought_in, "64%")
    answer = checker_client.post(
        f"{URL}{source_id}/accept/",
        {"candidates": [money["key"], cars["key"]], "overrides": {cars["key"]: {"subject": "Chinese car exports"}}},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    claims = answer.json()["claims"]
    assert [c["key"] for c in claims] == [money["key"], cars["key"]]
    exports = Claim.objects.get(pk=claims[1]["id"])
    assert exports.subject == "Chinese car exports" and exports.value == Decimal(64)
    appearance = Appearance.objects.get(claim=exports)
    assert ARTICLE[appearance.start_offset : appearance.end_offset] == appearance.quote
    again = checker_client.post(URL, {"text": ARTICLE}, format="json").json()
    assert {c["text"] for c in again["candidates"]} == {"1969", "2024"}  # the accepted ones are taken


def test_accept_refusals_name_the_field_and_write_nothing(checker_client, journalist_client, brought_in):
    source_id = brought_in["source"]["id"]
    accept = f"{URL}{source_id}/accept/"
    assert checker_client.post(accept, {"candidates": []}, format="json").status_code == 400
    bad = checker_client.post(accept, {"candidates": ["twelve"]}, format="json")
    assert bad.status_code == 400 and "candidates" in bad.json()["fields"]
    gone = checker_client.post(accept, {"candidates": ["0-3"]}, format="json")
    assert gone.status_code == 409 and gone.json()["code"] == "stale"
    stray = checker_client.post(accept, {"candidates": ["3-7"], "overrides": {"9-12": {}}}, format="json")
    assert stray.status_code == 400 and "overrides" in stray.json()["fields"]
    assert checker_client.post(f"{URL}999999/accept/", {"candidates": ["3-7"]}, format="json").status_code == 404
    assert journalist_client.post(accept, {"candidates": ["3-7"]}, format="json").status_code == 403
    assert not Claim.objects.exists()


def test_attach_adds_an_appearance_to_the_claim_it_matches(checker_client, brought_in):
    held = ClaimFactory(subject="Russia–China trade", value=Decimal("245000000000"), period="2024")
    money = _key(brought_in, "approximately $245 billion")
    answer = checker_client.post(
        f"{URL}{brought_in['source']['id']}/attach/", {"candidate": money["key"], "claim": held.pk}, format="json"
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["claim"] == held.pk and ARTICLE[body["start"] : body["end"]] == body["quote"]
    assert Appearance.objects.get(pk=body["appearance"]).claim_id == held.pk and Claim.objects.count() == 1
    missing = checker_client.post(
        f"{URL}{brought_in['source']['id']}/attach/", {"candidate": "3-7", "claim": 999999}, format="json"
    )
    assert missing.status_code == 400 and "claim" in missing.json()["fields"]


def test_dismiss_is_remembered(checker_client, brought_in):
    source_id, year = brought_in["source"]["id"], _key(brought_in, "1969")
    answer = checker_client.post(
        f"{URL}{source_id}/dismiss/", {"candidate": year["key"], "reason": "a bare date"}, format="json"
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["text"] == "1969" and answer.json()["reason"] == "a bare date"
    assert IntakeDismissal.objects.get().start == year["start"]
    again = checker_client.post(URL, {"text": ARTICLE}, format="json").json()
    assert "1969" not in {c["text"] for c in again["candidates"]}
    bad = checker_client.post(f"{URL}{source_id}/dismiss/", {"candidate": "x"}, format="json")
    assert bad.status_code == 400 and "candidate" in bad.json()["fields"]
