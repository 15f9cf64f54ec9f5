"""The words for units and qualifiers (claims.choices.UNIT_WORDS, QUALIFIER_WORDS): one table each, and the quantity
parser and the importer's fields read every word the same way."""

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from claims.choices import QUALIFIER_WORDS, UNIT_ALIASES, UNIT_WORDS, ClaimType, Qualifier, Unit
from claims.importers import import_files
from claims.importers.records import claim_record
from claims.models import Claim
from claims.quantities import parse_quantity


def _record(**fields: object) -> dict:
    return claim_record({"subject": "Trade", "claim_type": ClaimType.COMPARISON, **fields})


@pytest.mark.parametrize("word", UNIT_WORDS)
def test_every_unit_word_means_the_same_after_a_figure_and_in_the_unit_field(word):
    after_a_figure = parse_quantity(f"5 {word}").unit
    in_the_field = _record(value="5", unit=word)["unit"]
    in_a_quantity = _record(quantity=f"5 {word}")["unit"]
    assert after_a_figure == in_a_quantity == UNIT_WORDS[word]
    if word == Unit.YEAR:
        # The unit's own value wins in a field: `year` is a calendar year there, "1 year" after a figure a duration.
        assert (after_a_figure, in_the_field) == (Unit.YEARS, Unit.YEAR)
    else:
        assert in_the_field == UNIT_WORDS[word]


@pytest.mark.parametrize("word", QUALIFIER_WORDS)
def test_every_qualifier_word_means_the_same_before_a_figure_and_in_the_qualifier_field(word):
    before_a_figure = parse_quantity(f"{word} 5").qualifier
    in_the_field = _record(value="5", unit="count", qualifier=word)["qualifier"]
    in_a_quantity = _record(quantity=f"{word} 5")["qualifier"]
    assert before_a_figure == in_the_field == in_a_quantity == QUALIFIER_WORDS[word]
    if " " in word:
        assert _record(value="5", unit="count", qualifier=word.replace(" ", "_"))["qualifier"] == QUALIFIER_WORDS[word]


def test_times_is_a_multiple_and_a_bare_number_a_count():
    assert parse_quantity("13 times").unit == Unit.MULTIPLE
    assert _record(value="13", unit="times")["unit"] == Unit.MULTIPLE
    assert parse_quantity("42").unit == Unit.COUNT  # "they met 42 times": the number alone, a count
    assert parse_quantity("about 3 times").qualifier == Qualifier.APPROXIMATELY


@pytest.mark.django_db
def test_an_imported_times_is_stored_as_a_multiple_by_every_format(tmp_path):
    document = {
        "claims": [
            {"key": "by-field", "subject": "Risk", "claim_type": "comparison", "value": "13", "unit": "times"},
            {"key": "by-text", "subject": "Level", "claim_type": "comparison", "quantity": "about 3 times"},
        ]
    }
    (tmp_path / "a.json").write_text(json.dumps(document), encoding="utf-8")
    (tmp_path / "b.csv").write_text("key,subject,claim_type,quantity\nby-csv,Meetings,comparison,2 times\n")
    result = import_files([tmp_path / "a.json", tmp_path / "b.csv"])
    assert result.ok, result.errors
    stored = {c.key: (c.value, c.unit, c.qualifier) for c in Claim.objects.all()}
    assert stored == {
        "by-field": (Decimal("13"), "multiple", "exact"),
        "by-text": (Decimal("3"), "multiple", "approximately"),
        "by-csv": (Decimal("2"), "multiple", "exact"),
    }
    assert Claim.objects.get(key="by-field").display_quantity == "13×"


DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_the_import_format_lists_the_units_of_the_table():
    """docs/import-format.md and its JSON Schema name every unit of claims.choices.Unit, in its order, and no other."""
    page = (DOCS / "import-format.md").read_text(encoding="utf-8")
    row = next(line for line in page.splitlines() if line.startswith("| `unit` |"))
    values = row.split("|")[3].split("; or a word")[0]
    assert re.findall(r"`([^`]+)`", values) == Unit.values
    schema = json.loads((DOCS / "import-format.schema.json").read_text(encoding="utf-8"))
    assert [unit for unit in schema["$defs"]["claim"]["properties"]["unit"]["enum"] if unit] == Unit.values


def test_the_words_the_import_format_names_are_words_of_the_table():
    page = (DOCS / "import-format.md").read_text(encoding="utf-8")
    row = next(line for line in page.splitlines() if line.startswith("| `unit` |"))
    words = re.findall(r"`([^`]+)`", row.split("; or a word")[1].split("UNIT_WORDS")[0])
    aliases = {word.lower() for word in words} - {"quantity"}
    assert aliases and all(word in UNIT_ALIASES for word in aliases), aliases - set(UNIT_ALIASES)
