"""The importer's report of its own run (claims.importers.preview): the first records of each kind and outcome with
their key, subject and figure, an update's changed fields, errors with their records, the files' names, and the
CSV template built from the reader's columns."""

import csv
import io
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from claims.importers import import_files
from claims.importers.errors import ImportProblem
from claims.importers.preview import FieldChange, RecordsShown, build_report
from claims.importers.readers import CSV_COLUMNS, CSV_EXAMPLES, clean_file_name, csv_template
from claims.models import Claim
from claims.quantities import format_quantity

pytestmark = pytest.mark.django_db
ARTICLE = "Bilateral trade between the two countries has grown, reaching approximately $245 billion [2] annually."


def write(tmp_path: Path, name: str, content) -> Path:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return path


def document(**claim_fields) -> dict:
    return {
        "publishers": [{"name": "Anadolu Agency", "website": "https://www.aa.com.tr/"}],
        "sources": [
            {"key": "article", "title": "The article", "publisher": "Anadolu Agency", "text": ARTICLE},
            {"key": "ref-2", "title": "Customs statistics", "publisher": "Anadolu Agency"},
        ],
        "claims": [
            {
                "key": "trade-2024",
                "subject": "China–Russia bilateral trade",
                "claim_type": "current_value",
                "quantity": "approximately $245 billion",
                "period": "2024",
                "appearances": [{"source": "article", "quote": "reaching approximately $245 billion"}],
                "evidence": [
                    {
                        "source": "ref-2",
                        "relation": "supports",
                        "excerpt": "244.8 billion",
                        "source_value": "244800000000",
                    }
                ],
            }
            | claim_fields
        ],
    }


def rows(result, kind, outcome):
    return next(o.rows for k in result.report().kinds if k.kind == kind for o in k.outcomes if o.outcome == outcome)


def test_a_dry_run_reports_each_kind_s_records_with_key_subject_and_figure(tmp_path):
    result = import_files([write(tmp_path, "a.json", document())], dry_run=True)
    assert result.ok and not Claim.objects.exists()
    (publisher,) = rows(result, "publisher", "created")
    assert (publisher.record, publisher.key, publisher.subject) == (
        "publishers[0]",
        "Anadolu Agency",
        "https://www.aa.com.tr/",
    )
    assert [(r.key, r.subject) for r in rows(result, "source", "created")] == [
        ("article", "The article"),
        ("ref-2", "Customs statistics"),
    ]
    (claim,) = rows(result, "claim", "created")
    assert (claim.record, claim.key, claim.subject) == ("claims[0]", "trade-2024", "China–Russia bilateral trade")
    assert claim.figure == format_quantity(Decimal("245000000000"), "USD", "approximately") != ""
    (appearance,) = rows(result, "appearance", "created")
    assert appearance.record == "claims[0].appearances[0]"
    assert appearance.key == "trade-2024 · key:article" and appearance.subject == "reaching approximately $245 billion"
    (evidence,) = rows(result, "evidence", "created")
    assert evidence.key == "trade-2024 · key:ref-2 · supports" and evidence.subject == "supports: 244.8 billion"
    assert evidence.figure == format_quantity(Decimal("244800000000"), "USD")  # in its claim's unit


def test_an_update_reports_its_changed_fields_old_and_new(tmp_path):
    assert import_files([write(tmp_path, "a.json", document())]).ok
    changed = document(subject="China–Russia trade", quantity="about $250 billion", period="2023/2024")
    changed["sources"][1]["title"] = "Customs statistics, 2024"
    result = import_files([write(tmp_path, "b.json", changed)], dry_run=True)
    assert result.ok
    (claim,) = rows(result, "claim", "updated")
    assert claim.figure == format_quantity(Decimal("250000000000"), "USD", "approximately")
    assert claim.changes == (
        FieldChange("subject", "China–Russia bilateral trade", "China–Russia trade"),
        FieldChange(
            "figure",
            format_quantity(Decimal("245000000000"), "USD", "approximately"),
            format_quantity(Decimal("250000000000"), "USD", "approximately"),
        ),
        FieldChange("period", "2024", "2023/2024"),
    )
    (source,) = rows(result, "source", "updated")
    assert source.key == "ref-2" and source.changes == (
        FieldChange("title", "Customs statistics", "Customs statistics, 2024"),
    )
    assert [r.key for r in rows(result, "source", "unchanged")] == ["article"]
    assert [r.key for r in rows(result, "appearance", "unchanged")] == ["trade-2024 · key:article"]
    assert Claim.objects.get().subject == "China–Russia bilateral trade"  # a dry run


