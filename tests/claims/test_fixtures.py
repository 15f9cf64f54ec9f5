"""The seed data: it loads, every quote sits verbatim at its offsets, and nothing is invented."""

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from claims.choices import ClaimType, EvidenceRelation, Qualifier, Status, Unit
from claims.importers import import_files
from claims.models import Appearance, Claim, Evidence
from sources.choices import SourceKind
from sources.models import Source

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
SEEDS = ROOT.parent / "shared" / "seeds"
ARTICLES = {
    "19ff-kelly-reverse-kissinger": "000_9c17d8af904271e7.txt",
    "aa-reverse-kissinger-fantasy": "001_a49bb1a0b18f15bc.txt",
    "rusi-danylyuk-reverse-kissinger": "004_a19f6c9843bf90df.txt",
}
CSIS_XI_PUTIN = "https://www.csis.org/analysis/analyzing-latest-xi-putin-meeting-and-chinas-belt-and-road-forum"
PROSPECT = "https://www.prospectmagazine.co.uk/world/united-states/69447/the-flaw-in-trumps-genius-china-strategy"


@pytest.fixture
def seeded():
    result = import_files(sorted(FIXTURES.glob("*.json")))
    assert result.ok, [str(problem) for problem in result.errors]
    return result


def fixture_claims():
    for path in sorted(FIXTURES.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        sources = {source.get("key"): source for source in document.get("sources", [])}
        for claim in document["claims"]:
            for appearance in claim.get("appearances", []):
                yield path.name, claim, appearance, sources[appearance["source"]["key"]]


def test_every_quote_in_the_files_is_verbatim_in_its_article():
    count = 0
    for name, claim, appearance, source in fixture_claims():
        text = (FIXTURES / source["text_file"]).read_text(encoding="utf-8")
        start = appearance.get("start", text.find(appearance["quote"]))
        assert text[start : start + len(appearance["quote"])] == appearance["quote"], (name, claim["key"])
        count += 1
    assert count >= 60


def test_fixture_texts_are_the_seed_articles():
    if not SEEDS.is_dir():
        pytest.skip("the shared seed folder is not beside this checkout")
    for file_name in ARTICLES.values():
        assert (FIXTURES / "articles" / file_name).read_bytes() == (SEEDS / file_name).read_bytes()


def test_fixtures_load_with_every_quote_at_its_offsets(seeded):
    appearances = Appearance.objects.select_related("source", "claim")
    assert appearances.count() == Claim.objects.count() >= 60
    for appearance in appearances:
        assert appearance.source.text[appearance.start_offset : appearance.end_offset] == appearance.quote, (
            appearance.claim.key
        )
    assert set(Source.objects.filter(text__gt="").values_list("key", flat=True)) == set(ARTICLES)
    for key, file_name in ARTICLES.items():
        assert Source.objects.get(key=key).text == (FIXTURES / "articles" / file_name).read_text(encoding="utf-8")


def test_fixtures_import_is_idempotent(seeded):
    again = import_files(sorted(FIXTURES.glob("*.json")))
    assert again.ok
    assert all(counts["created"] == counts["updated"] == 0 for counts in again.counts.values())


def test_all_seed_claims_start_unverified_with_sound_figures(seeded):
    assert set(Claim.objects.values_list("status", flat=True)) == {Status.UNVERIFIED}
    assert not Claim.objects.exclude(verdict_note="").exists()
    for claim in Claim.objects.all():
        assert claim.claim_type in ClaimType.values and claim.qualifier in Qualifier.values
        if claim.value is not None:
            assert claim.unit in Unit.values
    # A comparison without a number is a claim with no value.
    canada = Claim.objects.get(appearances__quote__contains="comparable to the economy of Canada")
    assert canada.value is None and canada.claim_type == ClaimType.COMPARISON


def test_the_headline_figures_are_structured(seeded):
    trade = Claim.objects.get(appearances__quote__contains="$245 billion")
    assert (trade.value, trade.unit, trade.qualifier, trade.period) == (245000000000, "USD", "approximately", "2024")
    assert trade.display_quantity == "≈ $245 bn"
    meetings = Claim.objects.get(appearances__quote__contains="met over 42 times")
    assert (meetings.value, meetings.unit, meetings.qualifier, meetings.period) == (42, "count", "over", "2013/")
    share = Claim.objects.get(appearances__quote__contains="only 11 percent")
    assert (share.value, share.unit, share.display_quantity) == (11, "percent", "11 %")


# A decade as the articles write it: "in the 1970s", "since the late 1950s", "By the late 1960s"; the years each covers.
DECADE_WRITTEN = re.compile(r"\b(early |mid-|late )?(\d{3})0s\b")
DECADE_YEARS = {"": (0, 9), "early ": (0, 4), "mid-": (4, 6), "late ": (5, 9)}


def test_decades_are_stored_as_the_articles_write_them(seeded):
    """A claim dated by a decade in its quote has that decade (or its part) as its period, with the years it covers
    as its start and end, approximate for a part; an event dated so has those years as its bounds, not an exact
    year (the 1980 that "the late 1980s" once was stored as)."""
    dated = {}
    for claim in Claim.objects.prefetch_related("appearances"):
        found = {m.groups("") for a in claim.appearances.all() for m in DECADE_WRITTEN.finditer(a.quote)}
        if found:
            assert len(found) == 1, (claim.key, found)
            dated[claim.key] = (claim, *found.pop())
    assert len(dated) >= 10
    for key, (claim, part, decade) in dated.items():
        first = int(decade) * 10
        low, high = (first + offset for offset in DECADE_YEARS[part])
        assert claim.period == claim.display_period == f"{part}{first}s", key
        assert (claim.period_start, claim.period_end) == (dt.date(low, 1, 1), dt.date(high, 12, 31)), key
        assert claim.period_approximate == bool(part), key
        if claim.claim_type == ClaimType.EVENT_DATE:
            assert (claim.value, claim.lower_bound, claim.upper_bound, claim.unit) == (None, low, high, Unit.YEAR), key
    late = dated["19ff-soviet-collapse-late-1980s"][0]
    assert (late.period, late.display_quantity) == ("late 1980s", "1985–1989")


def test_anadolu_references_are_cited_sources(seeded):
    cited = Evidence.objects.filter(relation=EvidenceRelation.CITED, source__url__in=[CSIS_XI_PUTIN, PROSPECT])
    assert cited.count() == 3
    assert set(cited.values_list("locator", flat=True)) == {"reference [1]", "reference [2]", "reference [3]"}
    assert Source.objects.filter(url=PROSPECT).count() == 1  # [2] and [3] are one document
    assert Source.objects.get(url=CSIS_XI_PUTIN).publisher.name == "CSIS"
    meetings = Claim.objects.get(appearances__quote__contains="met over 42 times")
    assert meetings.evidence.get().source.url == CSIS_XI_PUTIN


def test_unknown_article_metadata_stays_empty(seeded):
    anadolu = Source.objects.get(key="aa-reverse-kissinger-fantasy")
    assert (anadolu.authors, anadolu.published_on, anadolu.url) == ([], None, "")
    assert anadolu.kind == SourceKind.OPINION and anadolu.publisher.name == "Anadolu Agency"
    rusi = Source.objects.get(key="rusi-danylyuk-reverse-kissinger")
    assert (rusi.title, rusi.published_display, rusi.authors) == ("", "2025", ["Oleksandr V Danylyuk"])
    kelly = Source.objects.get(key="19ff-kelly-reverse-kissinger")
    assert kelly.published_on is None and kelly.authors == ["Robert E. Kelly"]
    assert kelly.title == "Can Donald Trump Pull Off a ‘Reverse Kissinger’ with Russia and China?"


def test_json_schema_knows_the_same_vocabularies_as_the_models():
    schema = json.loads((ROOT / "docs" / "import-format.schema.json").read_text(encoding="utf-8"))
    claim = schema["$defs"]["claim"]["properties"]
    assert claim["claim_type"]["enum"] == ClaimType.values
    assert claim["status"]["enum"] == Status.values
    assert [unit for unit in claim["unit"]["enum"] if unit] == Unit.values
    assert [q for q in claim["qualifier"]["enum"] if q] == Qualifier.values
    assert schema["$defs"]["evidence"]["properties"]["relation"]["enum"] == EvidenceRelation.values
    assert [kind for kind in schema["$defs"]["source"]["properties"]["kind"]["enum"] if kind] == SourceKind.values
