"""The OpenAPI schema validates, and the API and its schema agree both ways: property-based fuzzing with schemathesis
and every check it has (no 5xx; statuses, media types, headers and bodies as documented; what the schema allows is
accepted and what it forbids refused; 405 for methods it doesn't list; authentication as declared), on positive and
negative data, as a fact-checker and anonymously; schemathesis.toml holds what no schema can say. Bounded so the
suite stays fast; CI runs the same checks against a live server with more examples (.ci/fuzz-api)."""

import json
import re
from pathlib import Path

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from schemathesis.config import SchemathesisConfig

from factcheck.wsgi import application

from .conftest import client_for, make_claim


def _schema() -> dict:
    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


schema = schemathesis.openapi.from_dict(
    _schema(), config=SchemathesisConfig.from_path(Path(__file__).resolve().parents[2] / "schemathesis.toml")
)
schema.app = application


def test_schema_validates_with_warnings_as_errors(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "/api/v1/claims/{id}/transition/" in (tmp_path / "schema.yml").read_text()


def test_schema_is_valid_openapi_with_every_reference_resolved():
    """openapi-spec-validator, as generated clients read it: a dangling $ref (#/components/schemas/Facets was one)
    fails here."""
    validate(_schema())


def test_the_schema_declares_what_the_api_does():
    schema = _schema()
    paths = schema["paths"]
    # Anonymous clients read (an empty security requirement beside the token and the session); they don't write.
    assert {} in paths["/api/v1/claims/"]["get"]["security"] and {} in paths["/api/v1/sources/{id}/"]["get"]["security"]
    assert {} not in paths["/api/v1/claims/"]["post"]["security"]
    # Write bodies are closed, as KnownFieldsMixin refuses unknown fields.
    for name in ("ClaimWriteRequest", "PatchedClaimWriteRequest", "TransitionRequest", "EvidenceWriteRequest"):
        assert schema["components"]["schemas"][name]["additionalProperties"] is False
    # Every status the API or its HTTP server answers, errors as JSON (429 too), the server's own as HTML.
    edit = paths["/api/v1/claims/{id}/"]["patch"]["responses"]
    for code in ("400", "401", "403", "404", "409", "412", "413", "415", "428", "429"):
        assert list(edit[code]["content"]) == ["application/json"], code
    assert "Retry-After" in edit["429"]["headers"]
    assert list(paths["/api/v1/claims/"]["get"]["responses"]["414"]["content"]) == ["text/html"]
    # CSV and NDJSON are what a list is exported as; one claim is JSON.
    assert set(paths["/api/v1/claims/"]["get"]["responses"]["200"]["content"]) == {
        "application/json", "text/csv", "application/x-ndjson",
    }  # fmt: skip
    assert list(paths["/api/v1/claims/{id}/"]["get"]["responses"]["200"]["content"]) == ["application/json"]
    # If-Match: entity tags, not `*` or nothing (those are the 428).
    (if_match,) = [p for p in paths["/api/v1/claims/{id}/"]["patch"]["parameters"] if p["name"] == "If-Match"]
    pattern = re.compile(if_match["schema"]["pattern"])
    assert pattern.match('W/"3"') and pattern.match('"3", W/"4"') and not pattern.match("*")
    assert not pattern.match("") and not pattern.match("3")


@pytest.mark.django_db
def test_schema_and_docs_are_served_with_local_assets(api_client):
    assert api_client.get("/api/v1/schema/").status_code == 200
    docs = api_client.get("/api/v1/docs/")
    assert docs.status_code == 200 and b"swagger-ui-dist" in docs.content and b"cdn" not in docs.content.lower()


@pytest.fixture
def keep_test_connection():
    """schemathesis calls the real WSGI application, whose request signals would close the database connection
    that holds the test's transaction (on PostgreSQL); django.test.Client disconnects them the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=["fact-checker", "anonymous"])
def fuzz_headers(request, db, fact_checker, settings, keep_test_connection):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": {"user": None, "anon": None}}
    for status in ("unverified", "verified", "false"):
        make_claim(status=status)
    if request.param == "anonymous":
        return {}
    return {"Authorization": client_for(fact_checker)._credentials["HTTP_AUTHORIZATION"]}


@schema.parametrize()
@settings(max_examples=4, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))  # fmt: skip
def test_api_and_its_schema_agree(case, fuzz_headers):
    """Every check schemathesis has (the configuration's), positive and negative data."""
    response = case.call(headers=fuzz_headers)
    case.validate_response(response, headers=fuzz_headers)