def test_a_source_s_new_publisher_reads_as_names(tmp_path):
    assert import_files([write(tmp_path, "a.json", document())]).ok
    moved = document()
    moved["publishers"].append({"name": "Reuters"})
    moved["sources"][1]["publisher"] = "Reuters"
    result = import_files([write(tmp_path, "b.json", moved)], dry_run=True)
    (source,) = rows(result, "source", "updated")
    assert source.changes == (FieldChange("publisher", "Anadolu Agency", "Reuters"),)


def test_the_first_records_are_kept_and_the_rest_counted(tmp_path):
    claims = [
        {"key": f"c-{n}", "subject": f"Trade {n}", "claim_type": "ranking", "value": str(n), "unit": "count"}
        for n in range(12)
    ]
    result = import_files([write(tmp_path, "a.json", {"claims": claims})], dry_run=True, shown_rows=5)
    (kind,) = [k for k in result.report().kinds if k.kind == "claim"]
    (created,) = kind.outcomes
    assert (created.count, [r.key for r in created.rows], created.more) == (12, [f"c-{n}" for n in range(5)], 7)


def test_errors_carry_their_record_kind_and_key_and_are_grouped_by_record(tmp_path):
    bad = document()
    bad["claims"].append({"key": "bad-1", "subject": "Trade", "claim_type": "ranking", "value": "lots"})
    bad["claims"][0]["appearances"][0]["quote"] = "not in the article"
    bad["claims"][0]["evidence"].append({"source": "nowhere", "relation": "cited"})
    result = import_files([write(tmp_path, "a.json", bad)], dry_run=True)
    report = result.report()
    by_kind = {k.kind: k for k in report.kinds}
    (claim_error,) = by_kind["claim"].errors
    assert (claim_error.record, claim_error.key) == ("claims[1]", "bad-1")
    assert [(p.field, p.message) for p in claim_error.problems] == [("value", "'lots' is not a number")]
    (appearance_error,) = by_kind["appearance"].errors
    assert (appearance_error.record, appearance_error.key) == ("claims[0].appearances[0]", "trade-2024 · key:article")
    assert appearance_error.problems[0].field == "quote"
    (evidence_error,) = by_kind["evidence"].errors
    assert evidence_error.record == "claims[0].evidence[1]" and evidence_error.problems[0].field == "source"
    assert evidence_error.key == "trade-2024 · key:nowhere · cited"
    # the valid records still show what they would do
    assert [r.key for r in rows(result, "claim", "created")] == ["trade-2024"]
    assert report.other_errors == []


def test_build_report_groups_several_problems_of_one_record():
    problems = [
        ImportProblem("a.csv", "line 2", "status", "first", "claim", "k1"),
        ImportProblem("a.csv", "line 3", "value", "other", "claim", "k2"),
        ImportProblem("a.csv", "line 2", "quote", "second", "source_ref", ""),
        ImportProblem("a.csv", "line 2", "period", "third", "claim", ""),
        ImportProblem("a.csv", "", "", "is empty"),
    ]
    counts = {kind: Counter() for kind in ("source", "claim")}
    report = build_report(("source", "claim"), counts, RecordsShown(), problems)
    claim_kind = report.kinds[1]
    assert [(g.record, g.key, [p.message for p in g.problems]) for g in claim_kind.errors] == [
        ("line 2", "k1", ["first", "third"]),
        ("line 3", "k2", ["other"]),
    ]
    assert [g.record for g in report.kinds[0].errors] == ["line 2"]  # a CSV row's source is a source
    assert [g.problems[0].message for g in report.other_errors] == ["is empty"]


