"""The exports and facets as a spreadsheet user meets them: CSV columns chosen and ordered with `fields=`, one row
per appearance or piece of evidence with `expand=`, and the blank unit's facet value that filters to its count."""

import csv
import io
import json

import pytest

from claims.api.exports import APPEARANCE_CSV_COLUMNS, CSV_COLUMNS, EVIDENCE_CSV_COLUMNS
from claims.choices import EvidenceRelation, Status
from tests.factories import AppearanceFactory, EvidenceFactory, SourceFactory

from .conftest import make_claim

pytestmark = pytest.mark.django_db
URL = "/api/v1/claims/"


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.json()
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_blank_unit_facet_value_filters_to_its_count(journalist_client):
    make_claim(value=None, unit="", qualifier="exact", subject="Talks resumed")
    make_claim(value=None, unit="", qualifier="exact", subject="Talks ended")
    make_claim(unit="count")
    facets = journalist_client.get(URL, {"facet": "unit"}).json()["facets"]["unit"]
    assert {"value": "none", "label": "No unit", "count": 2} in facets
    for facet in facets:
        body = journalist_client.get(URL, {"unit": facet["value"]}).json()
        assert body["count"] == facet["count"], facet
    assert {c["subject"] for c in journalist_client.get(URL, {"unit": "none"}).json()["results"]} == {
        "Talks resumed", "Talks ended"}  # fmt: skip
    assert journalist_client.get(URL, {"unit": "none,count"}).json()["count"] == 3
    refused = journalist_client.get(URL, {"unit": "nothing"})
    assert refused.status_code == 400 and "unit" in refused.json()["fields"]


def test_csv_columns_follow_fields_in_the_requested_order(journalist_client, claims):
    claim = claims["verified"]
    rows = csv_rows(journalist_client.get(URL, {"format": "csv", "status": "verified", "fields": "subject,id,status"}))
    assert rows == [["subject", "id", "status"], [claim.subject, str(claim.id), "verified"]]
    # The JSON list's field names select their CSV columns, in place.
    asked = {"format": "csv", "status": "verified", "fields": "quantity,id,version"}
    rows = csv_rows(journalist_client.get(URL, asked))
    assert rows[0] == ["value", "unit", "qualifier", "lower_bound", "upper_bound", "display", "id", "version"]
    assert rows[1][0] == "245000000000" and rows[1][6:] == [str(claim.id), str(claim.version)]
    assert csv_rows(journalist_client.get(URL, {"format": "csv"}))[0] == list(CSV_COLUMNS)


def test_unknown_export_field_is_a_400_naming_it_and_the_valid_ones(journalist_client, claims):
    for export in ("csv", "ndjson", "json"):
        response = journalist_client.get(URL, {"format": export, "fields": "id,colour"})
        assert response.status_code == 400 and response["Content-Type"] == "application/json", export
        message = response.json()["fields"]["fields"][0]
        assert "colour" in message and "subject" in message, export
    csv_message = journalist_client.get(URL, {"format": "csv", "fields": "colour"}).json()["fields"]["fields"][0]
    assert "first_quote" in csv_message and "quantity" in csv_message


def test_ndjson_keys_follow_fields_in_the_requested_order(api_client, claims):
    response = api_client.get(URL, {"format": "ndjson", "fields": "status,id"})
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert all(list(json.loads(line)) == ["status", "id"] for line in lines) and lines


