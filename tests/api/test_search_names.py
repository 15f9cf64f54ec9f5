"""Search finds model names and designations written with a hyphen ("Su-27", "F-16", "COVID-19"), as PostgreSQL's
parser splits them differently in a query ("su", -27) and in prose ("su-27s": "su", "27s")."""

import pytest

from claims.choices import Status

from .conftest import make_claim

pytestmark = pytest.mark.django_db
URL = "/api/v1/claims/"


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def named(db):
    return {
        "su27": make_claim(status=Status.VERIFIED, subject="Su-27s licensed for production in China", unit="count"),
        "f16": make_claim(status=Status.VERIFIED, subject="F-16 deliveries to Taiwan", unit="count"),
        "covid": make_claim(status=Status.VERIFIED, subject="COVID-19 vaccine doses exported", unit="count"),
        "other": make_claim(status=Status.VERIFIED, subject="Trade between Russia and China in 2024"),
    }


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("Su-27", {"su27"}),
        ('"Su-27"', {"su27"}),
        ("Su-27s", {"su27"}),
        ("su-27 production", {"su27"}),
        ("Su-27 Taiwan", set()),
        ("F-16", {"f16"}),
        ("COVID-19", {"covid"}),
        ("COVID-19 OR F-16", {"covid", "f16"}),
        ("covid-19 or f-16", {"covid", "f16"}),
        ('"Su-27 deliveries"', set()),  # a phrase of several words, as websearch reads it
        ("licensed -Su-27", set()),
        ("licensed -F-16", {"su27"}),
        ("-Su-27 deliveries", {"f16"}),
    ],
)
def test_hyphenated_names_are_found(api_client, named, q, expected):
    assert ids(api_client.get(URL, {"q": q})) == {named[key].id for key in expected}