def test_a_file_is_named_by_the_name_given_in_errors_and_the_audit_trail(tmp_path):
    path = write(tmp_path, "3f2a9c.json", document())
    result = import_files([path], names=["Trade figures.json"])
    assert result.ok
    claim = Claim.objects.get()
    assert claim.history.get().history_change_reason == "import Trade figures.json"
    bad = write(tmp_path, "77aa01.json", {"claims": [{"subject": "x", "claim_type": "nonsense"}]})
    (problem,) = import_files([bad], names=["mine.json"]).errors
    assert problem.file == "mine.json" and str(problem).startswith("mine.json: claims[0]: field 'claim_type'")


@pytest.mark.parametrize(
    ("given", "cleaned"),
    [
        ("claims.csv", "claims.csv"),
        ("C:\\Users\\ana\\My claims.csv", "My claims.csv"),
        ("../../etc/x.json", "x.json"),
        ("bad\nname\t\u202ecod.json", "bad name cod.json"),
        ("   ", "upload"),
        ("a" * 300 + ".jsonl", "a" * 93 + "….jsonl"),
    ],
)
def test_clean_file_name(given, cleaned):
    assert clean_file_name(given) == cleaned
    assert len(clean_file_name(given)) <= 100


def test_the_csv_template_has_the_reader_s_columns_and_imports_cleanly(tmp_path):
    text = csv_template()
    table = list(csv.reader(io.StringIO(text)))
    assert tuple(table[0]) == CSV_COLUMNS and len(table) == 1 + len(CSV_EXAMPLES)
    result = import_files([write(tmp_path, "template.csv", text)], dry_run=True)
    assert result.ok, [str(problem) for problem in result.errors]
    assert result.counts["claim"]["created"] == len(CSV_EXAMPLES) and result.counts["appearance"]["created"] == 2
    assert not Claim.objects.exists()


def test_the_command_s_dry_run_prints_the_records(tmp_path):
    assert import_files([write(tmp_path, "a.json", document())]).ok
    path = write(tmp_path, "b.json", document(subject="China–Russia trade"))
    out = io.StringIO()
    call_command("import_claims", str(path), "--dry-run", "--no-progress", stdout=out)
    text = out.getvalue()
    assert "Records (the first 20 of each kind and outcome):" in text
    assert "claim       updated   " in text and "claims[0]  trade-2024  China–Russia trade" in text
    assert "      subject: China–Russia bilateral trade → China–Russia trade" in text


def test_evidence_figures_take_one_query_per_batch_until_the_report_is_full(tmp_path, settings):
    """A source's figure is shown in its claim's unit: looked up for the evidence rows the report keeps, and not
    at all once it holds its evidence (7 records a batch in the tests)."""
    from django.db import connection

    content = document()
    content["claims"] += [
        {
            "key": f"c-{n}",
            "subject": f"Trade {n}",
            "claim_type": "current_value",
            "value": str(n),
            "unit": "USD",
            "evidence": [{"source": "ref-2", "relation": "supports", "source_value": str(n)}],
        }
        for n in range(40)
    ]
    path = write(tmp_path, "a.json", content)
    lookup = 'SELECT "claims_claim"."id" AS "id", "claims_claim"."unit" AS "unit" FROM'

    def unit_lookups(shown_rows: int) -> int:
        executed: list[str] = []
        with connection.execute_wrapper(lambda execute, sql, *args: executed.append(sql) or execute(sql, *args)):
            assert import_files([path], dry_run=True, shown_rows=shown_rows).ok
        return sum(sql.startswith(lookup) for sql in executed)

    assert unit_lookups(0) == 0
    assert unit_lookups(5) == 1  # the first batch fills it
    assert 1 < unit_lookups(20) < -(-41 // settings.IMPORT_BATCH_SIZE)  # fewer than the evidence's batches
