"""The importer: every error class, idempotency, updates, all-or-nothing, dry runs, CSV and JSONL."""

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.management import call_command
from django.core.management.base import CommandError

from claims.importers import import_files
from claims.models import Appearance, Claim, Evidence
from sources.models import Publisher, Source

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
ARTICLE = "Bilateral trade between the two countries has grown, reaching approximately $245 billion [2] annually."


def write(tmp_path: Path, name: str, content) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return path


def claim(n: int, **extra) -> dict:
    return {
        "key": f"c-{n}",
        "subject": f"Trade {n}",
        "claim_type": "current_value",
        "value": str(100 + n),
        "unit": "USD",
        "period": "2024",
    } | extra


def document(claims=(), **sections) -> dict:
    base = {
        "publishers": [{"name": "Anadolu Agency", "website": "https://www.aa.com.tr/"}],
        "sources": [
            {
                "key": "article",
                "title": "The article",
                "publisher": "Anadolu Agency",
                "kind": "opinion",
                "text": ARTICLE,
            },
            {"url": "https://www.prospectmagazine.co.uk/world/69447/the-flaw", "publisher": "Anadolu Agency"},
        ],
        "claims": list(claims),
    }
    return base | sections


# Evidence from a source the claims don't appear in (the article states them: it can't support them).
CUSTOMS = {"key": "customs", "title": "Customs statistics 2024", "publisher": "Anadolu Agency", "kind": "statistics"}


def with_customs(doc: dict) -> dict:
    return doc | {"sources": [*doc["sources"], CUSTOMS]}


def problems(result) -> list[str]:
    return [str(problem) for problem in result.errors]


def assert_nothing_written():
    assert (Claim.objects.count(), Source.objects.count(), Publisher.objects.count()) == (0, 0, 0)
    assert (Appearance.objects.count(), Evidence.objects.count()) == (0, 0)


def only_error(result, *fragments):
    assert not result.ok
    assert len(result.errors) == 1, problems(result)
    text = problems(result)[0]
    for fragment in fragments:
        assert fragment in text, text
    assert_nothing_written()
    return result.errors[0]


# --- happy paths ------------------------------------------------------------------------------------------------
def test_a_json_file_imports_with_nested_appearances_and_evidence(tmp_path):
    trade = claim(
        1,
        value="245000000000",
        qualifier="approximately",
        appearances=[{"source": {"key": "article"}, "quote": "reaching approximately $245 billion [2] annually"}],
        evidence=[
            {
                "source": "https://www.prospectmagazine.co.uk/world/69447/the-flaw/?utm_source=x",
                "relation": "cited",
                "locator": "reference [2]",
                "source_value": "244800000000",
            }
        ],
    )
    result = import_files([write(tmp_path, "a.json", document([trade]))])
    assert result.ok, problems(result)
    assert result.counts["claim"]["created"] == 1
    stored = Claim.objects.get(key="c-1")
    assert stored.value == Decimal("245000000000") and stored.display_quantity == "≈ $245 bn"
    appearance = stored.appearances.get()
    assert ARTICLE[appearance.start_offset : appearance.end_offset] == appearance.quote
    evidence = stored.evidence.get()
    assert evidence.relation == "cited" and evidence.source.url.startswith("https://www.prospect")
    assert evidence.gap_percent() == Decimal("0.1")


def test_importing_twice_changes_nothing_the_second_time(tmp_path):
    path = write(
        tmp_path,
        "a.json",
        document(
            [
                claim(n, appearances=[{"source": {"key": "article"}, "quote": "approximately $245 billion"}])
                for n in range(20)
            ]
        ),
    )
    first = import_files([path])
    assert first.ok and first.counts["claim"]["created"] == 20 and first.counts["appearance"]["created"] == 20
    stamps = dict(Claim.objects.values_list("key", "updated_at"))
    second = import_files([path])
    assert second.ok
    for kind in ("publisher", "source", "claim", "appearance"):
        assert second.counts[kind]["created"] == second.counts[kind]["updated"] == 0, kind
    assert second.counts["claim"]["unchanged"] == 20
    assert dict(Claim.objects.values_list("key", "updated_at")) == stamps


def test_a_changed_record_is_updated_and_the_rest_left_alone(tmp_path):
    import_files([write(tmp_path, "a.json", document([claim(1), claim(2)]))])
    result = import_files([write(tmp_path, "b.json", document([claim(1), claim(2, value="999", qualifier="over")]))])
    assert result.ok
    assert result.counts["claim"] == {"updated": 1, "unchanged": 1}
    assert Claim.objects.get(key="c-2").display_quantity == "> $999"


def test_claims_without_a_key_get_a_derived_one_and_are_found_again(tmp_path):
    record = {
        "subject": "Xi–Putin meetings since 2013",
        "claim_type": "current_value",
        "quantity": "over 42",
        "period": "2013/",
    }
    path = write(tmp_path, "a.json", {"claims": [record]})
    assert import_files([path]).ok
    stored = Claim.objects.get()
    assert stored.key == "auto:xiputin-meetings-since-2013:42:2013/"
    assert (stored.value, stored.unit, stored.qualifier, stored.display_period) == (42, "count", "over", "since 2013")
    assert import_files([path]).counts["claim"] == {"unchanged": 1}


def test_top_level_appearances_and_evidence_refer_by_natural_keys(tmp_path):
    doc = document(
        [claim(1)],
        appearances=[
            {
                "claim": "c-1",
                "source": {"title": "The article", "publisher": "Anadolu Agency"},
                "quote": "$245 billion",
                "claimant": "The author",
            }
        ],
        evidence=[{"claim": "c-1", "source": {"key": "article"}, "relation": "context"}],
    )
    result = import_files([write(tmp_path, "a.json", doc)])
    assert result.ok, problems(result)
    assert Appearance.objects.get().claimant == "The author"
    assert Evidence.objects.get().relation == "context"


