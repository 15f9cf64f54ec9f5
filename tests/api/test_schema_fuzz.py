"""The OpenAPI schema validates, and the API answers whatever the schema allows (and garbage) without a 5xx,
conforming to its own schema: property-based fuzzing with schemathesis, bounded so the suite stays fast."""

import json

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from factcheck.wsgi import application

from .conftest import client_for, make_claim

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _schema() -> dict:
    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


schema = schemathesis.openapi.from_dict(_schema())
schema.app = application


def test_schema_validates_with_warnings_as_errors(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "/api/v1/claims/{id}/transition/" in (tmp_path / "schema.yml").read_text()


def test_schema_is_valid_openapi_with_every_reference_resolved():
    """openapi-spec-validator, as generated clients read it: a dangling $ref (#/components/schemas/Facets was one)
    fails here."""
    validate(_schema())


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


@pytest.fixture
def fuzz_world(db, journalist, settings, keep_test_connection):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": {"user": None, "anon": None}}
    for status in ("unverified", "verified", "false"):
        make_claim(status=status)
    token = client_for(journalist)._credentials["HTTP_AUTHORIZATION"]
    return {"Authorization": token}


@schema.parametrize()
@settings(max_examples=6, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))  # fmt: skip
def test_api_conforms_to_its_schema(case, fuzz_world):
    response = case.call(headers=fuzz_world)
    case.validate_response(response, checks=CHECKS)
