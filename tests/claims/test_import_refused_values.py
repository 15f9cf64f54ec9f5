"""Values PostgreSQL would refuse are record errors naming the record and field, found by validation before any
write: a NUL character (the driver raised ValueError on an update, the database refused a new record's batch
naming neither), half a surrogate pair, a publisher's website longer than its column."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from claims.importers import import_files
from claims.importers.records import text_problem
from claims.models import Appearance, Claim
from sources.models import Publisher
from tests.claims.test_importer import ARTICLE, claim, document, only_error, problems, write

pytestmark = pytest.mark.django_db
NUL = "\u0000"


def test_a_nul_in_a_new_record_names_the_record_and_field(tmp_path):
    quote = {"source": {"key": "article"}, "quote": "reaching approximately" + NUL}
    path = write(tmp_path, "a.json", document([claim(1), claim(2, appearances=[quote])]))
    error = only_error(import_files([path]), "contains a NUL character (\\u0000) at character 23")
    assert (error.record, error.field) == ("claims[1].appearances[0]", "quote")


def test_a_nul_in_an_updated_record_is_refused_and_the_stored_one_kept(tmp_path):
    assert import_files([write(tmp_path, "a.json", document([claim(1)]))]).ok
    result = import_files([write(tmp_path, "b.json", document([claim(1, subject="Trade" + NUL + "1")]))])
    assert not result.ok and len(result.errors) == 1, problems(result)
    assert (result.errors[0].record, result.errors[0].field) == ("claims[0]", "subject")
    assert Claim.objects.get().subject == "Trade 1"


@pytest.mark.parametrize(
    ("record", "where", "field"),
    [
        ({"type": "source", "key": "s", "authors": ["A", "B" + NUL]}, "line 1", "authors"),
        ({"type": "publisher", "name": "P" + NUL}, "line 1", "name"),
        ({"type": "appearance", "claim": "c-1", "source": {"title": "T" + NUL}, "quote": "q"}, "line 1", "source"),
        ({"type": "evidence", "claim": "c-1", "source": "s", "relation": "cited", "locator": NUL}, "line 1", "locator"),
    ],
)
def test_every_kind_and_nested_value_is_checked(tmp_path, record, where, field):
    result = import_files([write(tmp_path, "a.jsonl", json.dumps(record) + "\n")])
    assert [(p.record, p.field) for p in result.errors] == [(where, field)], problems(result)
    assert "NUL character" in result.errors[0].message


def test_csv_cells_and_text_files_are_checked(tmp_path):
    csv = write(tmp_path, "a.csv", f"subject,claim_type,quote,source_title\nA,ranking,q{NUL},T\n")
    error = only_error(import_files([csv]), "NUL character")
    assert (error.record, error.field) == ("line 2.appearances[0]", "quote")
    (tmp_path / "text.txt").write_text(ARTICLE + NUL, encoding="utf-8")
    path = write(tmp_path, "b.json", {"sources": [{"key": "s", "text_file": "text.txt"}]})
    only_error(import_files([path]), "sources[0]: field 'text_file': file 'text.txt' contains a NUL character")


def test_half_a_surrogate_pair_is_refused(tmp_path):
    line = '{"type": "claim", "key": "k", "subject": "a\\ud800b", "claim_type": "ranking"}\n'
    error = only_error(import_files([write(tmp_path, "a.jsonl", line)]), "contains \\ud800 at character 2")
    assert (error.record, error.field) == ("line 1", "subject")
    assert text_problem("\U0001f600 a whole pair") is None


def test_a_website_longer_than_its_column_is_a_field_error(tmp_path):
    website = "https://example.org/" + "a" * 490
    error = only_error(import_files([write(tmp_path, "a.json", {"publishers": [{"name": "P", "website": website}]})]))
    assert (error.record, error.field) == ("publishers[0]", "website") and "at most 500" in error.message
    assert not Publisher.objects.exists()


def test_the_command_names_the_record_and_field_of_a_nul(tmp_path, capsys):
    assert import_files([write(tmp_path, "a.json", document([claim(1)]))]).ok
    changed = write(tmp_path, "b.json", document([claim(1, subject="Trade" + NUL)]))
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_claims", str(changed), stdout=io.StringIO())
    err = capsys.readouterr().err
    assert "b.json: claims[0]: field 'subject': contains a NUL character (\\u0000) at character 6" in err
    new = write(tmp_path, "c.json", document([claim(2, verdict_note=NUL)]))
    with pytest.raises(CommandError):
        call_command("import_claims", str(new), stdout=io.StringIO())
    assert "c.json: claims[0]: field 'verdict_note': contains a NUL character" in capsys.readouterr().err
    assert list(Claim.objects.values_list("key", flat=True)) == ["c-1"] and not Appearance.objects.exists()