def test_a_later_file_may_refer_to_an_earlier_one(tmp_path):
    first = write(tmp_path, "1.json", document([claim(1)]))
    second = write(tmp_path, "2.json", {"evidence": [{"claim": "c-1", "source": "article", "relation": "supports"}]})
    assert import_files([first, second]).ok
    assert Evidence.objects.get().source.key == "article"


def test_csv_one_claim_per_row_with_its_appearance(tmp_path):
    csv_text = (
        "\ufeffkey,subject,claim_type,quantity,period,quote,source_url,source_title,source_publisher,claimant\n"
        "t1,China–Russia trade,current_value,approximately $245 billion,2024,“$245 billion”,"
        "https://example.org/a,Article A,Example News,\n"
        't2,US–Russia trade,current_value,$3.5 billion,as of 2024,"just $3.5 billion, as of 2024",'
        "https://EXAMPLE.org/a/,,,Someone\n"
    )
    path = write(tmp_path, "sheet.csv", csv_text)
    result = import_files([path])
    assert result.ok, problems(result)
    assert Source.objects.get().title == "Article A"
    assert Publisher.objects.get().name == "Example News"
    assert Claim.objects.get(key="t2").period == "as of 2024"
    assert Appearance.objects.filter(source__url="https://example.org/a").count() == 2
    assert import_files([path]).counts["claim"] == {"unchanged": 2}


def test_jsonl_records_one_per_line(tmp_path):
    lines = [
        {"type": "publisher", "name": "CSIS"},
        {"type": "source", "key": "survey", "publisher": "CSIS", "kind": "survey"},
        {"type": "claim", **claim(1, unit="percent", value="11")},
        {"type": "evidence", "claim": "c-1", "source": "survey", "relation": "cited"},
    ]
    path = write(tmp_path, "a.jsonl", "\n".join(json.dumps(line) for line in lines) + "\n\n")
    result = import_files([path])
    assert result.ok, problems(result)
    assert Evidence.objects.get().claim.display_quantity == "11 %"


def test_dry_run_counts_and_writes_nothing(tmp_path):
    result = import_files([write(tmp_path, "a.json", document([claim(1)]))], dry_run=True)
    assert result.ok and result.dry_run and result.counts["claim"]["created"] == 1
    assert_nothing_written()


# --- all or nothing ---------------------------------------------------------------------------------------------
def test_one_bad_record_after_many_good_batches_rejects_everything(tmp_path):
    claims = [claim(n) for n in range(30)] + [claim(99, value="lots")]
    result = import_files([write(tmp_path, "a.json", document(claims))])
    only_error(result, "a.json: claims[30]: field 'value': 'lots' is not a number")


def test_a_bad_second_file_rejects_the_first_too(tmp_path):
    good = write(tmp_path, "good.json", document([claim(1)]))
    bad = write(tmp_path, "bad.json", '{"claims": [')
    result = import_files([good, bad])
    assert not result.ok and "bad.json" in problems(result)[0]
    assert_nothing_written()


def test_every_error_is_reported_in_one_run(tmp_path):
    claims = [claim(1, value="x"), claim(2), claim(3, period="2023-02-30"), claim(4, unit="parsecs")]
    result = import_files([write(tmp_path, "a.json", document(claims))])
    assert [(e.record, e.field) for e in result.errors] == [
        ("claims[0]", "value"),
        ("claims[2]", "period"),
        ("claims[3]", "unit"),
    ]


def test_errors_stop_at_the_cap(tmp_path):
    claims = [claim(n, value="x") for n in range(10)]
    result = import_files([write(tmp_path, "a.json", document(claims))], max_errors=3)
    assert len(result.errors) == 3 and result.truncated


# --- each error class -------------------------------------------------------------------------------------------
def test_malformed_json_names_line_and_column(tmp_path):
    path = write(tmp_path, "a.json", '{\n  "claims": [\n    {"subject": "x",}\n  ]\n}')
    only_error(import_files([path]), "a.json", "is not valid JSON", "line 3")


def test_non_utf8_json(tmp_path):
    path = write(tmp_path, "a.json", b'{"claims": [{"subject": "caf\xe9"}]}')
    only_error(import_files([path]), "a.json", "not UTF-8", "offset 28")


def test_non_utf8_csv(tmp_path):
    path = write(tmp_path, "a.csv", b"subject,claim_type\nok,ranking\ncaf\xe9,ranking\n")
    only_error(import_files([path]), "a.csv", "not UTF-8")


def test_unknown_field_suggests_the_known_one(tmp_path):
    path = write(tmp_path, "a.json", document([claim(1) | {"valeu": "3"}]))
    only_error(import_files([path]), "claims[0]", "field 'valeu'", "did you mean 'value'")


def test_unknown_section_and_unknown_csv_column(tmp_path):
    only_error(import_files([write(tmp_path, "a.json", {"claimz": []})]), "unknown section 'claimz'")
    only_error(
        import_files([write(tmp_path, "a.csv", "subject,claim_type,colour\nx,ranking,red\n")]),
        "line 1",
        "field 'colour'",
        "unknown column",
    )


def test_value_that_is_not_a_number(tmp_path):
    only_error(
        import_files([write(tmp_path, "a.json", document([claim(1, value="12abc")]))]),
        "claims[0]",
        "field 'value'",
        "not a number",
    )
    only_error(
        import_files(
            [
                write(
                    tmp_path, "a.csv", "subject,claim_type,value,unit\nA,ranking,1,count\nB,ranking,one hundred,count\n"
                )
            ]
        ),
        "a.csv: line 3",
        "field 'value'",
    )


@pytest.mark.parametrize(
    ("doc", "where", "field"),
    [
        (document([claim(1, period="2023-02-30")]), "claims[0]", "period"),
        ({"sources": [{"key": "s", "published": "2025-13"}]}, "sources[0]", "published"),
        ({"sources": [{"key": "s", "accessed": "2024-02-30"}]}, "sources[0]", "accessed"),
    ],
)
def test_impossible_date(tmp_path, doc, where, field):
    only_error(import_files([write(tmp_path, "a.json", doc)]), where, f"field '{field}'", "not a real date")


