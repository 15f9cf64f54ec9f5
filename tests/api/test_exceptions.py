"""The API's one exception handler: any DeskError becomes the JSON error with its own status, code and fields."""

import pytest
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from claims.quotes import QuoteNotFound
from claims.services import StaleVersion, TransitionError
from factcheck.api.exceptions import api_exception_handler
from factcheck.errors import DeskError


class Locked(DeskError):
    """A refusal the handler has never heard of: it must need no branch of its own."""

    status_code = 423
    code = "locked_for_a_test"


def _answer(error: Exception) -> tuple[int, dict]:
    request = APIView().initialize_request(APIRequestFactory().get("/api/v1/claims/"))
    response = api_exception_handler(error, {"view": APIView(), "request": request})
    assert response is not None
    return response.status_code, response.data


def test_any_desk_error_keeps_its_status_code_and_message():
    assert _answer(Locked("Someone holds this.")) == (
        423, {"status": 423, "code": "locked_for_a_test", "detail": "Someone holds this.", "fields": {}},
    )  # fmt: skip
    assert _answer(DeskError("No.", code="nope"))[1]["code"] == "nope"


def test_a_desk_error_with_fields_names_them():
    status, body = _answer(Locked("Bad parts.", fields={"start": ["too far"], "quote": ["missing"]}))
    assert status == 423 and body["detail"] == "The request has invalid fields: quote, start."
    assert body["fields"] == {"start": ["too far"], "quote": ["missing"]}


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (TransitionError("Add evidence first."), 409, "transition_refused"),
        (QuoteNotFound("quote", "is not found verbatim in the source's text"), 400, "invalid"),
    ],
)
def test_the_services_refusals_carry_their_own_status(error, status, code):
    answer_status, body = _answer(error)
    assert (answer_status, body["status"], body["code"]) == (status, status, code)


def test_a_quote_not_found_names_its_field():
    _, body = _answer(QuoteNotFound("start", "the quote is not at offset 3"))
    assert body["fields"] == {"start": ["the quote is not at offset 3"]}


@pytest.mark.django_db
def test_a_stale_version_is_412(claims):
    claim = claims["unverified"]
    status, body = _answer(StaleVersion(claim, claim.version - 1, claim.version))
    assert (status, body["code"]) == (412, "stale_version") and "your version" in body["detail"]
