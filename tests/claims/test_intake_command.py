"""`manage.py intake PATH_OR_URL`: the ranked candidates of an article with the desk's claims they match; the article
brought in as a source; --accept-all, --dry-run, --min-score. URLs reach the local fault server of tests/sources."""

# ruff: noqa: F811 - the fault server's fixtures, imported from tests/sources, are this module's test parameters

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from claims.models import Claim
from sources.models import Source
from tests.factories import ClaimFactory
from tests.sources.conftest import Route, _fault_server, check_settings, resolver, site  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def test_lists_the_ranked_candidates_with_their_matches_and_writes_nothing(tmp_path):
    claim = ClaimFactory(subject="Russia–China trade", value=Decimal("245000000000"), period="2024")
    article = tmp_path / "article.txt"
    article.write_text("In 1969 they clashed. Russia-China trade reached approximately $245 billion in 2024.")
    out = StringIO()
    call_command("intake", str(article), "--dry-run", stdout=out)
    text = out.getvalue()
    assert "3 candidates" in text
    lines = [line for line in text.splitlines() if line[:5].strip().rstrip(".").isdigit()]
    assert "“approximately $245 billion”" in lines[0] and "≈ $245 bn, 2024, Current value" in lines[0]
    assert f"match: checked before: claim #{claim.pk} (Russia–China trade), unverified" in text
    assert "why: an amount of money; names an actor" in text
    assert Claim.objects.count() == 1


def test_a_missing_or_binary_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("intake", str(tmp_path / "missing.txt"))
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(CommandError, match="not UTF-8 text"):
        call_command("intake", str(binary))


# --- bringing the article in, accepting -------------------------------------------------------------------------
ARTICLE = (
    "In 1969 they clashed. Russia-China trade reached approximately $245 billion in 2024. "
    "Exports of Chinese cars to Russia rose by 64% last year, the Chinese customs office said."
)


def _run(*args):
    out = StringIO()
    call_command("intake", *map(str, args), stdout=out)
    return out.getvalue()


def test_a_file_becomes_a_source_once(tmp_path):
    article = tmp_path / "trade.txt"
    article.write_text(ARTICLE)
    first = _run(article, "--title", "Trade")
    source = Source.objects.get()
    assert f"created source #{source.pk} (Trade)" in first and source.text == ARTICLE
    reason = source.history.latest().history_change_reason
    assert reason == "intake of an article (the file trade.txt) through manage.py intake"
    again = _run(article)
    assert f"the desk already holds it as source #{source.pk}" in again and Source.objects.count() == 1


def test_accept_all_accepts_what_no_claim_matches_and_says_what_it_skipped(tmp_path):
    held = ClaimFactory(subject="Russia–China trade", value=Decimal("245000000000"), period="2024")
    article = tmp_path / "trade.txt"
    article.write_text(ARTICLE)
    out = _run(article, "--accept-all", "--min-score", "3")  # the figures, not the bare years
    assert "skipped “approximately $245 billion” at 49-75" in out and f"matches claim #{held.pk}" in out
    new = Claim.objects.exclude(pk=held.pk).get()
    appearance = new.appearances.get()
    assert (new.value, new.unit) == (Decimal(64), "percent")
    assert appearance.quote == ARTICLE[ARTICLE.index("Exports") :]
    assert ARTICLE[appearance.start_offset : appearance.end_offset] == appearance.quote
    assert f"Accepted 1 candidates as claims #{new.pk}; skipped 1 that match claims of the desk." in out


def test_accept_all_dry_run_writes_nothing_and_says_what_it_would_do(tmp_path):
    article = tmp_path / "trade.txt"
    article.write_text(ARTICLE)
    out = _run(article, "--accept-all", "--dry-run")
    assert "would create a source" in out and "Would accept" in out and "nothing written" in out
    assert not Source.objects.exists() and not Claim.objects.exists()


def test_min_score_and_limit_narrow_the_list(tmp_path):
    article = tmp_path / "trade.txt"
    article.write_text(ARTICLE)
    everything = _run(article, "--dry-run")
    narrowed = _run(article, "--dry-run", "--min-score", "3", "--limit", "1")
    ranked = [line for line in narrowed.splitlines() if line[:5].strip().rstrip(".").isdigit()]
    assert len(ranked) == 1 and "2 candidates" in narrowed and "“1969”" not in narrowed
    assert "4 candidates" in everything and "“1969”" in everything


def test_an_html_file_and_a_url(tmp_path, site):
    page = tmp_path / "trade.html"
    page.write_text(f"<html><head><title>Trade</title></head><body><nav>Home Menu</nav><article><p>{ARTICLE}</p>"
                    "</article><footer>All rights reserved</footer></body></html>")  # fmt: skip
    out = _run(page, "--dry-run")
    assert "would create a source (Trade)" in out and "$245 billion" in out
    site.routes["/trade"] = Route(body=page.read_bytes())
    out = _run(site.url("/trade"))
    assert Source.objects.get().url == site.url("/trade") and "created source" in out


def test_errors_name_the_input(tmp_path, site, settings, resolver):
    settings.SOURCE_CHECK_ALLOW_PRIVATE = False
    resolver.addresses["intranet.example"] = ["10.1.2.3"]
    with pytest.raises(CommandError, match=r"http://intranet.example/x: .*Refused: the address is private"):
        _run("http://intranet.example/x")
    sheet = tmp_path / "sheet.xlsx"
    sheet.write_bytes(b"PK")
    with pytest.raises(CommandError, match="sheet.xlsx: sheet.xlsx: the intake reads .txt, .html and .pdf"):
        _run(sheet)
    with pytest.raises(CommandError, match="a folder, not a file"):
        _run(tmp_path)