def test_duplicate_natural_keys_in_one_file(tmp_path):
    result = import_files([write(tmp_path, "a.json", document([claim(1), claim(2), claim(1, value="5")]))])
    only_error(result, "claims[2]", "duplicate claim 'c-1'", "claims[0] has the same natural key")
    doc = document(publishers=[{"name": "Anadolu Agency"}, {"name": "Anadolu Agency"}])
    only_error(import_files([write(tmp_path, "b.json", doc)]), "publishers[1]", "duplicate publisher")
    doc = document(sources=[{"url": "https://x.org/a"}, {"url": "HTTPS://X.ORG/a/"}])
    only_error(import_files([write(tmp_path, "c.json", doc)]), "sources[1]", "duplicate source")


def test_a_source_cant_take_another_sources_url(tmp_path):
    two = [{"key": "first", "title": "First", "url": "https://x.org/a"}, {"key": "second", "url": "https://x.org/b"}]
    assert import_files([write(tmp_path, "a.json", document(sources=two))]).ok
    # an existing source moved to the address of another: refused on its url, naming the other
    moved = document(sources=[{"key": "second", "url": "HTTPS://X.ORG/a/?utm_source=feed"}])
    error = only_error_kept(import_files([write(tmp_path, "b.json", moved)]), "sources[0]", "field 'url'")
    assert "this URL already belongs to the source 'first'" in error.message
    # two new sources of one file with the same address (after normalisation)
    same = document(sources=[{"key": "third", "url": "https://x.org/c"}, {"key": "fourth", "url": "https://X.org/c/"}])
    error = only_error_kept(import_files([write(tmp_path, "c.json", same)]), "sources[1]", "field 'url'")
    assert "sources[0] has the same URL" in error.message
    assert sorted(Source.objects.values_list("key", "normalized_url")) == [
        ("first", "https://x.org/a"),
        ("second", "https://x.org/b"),
    ]


def only_error_kept(result, *fragments):
    """The one error of an import that leaves the data of earlier imports in place."""
    assert not result.ok and len(result.errors) == 1, problems(result)
    for fragment in fragments:
        assert fragment in str(result.errors[0]), str(result.errors[0])
    return result.errors[0]


def test_duplicate_keys_across_batches_are_found(tmp_path, settings):
    claims = [claim(n) for n in range(20)] + [claim(3)]
    only_error(import_files([write(tmp_path, "a.json", document(claims))]), "claims[20]", "claims[3]")


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (
            {"appearances": [{"claim": "nope", "source": "article", "quote": "$245 billion"}]},
            "no claim with key 'nope'",
        ),
        (
            {"evidence": [{"claim": "c-1", "source": "https://unknown.example/x", "relation": "cited"}]},
            "no source with url",
        ),
        (
            {"evidence": [{"claim": "c-1", "source": {"title": "Nope", "publisher": "X"}, "relation": "cited"}]},
            "no source with title",
        ),
    ],
)
def test_dangling_references(tmp_path, extra, fragment):
    only_error(import_files([write(tmp_path, "a.json", document([claim(1)], **extra))]), fragment)


def test_dangling_publisher(tmp_path):
    doc = {"sources": [{"key": "s", "publisher": "Nobody Press"}]}
    only_error(import_files([write(tmp_path, "a.json", doc)]), "sources[0]", "field 'publisher'", "Nobody Press")


@pytest.mark.parametrize("content", ["", "   \n", "{}", '{"claims": []}', "[]"])
def test_empty_files(tmp_path, content):
    result = import_files([write(tmp_path, "a.json", content)])
    assert not result.ok
    assert any(word in problems(result)[0] for word in ("empty", "no records", "one JSON object")), problems(result)
    assert_nothing_written()


def test_empty_csv_and_jsonl(tmp_path):
    only_error(import_files([write(tmp_path, "a.csv", "")]), "is empty")
    only_error(import_files([write(tmp_path, "b.csv", "subject,claim_type\n")]), "no records")
    only_error(import_files([write(tmp_path, "c.jsonl", "\n\n")]), "no records")


def test_missing_file_and_unknown_ending(tmp_path):
    only_error(import_files([tmp_path / "nope.json"]), "nope.json", "file not found")
    only_error(import_files([write(tmp_path, "a.xlsx", "x")]), "unknown ending '.xlsx'")


def test_malformed_jsonl_line(tmp_path):
    path = write(tmp_path, "a.jsonl", '{"type": "publisher", "name": "A"}\n{"type": "claim", \n')
    only_error(import_files([path]), "a.jsonl: line 2", "not valid JSON")
    path = write(tmp_path, "b.jsonl", '{"type": "widget"}\n')
    only_error(import_files([path]), "line 1", "field 'type'")


def test_quote_must_be_in_the_source_text(tmp_path):
    doc = document([claim(1, appearances=[{"source": "article", "quote": "$254 billion"}])])
    only_error(
        import_files([write(tmp_path, "a.json", doc)]),
        "claims[0].appearances[0]",
        "field 'quote'",
        "not found verbatim",
    )
    doc = document([claim(1, appearances=[{"source": "article", "quote": "approximately $245 billion", "start": 3}])])
    only_error(
        import_files([write(tmp_path, "b.json", doc)]), "field 'start'", f"it is at offset {ARTICLE.index('approx')}"
    )