def test_csv_expand_evidence_is_one_row_per_link(journalist_client):
    claim = make_claim(status=Status.VERIFIED, subject="Wheat exports")
    EvidenceFactory(claim=claim, relation=EvidenceRelation.CONTRADICTS, excerpt="=1+1", source_value=200)
    bare = make_claim(subject="No evidence yet", evidence=False)
    rows = csv_rows(journalist_client.get(URL, {"format": "csv", "fields": "id,subject", "expand": "evidence"}))
    assert rows[0] == ["id", "subject", *EVIDENCE_CSV_COLUMNS]
    by_claim = {}
    for row in rows[1:]:
        by_claim.setdefault(int(row[0]), []).append(dict(zip(rows[0], row, strict=True)))
    links = by_claim[claim.id]
    assert [r["subject"] for r in links] == ["Wheat exports"] * 2
    assert {r["evidence_relation"] for r in links} == {"supports", "contradicts"}
    assert {r["evidence_id"] for r in links} == {str(e.id) for e in claim.evidence.all()}
    contradicting = next(r for r in links if r["evidence_relation"] == "contradicts")
    assert contradicting["evidence_excerpt"] == "'=1+1" and contradicting["evidence_source_value"] == "200"
    assert contradicting["evidence_source_title"] and contradicting["evidence_source_url"].startswith("https://")
    # A claim without links keeps its one row, the link's columns empty.
    assert len(by_claim[bare.id]) == 1 and by_claim[bare.id][0]["evidence_id"] == ""


def test_csv_expand_appearances_and_both(journalist_client):
    claim = make_claim(subject="Grain deal", evidence=True)
    AppearanceFactory(claim=claim, source=SourceFactory(title="Second report"), quote="grain", claimant="A minister")
    rows = csv_rows(journalist_client.get(URL, {"format": "csv", "expand": "appearances"}))
    assert rows[0] == [*CSV_COLUMNS, *APPEARANCE_CSV_COLUMNS]
    table = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert len(table) == 2 and {r["id"] for r in table} == {str(claim.id)}
    second = next(r for r in table if r["appearance_source_title"] == "Second report")
    assert second["appearance_quote"] == "grain" and second["appearance_claimant"] == "A minister"
    both = csv_rows(journalist_client.get(URL, {"format": "csv", "fields": "id", "expand": "evidence,appearances"}))
    assert both[0] == ["id", "link", *APPEARANCE_CSV_COLUMNS, *EVIDENCE_CSV_COLUMNS]
    assert sorted(row[1] for row in both[1:]) == ["appearance", "appearance", "evidence"]


def test_expand_is_checked(journalist_client, claims):
    unknown = journalist_client.get(URL, {"format": "csv", "expand": "sources"})
    assert unknown.status_code == 400
    message = unknown.json()["fields"]["expand"][0]
    assert "sources" in message and "appearances" in message and "evidence" in message
    # JSON and NDJSON nest the links already: a valid expand changes nothing there, an unknown one is still a 400
    nested = journalist_client.get(URL, {"format": "ndjson", "expand": "evidence"})
    plain = journalist_client.get(URL, {"format": "ndjson"})
    assert nested.status_code == 200 and b"".join(nested.streaming_content) == b"".join(plain.streaming_content)
    assert journalist_client.get(URL, {"expand": "sources"}).status_code == 400


def test_a_small_export_and_a_chunked_one_give_the_same_rows_in_the_list_order(journalist_client, monkeypatch):
    """Up to a chunk of rows, an export reads its ids then their rows (two plain queries, no server-side cursor);
    a larger one streams chunks through a cursor. Both give the same rows, in the list's order."""
    from django.db import connection

    from claims.api import exports

    for n in range(5):
        claim = make_claim(subject=f"Grain exports {n}", value=n + 1, unit="count")  # an appearance, evidence
        EvidenceFactory.create_batch(n, claim=claim, source_value=n + 1)
    params = {"format": "csv", "unit": "count", "fields": "id,subject,first_quote,evidence_count"}
    listed = [row["id"] for row in journalist_client.get(URL, {"unit": "count"}).json()["results"]]
    cursors = []  # the server-side cursors opened (QuerySet.iterator's)
    real = connection.chunked_cursor
    monkeypatch.setattr(connection, "chunked_cursor", lambda: cursors.append(1) or real())
    whole = csv_rows(journalist_client.get(URL, params))
    assert cursors == []
    monkeypatch.setattr(exports, "CHUNK", 2)
    chunked = csv_rows(journalist_client.get(URL, params))
    assert cursors == [1]
    assert chunked == whole
    assert [int(row[0]) for row in whole[1:]] == listed
    assert sorted(row[3] for row in whole[1:]) == ["1", "2", "3", "4", "5"]  # each claim's own evidence