def test_typographic_mismatch_gets_a_hint(tmp_path):
    text = "He called it a ‘reverse Kissinger’ – twice."
    doc = document(
        [claim(1, appearances=[{"source": "s", "quote": "a 'reverse Kissinger' - twice"}])],
        sources=[{"key": "s", "text": text}],
    )
    only_error(import_files([write(tmp_path, "a.json", doc)]), "other quotes, dashes or spaces")


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"unit": "percent", "value": "140"}, "value", "outside 0–100"),
        ({"lower": "500"}, "lower", "above the value"),
        ({"upper": "5"}, "upper", "below the value"),
        ({"unit": ""}, "unit", "required"),
        ({"value": None}, "unit", "without a value"),
        ({"claim_type": "rumour"}, "claim_type", "not one of"),
        ({"status": "probably"}, "status", "not one of"),
        ({"subject": ""}, "subject", "must not be empty"),
        ({"key": "has space"}, "key", "may hold only"),
        ({"quantity": "about 7", "value": "7"}, "quantity", "not both"),
        ({"value": "1.1234567"}, "value", "decimal places"),
    ],
)
def test_claim_field_rules(tmp_path, fields, field, fragment):
    only_error(import_files([write(tmp_path, "a.json", document([claim(1) | fields]))]), f"field '{field}'", fragment)


def test_percent_change_may_leave_0_100(tmp_path):
    result = import_files(
        [write(tmp_path, "a.json", document([claim(1, unit="percent", value="150", claim_type="change")]))]
    )
    assert result.ok


def test_text_file_must_exist_and_be_utf8(tmp_path):
    only_error(
        import_files([write(tmp_path, "a.json", {"sources": [{"key": "s", "text_file": "gone.txt"}]})]),
        "field 'text_file'",
        "not found",
    )
    write(tmp_path, "latin.txt", b"caf\xe9")
    only_error(
        import_files([write(tmp_path, "b.json", {"sources": [{"key": "s", "text_file": "latin.txt"}]})]),
        "field 'text_file'",
        "not UTF-8",
    )


@pytest.mark.parametrize(
    ("name", "fragment"),
    [("/etc/hostname", "is an absolute path"), ("../secret.txt", "leads out of the import file's folder"),
     ("articles/../../secret.txt", "leads out of the import file's folder"), ("link.txt", "leads out of")],
)  # fmt: skip
def test_text_file_stays_inside_the_import_files_folder(tmp_path, name, fragment):
    """An import reads text files beside it, never what else the server's account can read."""
    folder = tmp_path / "upload"
    folder.mkdir()
    (tmp_path / "secret.txt").write_text("the server's secret")
    (folder / "link.txt").symlink_to(tmp_path / "secret.txt")
    result = import_files([write(folder, "a.json", {"sources": [{"key": "s", "text_file": name}]})])
    only_error(result, "field 'text_file'", fragment)
    assert not Source.objects.exists()


def test_changing_a_source_text_under_its_quotes_is_refused(tmp_path):
    doc = document([claim(1, appearances=[{"source": "article", "quote": "$245 billion"}])])
    assert import_files([write(tmp_path, "a.json", doc)]).ok
    doc["sources"][0]["text"] = ARTICLE.replace("$245", "$254")
    result = import_files([write(tmp_path, "b.json", doc)])
    assert not result.ok and "field 'text'" in problems(result)[0]
    assert Source.objects.get(key="article").text == ARTICLE


# --- the command ------------------------------------------------------------------------------------------------
def test_command_reports_counts(tmp_path, capsys):
    call_command("import_claims", str(write(tmp_path, "a.json", document([claim(1)]))))
    out = capsys.readouterr().out
    assert "Imported" in out and "claim" in out and "1 created" in out


def test_command_fails_with_the_problems_and_writes_nothing(tmp_path, capsys):
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_claims", str(write(tmp_path, "a.json", document([claim(1, value="x")]))))
    assert "claims[0]: field 'value'" in capsys.readouterr().err
    assert_nothing_written()


def _subprocess_env() -> dict:
    """The environment of a manage.py child: test settings and the test database (the one that DATABASE_URL names
    need not exist: CI's doesn't)."""
    import os
    from urllib.parse import urlsplit, urlunsplit

    from django.conf import settings
    from django.db import connection

    url = urlsplit(os.environ.get("DATABASE_URL") or settings.DATABASE_URL)
    test_url = urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "factcheck.settings.test", "DATABASE_URL": test_url}


def test_command_exits_non_zero_without_a_traceback(tmp_path):
    bad = write(tmp_path, "a.json", '{"claims": [}')
    run = subprocess.run(
        [sys.executable, "manage.py", "import_claims", str(bad), str(tmp_path / "missing.csv"), "--dry-run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=_subprocess_env(),
        check=False,
    )
    assert run.returncode == 1
    assert "is not valid JSON" in run.stderr and "missing.csv: file not found" in run.stderr
    assert "Traceback" not in run.stderr


# --- audit trail and statuses -------------------------------------------------------------------------------------
def test_imported_records_are_in_the_audit_trail(tmp_path, desk_admin):
    path = write(tmp_path, "a.json", document([claim(1, appearances=[{"source": "article", "quote": "$245 billion"}])]))
    assert import_files([path], actor=desk_admin).ok
    stored = Claim.objects.get()
    entry = stored.history.get()
    assert (entry.history_type, entry.history_user, entry.history_change_reason) == ("+", desk_admin, "import a.json")
    assert entry.subject == stored.subject and entry.value == stored.value
    assert Appearance.history.get().quote == "$245 billion"
    assert Source.history.filter(key="article").count() == 1
    changed = write(tmp_path, "b.json", document([claim(1, value="7")]))
    assert import_files([changed]).ok
    latest = Claim.objects.get().history.latest()
    assert (latest.history_type, latest.value, latest.history_user) == ("~", 7, None)
    assert Claim.objects.get().version == 2  # an open editor's save would now be refused


def test_imported_statuses_go_through_the_workflow(tmp_path):
    evidence = [{"source": "article", "relation": "supports", "excerpt": "reaching approximately $245 billion"}]
    doc = document(
        [
            claim(1, status="verified", verdict_note="Customs data agree.", evidence=evidence),
            claim(2, status="in_review"),
            claim(3, status="unverifiable", verdict_note="No data published."),
        ]
    )
    result = import_files([write(tmp_path, "a.json", doc)])
    assert result.ok, problems(result)
    verified = Claim.objects.get(key="c-1")
    assert (verified.status, verified.textual_rating, verified.rating_value) == ("verified", "True", 5)
    assert verified.verdict_note == "Customs data agree." and verified.reviewed_at is not None
    assert Claim.objects.get(key="c-2").status == "in_review"
    # A new claim whose own records satisfy the workflow is inserted with its status: one history row.
    entry = verified.history.get()
    assert (entry.history_type, entry.status, entry.rating_value) == ("+", "verified", 5)
    assert entry.history_change_reason == "import a.json: created verified by import"
    assert verified.version == 1
    assert result.counts["claim"]["status changed"] == 3
    assert import_files([write(tmp_path, "a.json", doc)]).counts["claim"]["status changed"] == 0


def test_a_new_claim_takes_its_verdict_with_the_reviewer_and_ratings(tmp_path, desk_admin):
    evidence = [
        {"source": "article", "relation": "cited", "excerpt": "not decisive: cited"},
        {"source": "article", "relation": "contradicts", "excerpt": "reaching approximately $245 billion"},
    ]
    doc = document([claim(1, status="false", verdict_note="Wrong year.", evidence=evidence)])
    assert import_files([write(tmp_path, "a.json", doc)], actor=desk_admin).ok
    stored = Claim.objects.get()
    assert (stored.status, stored.textual_rating, stored.rating_value, stored.verdict_note) == (
        "false",
        "False",
        1,
        "Wrong year.",
    )
    assert stored.reviewer == desk_admin and stored.reviewed_at is not None
    entry = stored.history.get()
    assert (entry.history_type, entry.history_user, entry.reviewer, entry.status) == (
        "+",
        desk_admin,
        desk_admin,
        "false",
    )
    assert entry.history_change_reason == "import a.json: created false by import"
    assert Evidence.objects.count() == 2


def test_a_verdict_resting_on_top_level_evidence_is_moved_after_it_is_written(tmp_path):
    doc = document(
        [claim(1, status="verified", verdict_note="Agrees.")],
        evidence=[{"claim": "c-1", "source": "article", "relation": "supports", "excerpt": "$245 billion"}],
    )
    result = import_files([write(tmp_path, "a.json", doc)])
    assert result.ok, problems(result)
    stored = Claim.objects.get()
    assert (stored.status, stored.rating_value, stored.version) == ("verified", 5, 2)
    assert [h.history_type for h in stored.history.order_by("history_id")] == ["+", "~"]
    assert stored.history.latest().history_change_reason == "import a.json: status set by import"


def test_an_existing_claim_moves_through_the_workflow(tmp_path):
    assert import_files([write(tmp_path, "a.json", document([claim(1)]))]).ok
    evidence = [{"source": "article", "relation": "supports", "excerpt": "$245 billion"}]
    doc = document([claim(1, status="verified", evidence=evidence)])
    result = import_files([write(tmp_path, "b.json", doc)])
    assert result.ok, problems(result)
    stored = Claim.objects.get()
    assert (stored.status, stored.version) == ("verified", 2)
    assert stored.history.latest().history_change_reason == "import b.json: status set by import"


def test_a_verdict_with_non_decisive_nested_evidence_is_refused(tmp_path):
    evidence = [
        {"source": "article", "relation": "supports"},
        {"source": "article", "relation": "cited", "excerpt": "x"},
    ]
    result = import_files([write(tmp_path, "a.json", document([claim(1, status="verified", evidence=evidence)]))])
    only_error(result, "claims[0]", "field 'status'", "first add evidence")


def test_an_imported_verdict_without_evidence_is_refused(tmp_path):
    doc = document([claim(1, status="false"), claim(2, status="unverifiable")])
    result = import_files([write(tmp_path, "a.json", doc)])
    assert [(e.record, e.field) for e in result.errors] == [("claims[0]", "status"), ("claims[1]", "status")]
    assert "first add evidence" in result.errors[0].message and "why" in result.errors[1].message
    assert_nothing_written()


def test_importing_statuses_needs_the_role(tmp_path, journalist):
    doc = document([claim(1, status="in_review")])
    result = import_files([write(tmp_path, "a.json", doc)], actor=journalist)
    assert "fact-checker role" in problems(result)[0]
    evidence = [{"source": "article", "relation": "supports", "excerpt": "$245 billion"}]
    doc = document([claim(1, status="verified", evidence=evidence)])
    only_error(import_files([write(tmp_path, "a.json", doc)], actor=journalist), "claims[0]", "fact-checker role")


def test_duplicate_nested_children_are_refused(tmp_path):
    evidence = [{"source": "article", "relation": "cited"}, {"source": {"key": "article"}, "relation": "cited"}]
    result = import_files([write(tmp_path, "a.json", document([claim(1, evidence=evidence)]))])
    only_error(result, "claims[0].evidence[1]", "duplicate evidence", "claims[0].evidence[0]")


# --- writing: COPY ---------------------------------------------------------------------------------------------------
NASTY = [
    "tab\there",
    "new\nline",
    "carriage\rreturn\r\n",
    "back\\slash \\N \\t \\\\",
    "\\N",
    "\\",
    "quote \" and ' and , ; |",
    "unicode – “quotes” ₽ 漢字 🙂",
    "trailing space ",
]


def test_nasty_strings_are_stored_exactly(tmp_path):
    prospect = "https://www.prospectmagazine.co.uk/world/69447/the-flaw"
    claims = [
        claim(
            n,
            subject=f"Subject {n} {text}".strip(),
            verdict_note=text.strip(),
            appearances=[{"source": prospect, "quote": f"“{text}”", "claimant": text.strip()}],
            evidence=[{"source": "article", "relation": "context", "excerpt": text.strip(), "locator": text.strip()}],
        )
        for n, text in enumerate(NASTY)
    ]
    sources = document()["sources"] + [{"key": "s-nasty", "title": "A\ttitle\\N", "authors": ["A\\B", "C\nD"]}]
    result = import_files([write(tmp_path, "a.json", document(claims, sources=sources))])
    assert result.ok, problems(result)
    for n, text in enumerate(NASTY):
        stored = Claim.objects.get(key=f"c-{n}")
        assert stored.subject == f"Subject {n} {text}".strip()
        assert stored.verdict_note == text.strip()
        appearance = stored.appearances.get()
        assert (appearance.quote, appearance.claimant) == (f"“{text}”", text.strip())
        assert (stored.evidence.get().excerpt, stored.evidence.get().locator) == (text.strip(), text.strip())
        assert stored.history.get().subject == stored.subject
    source = Source.objects.get(key="s-nasty")
    assert (source.title, source.authors) == ("A\ttitle\\N", ["A\\B", "C\nD"])
    assert Claim.objects.get(key="c-1").period_start.isoformat() == "2024-01-01"
    # Stored exactly: the same file again changes nothing.
    again = import_files([write(tmp_path, "a.json", document(claims, sources=sources))])
    assert again.counts["claim"] == {"unchanged": len(NASTY)}
    assert again.counts["appearance"] == {"unchanged": len(NASTY)}
    assert again.counts["evidence"] == {"unchanged": len(NASTY)}
    assert again.counts["source"]["unchanged"] == 3


def test_copy_text_escapes_what_the_format_reads():
    from claims.audit import copy_text

    assert copy_text(None) == "\\N"
    assert copy_text("\\N") == "\\\\N"
    assert copy_text("a\tb\nc\rd\\e") == "a\\tb\\nc\\rd\\\\e"
    assert copy_text(True) == "t" and copy_text(False) == "f"
    assert copy_text(Decimal("1.50")) == "1.50" and copy_text(7) == "7"


def test_bulk_inserts_keep_the_offsets_trigger_and_the_check_constraints():
    from django.db import DatabaseError, transaction

    from claims.audit import insert_rows

    source = Source.objects.create(key="s", title="S", text=ARTICLE)
    stored = Claim.objects.create(key="c", subject="Trade", claim_type="current_value")
    start = ARTICLE.index("$245 billion")
    good = {"claim_id": stored.pk, "source_id": source.pk, "quote": "$245 billion"}
    with pytest.raises(DatabaseError), transaction.atomic():
        insert_rows(Appearance, [good | {"start_offset": start + 1, "end_offset": start + 13}])
    with pytest.raises(DatabaseError), transaction.atomic():
        insert_rows(Claim, [{"key": "c2", "subject": "Trade", "claim_type": "current_value", "status": "nonsense"}])
    rows = insert_rows(Appearance, [good | {"start_offset": start, "end_offset": start + 12}])
    assert Appearance.objects.get().pk == rows[0]["id"]
    assert Claim.objects.get().evidence_count == 0


# --- reading JSON -------------------------------------------------------------------------------------------------
def read_items(path: Path) -> tuple[list[tuple[str, str]], int]:
    from claims.importers.readers import open_reader

    read = []
    items = [(item.kind, item.where) for item in open_reader(path, read.append).items()]
    return items, sum(read)


def test_json_sections_are_read_in_order_each_only_as_far_as_it_goes(tmp_path):
    padding = "x" * 300_000  # a large claims section after small publishers and sources sections
    doc = {
        "claims": [claim(n, verdict_note=padding) for n in range(3)],
        "sources": [{"key": f"s-{n}", "title": "T"} for n in range(2)],
        "publishers": [{"name": "P"}],
        "evidence": [{"claim": "c-0", "source": "s-0", "relation": "cited"}],
    }
    path = write(tmp_path, "a.json", doc)
    items, read = read_items(path)
    assert items == [
        ("publisher", "publishers[0]"),
        ("source", "sources[0]"),
        ("source", "sources[1]"),
        ("claim", "claims[0]"),
        ("claim", "claims[1]"),
        ("claim", "claims[2]"),
        ("evidence", "evidence[0]"),
    ]
    canonical = write(tmp_path, "b.json", {key: doc[key] for key in ("publishers", "sources", "claims", "evidence")})
    assert read_items(canonical)[0] == items
    # The structure pass, then claims and evidence read to their ends; the publishers' and sources' passes stop
    # at the head of the file (a full pass per section would read it five times).
    assert read_items(canonical)[1] < 3.2 * canonical.stat().st_size


def test_json_items_that_are_not_objects_are_errors_of_their_record(tmp_path):
    result = import_files([write(tmp_path, "a.json", {"claims": [claim(1), 7]})])
    only_error(result, "claims[1]", "must be an object")


def test_json_structure_errors(tmp_path):
    only_error(import_files([write(tmp_path, "a.json", {"claims": {"a": 1}})]), "claims", "must be a list")
    only_error(import_files([write(tmp_path, "a.json", {"claims": []})]), "holds no records")
    only_error(import_files([write(tmp_path, "a.json", [claim(1)])]), "must hold one JSON object")
    only_error(import_files([write(tmp_path, "a.json", {"format": "other/2", "claims": [claim(1)]})]), "format")
    only_error(import_files([write(tmp_path, "a.json", '{"claims": [' + "{}, " * 30_000 + "{]}")]), "not valid JSON")


def test_the_workflow_decides_the_status_of_each_new_imported_claim(desk_admin, journalist):
    from claims.services import statuses_of_imported_claims

    answers = statuses_of_imported_claims(
        claims=[
            ("verified", "", True),
            ("verified", "", False),  # its evidence may come later in the import: moved afterwards
            ("unverifiable", "", False),
            ("unverifiable", "No data.", False),
            ("in_review", "", False),
            ("nonsense", "", True),
        ],
        actor=desk_admin,
    )
    verified, later, no_note, unverifiable, in_review, nonsense = answers
    assert verified.refused is None and verified.fields["status"] == "verified"
    assert verified.fields["reviewer_id"] == desk_admin.pk
    assert (verified.fields["textual_rating"], verified.fields["rating_value"]) == ("True", 5)
    assert later.deferred and not later.fields and later.refused is None
    assert not no_note.fields and "why" in no_note.refused and not no_note.deferred
    assert unverifiable.fields["verdict_note"] == "No data." and unverifiable.fields["rating_value"] is None
    assert in_review.fields["status"] == "in_review" and in_review.fields["reviewed_at"] is None
    assert not nonsense.fields and "not a status" in nonsense.refused
    [answer] = statuses_of_imported_claims(claims=[("verified", "", True)], actor=journalist)
    assert not answer.fields and "fact-checker role" in answer.refused


def test_the_created_rows_history_holds_what_was_stored(tmp_path, desk_admin):
    evidence = [{"source": "article", "relation": "supports", "excerpt": "a\\tb\nc", "source_value": "245.5"}]
    doc = document(
        [claim(1, status="verified", evidence=evidence, lower="100", upper="300", qualifier="approximately")]
        + [claim(n, appearances=[{"source": "article", "quote": "$245 billion", "date": "2024-05-01"}]) for n in (2, 3)]
    )
    assert import_files([write(tmp_path, "a.json", doc)], actor=desk_admin).ok
    for model in (Publisher, Source, Claim, Appearance, Evidence):
        names = [f.attname for f in model.history.model._meta.concrete_fields if not f.name.startswith("history_")]
        for obj in model.objects.all():
            entry = obj.history.get()
            assert {n: getattr(entry, n) for n in names} == {n: getattr(obj, n) for n in names}, model
            assert (entry.history_type, entry.history_user_id) == ("+", desk_admin.pk)


def test_the_reading_thread_ends_when_the_import_stops_at_too_many_errors(tmp_path):
    import threading

    doc = document([claim(n, value="x") for n in range(300)])
    result = import_files([write(tmp_path, "a.json", doc)], max_errors=5)
    assert result.truncated and len(result.errors) == 5
    assert [e.record for e in result.errors] == [f"claims[{n}]" for n in range(5)]
    assert not [t for t in threading.enumerate() if t.name == "import-reader"]
    assert_nothing_written()


def test_a_file_broken_after_good_records_is_refused_whole(tmp_path):
    good = json.dumps(document([claim(1), claim(2, value="x")]), ensure_ascii=False)
    broken = good[: good.rindex("]")] + ", {]}"
    result = import_files([write(tmp_path, "a.json", broken)])
    assert any("not valid JSON" in p for p in problems(result))
    assert_nothing_written()


# --- versions of claims whose appearances or evidence an import changes --------------------------------------------
def _version(key: str = "c-1") -> int:
    return Claim.objects.get(key=key).version


def test_imported_evidence_raises_its_claims_version_once_per_import(tmp_path: Path) -> None:
    assert import_files([write(tmp_path, "a.json", document([claim(1)]))]).ok
    assert _version() == 1
    top_level = [
        {"claim": "c-1", "source": "article", "relation": "supports", "excerpt": "$245 billion"},
        {"claim": "c-1", "source": "article", "relation": "context", "excerpt": "has grown"},
    ]
    added = write(tmp_path, "b.json", document(evidence=top_level))
    result = import_files([added])
    assert result.ok and result.counts["evidence"]["created"] == 2
    assert _version() == 2  # two new links, one change of the claim: one new version
    assert import_files([added]).counts["evidence"]["unchanged"] == 2
    assert _version() == 2  # nothing changed, nothing to tell an editor
    edited = [top_level[0] | {"excerpt": "reaching approximately $245 billion"}]
    assert import_files([write(tmp_path, "c.json", document(evidence=edited))]).counts["evidence"]["updated"] == 1
    assert _version() == 3
    assert Evidence.history.filter(history_type="~", excerpt="reaching approximately $245 billion").count() == 1


def test_an_imported_appearance_raises_its_claims_version_once(tmp_path: Path) -> None:
    assert import_files([write(tmp_path, "a.json", document([claim(1)]))]).ok
    nested = [{"source": "article", "quote": "$245 billion"}]
    result = import_files([write(tmp_path, "b.json", document([claim(1, appearances=nested)]))])
    assert result.ok and result.counts["appearance"]["created"] == 1 and result.counts["claim"]["unchanged"] == 1
    assert _version() == 2
    # The claim's own change and its new evidence in one import: still one new version.
    evidence = [{"source": "customs", "relation": "supports", "excerpt": "$245 billion"}]
    doc = with_customs(document([claim(1, value="7", appearances=nested, evidence=evidence)]))
    assert import_files([write(tmp_path, "c.json", doc)]).ok
    assert _version() == 3


def test_children_of_claims_created_by_the_same_import_leave_them_at_version_1(tmp_path: Path) -> None:
    claims = [claim(n) for n in range(10)]  # more than a batch: their evidence comes in later batches
    evidence = [{"claim": f"c-{n}", "source": "article", "relation": "cited"} for n in range(10)]
    assert import_files([write(tmp_path, "a.json", document(claims, evidence=evidence))]).ok
    assert set(Claim.objects.values_list("version", flat=True)) == {1}


# --- the verdict lock ---------------------------------------------------------------------------------------------
VERIFIED_EVIDENCE = [{"source": "customs", "relation": "supports", "excerpt": "reaching approximately $245 billion"}]
QUOTE = [{"source": "article", "quote": "$245 billion"}]


def _verified(tmp_path: Path) -> Claim:
    record = claim(1, value="42", status="verified", verdict_note="Customs data agree.")
    doc = with_customs(document([record | {"evidence": VERIFIED_EVIDENCE, "appearances": QUOTE}]))
    assert import_files([write(tmp_path, "verified.json", doc)]).ok
    stored = Claim.objects.get()
    assert stored.status == "verified"
    return stored


def test_an_import_cant_change_a_verified_claims_figure_until_it_is_reopened(
    tmp_path: Path, fact_checker: AbstractUser
) -> None:
    from claims.services import claim_transition

    verified = _verified(tmp_path)
    same = claim(1, value="42", status="verified", verdict_note="Customs data agree.")
    again = import_files([write(tmp_path, "again.json", document([same]))])
    assert again.ok and again.counts["claim"]["unchanged"] == 1  # an unchanged re-import passes
    history = verified.history.count()

    changed = write(tmp_path, "changed.json", document([claim(1, value="999")]))
    result = import_files([changed])
    assert [(e.file, e.record, e.field) for e in result.errors] == [(str(changed), "claims[0]", "value")]
    assert "verified" in result.errors[0].message and "Reopen the claim" in result.errors[0].message
    stored = Claim.objects.get()
    assert (stored.value, stored.status, stored.version) == (42, "verified", verified.version)
    assert stored.history.count() == history

    claim_transition(claim=stored, to="in_review", actor=fact_checker, note="The figure is being rechecked.")
    reopened = import_files([changed])
    assert reopened.ok, problems(reopened)
    stored = Claim.objects.get()
    assert (stored.value, stored.status, stored.version) == (999, "in_review", verified.version + 2)
    assert stored.history.latest().history_change_reason == "import changed.json"


def test_an_import_cant_change_the_quotes_or_decisive_evidence_of_a_verified_claim(tmp_path: Path) -> None:
    verified = _verified(tmp_path)
    requoted = [{"source": "article", "quote": "approximately $245 billion"}]
    path = write(tmp_path, "requoted.json", document([claim(1, value="42", appearances=requoted)]))
    result = import_files([path])
    assert [(e.record, e.field) for e in result.errors] == [("claims[0].appearances[0]", "quote")]
    assert "its quotes" in result.errors[0].message and "Reopen the claim" in result.errors[0].message
    assert Appearance.objects.get().quote == "$245 billion"
    reworded = [VERIFIED_EVIDENCE[0] | {"excerpt": "has grown"}]
    path = write(tmp_path, "reworded.json", with_customs(document([claim(1, value="42", evidence=reworded)])))
    result = import_files([path])
    assert [(e.record, e.field) for e in result.errors] == [("claims[0].evidence[0]", "excerpt")]
    assert "its decisive evidence" in result.errors[0].message
    assert Evidence.objects.get().excerpt == VERIFIED_EVIDENCE[0]["excerpt"]
    assert Claim.objects.get().version == verified.version
    # What adds to the record without changing what was judged stays open: the claim quoted elsewhere, more
    # evidence, and the evidence's locator. One new version for the import.
    elsewhere = [*QUOTE, {"source": "https://www.prospectmagazine.co.uk/world/69447/the-flaw", "quote": "$245 bn"}]
    more = [VERIFIED_EVIDENCE[0] | {"locator": "p. 2"}, {"source": "article", "relation": "context", "excerpt": "x"}]
    doc = with_customs(document([claim(1, value="42", appearances=elsewhere, evidence=more)]))
    result = import_files([write(tmp_path, "more.json", doc)])
    assert result.ok, problems(result)
    assert (result.counts["appearance"]["created"], result.counts["evidence"]["created"]) == (1, 1)
    assert result.counts["evidence"]["updated"] == 1
    stored = Claim.objects.get()
    assert (stored.status, stored.version) == ("verified", verified.version + 1)
    assert Evidence.objects.get(relation="supports").locator == "p. 2"


# --- circular verification ----------------------------------------------------------------------------------------
def test_evidence_from_the_article_a_claim_appears_in_cant_support_it(tmp_path: Path) -> None:
    supports = [{"source": "article", "relation": "supports", "excerpt": "$245 billion"}]
    doc = document([claim(1, appearances=QUOTE, evidence=supports)])
    error = only_error(import_files([write(tmp_path, "a.json", doc)]), "claims[0].evidence[0]", "field 'relation'")
    assert error.message.startswith("The claim appears in “The article”, so that source can't support it")
    # cited or context, the same link is welcome
    cited = [{"source": "article", "relation": "cited"}, {"source": "article", "relation": "context"}]
    assert import_files([write(tmp_path, "b.json", document([claim(1, appearances=QUOTE, evidence=cited)]))]).ok
    # later, as a top-level record: refused all the same
    contradicts = [{"claim": "c-1", "source": "article", "relation": "contradicts", "excerpt": "$245 billion"}]
    path = write(tmp_path, "c.json", document(evidence=contradicts))
    result = import_files([path])
    assert [(e.file, e.record, e.field) for e in result.errors] == [(str(path), "evidence[0]", "relation")]
    assert "can't contradict it" in result.errors[0].message
    assert set(Evidence.objects.values_list("relation", flat=True)) == {"cited", "context"}


def test_an_imported_appearance_in_a_source_that_supports_the_claim_is_refused(tmp_path: Path) -> None:
    first = with_customs(document([claim(1, appearances=QUOTE, evidence=VERIFIED_EVIDENCE)]))
    assert import_files([write(tmp_path, "a.json", first)]).ok
    in_customs = [{"claim": "c-1", "source": "customs", "quote": "$245 billion"}]
    path = write(tmp_path, "b.json", with_customs(document(appearances=in_customs)))
    result = import_files([path])
    assert [(e.record, e.field) for e in result.errors] == [("appearances[0]", "source")]
    assert result.errors[0].message.startswith("“Customs statistics 2024” is evidence that supports this claim")
    assert Appearance.objects.get().source.key == "article"


def test_an_imported_verdict_doesnt_rest_on_circular_evidence_linked_before_the_rule(tmp_path: Path) -> None:
    assert import_files([write(tmp_path, "a.json", document([claim(1, appearances=QUOTE)]))]).ok
    stored = Claim.objects.get()
    Evidence.objects.create(claim=stored, source=Source.objects.get(key="article"), relation="supports",
                            excerpt="$245 billion")  # existing data, written past the rule  # fmt: skip
    path = write(tmp_path, "b.json", document([claim(1, status="verified", verdict_note="The article says so.")]))
    result = import_files([path])
    assert [(e.record, e.field) for e in result.errors] == [("claims[0]", "status")]
    assert "the claim appears in “The article”" in result.errors[0].message
    assert Claim.objects.get().status == "unverified"
