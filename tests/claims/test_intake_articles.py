"""Bringing an article in (claims.intake.articles.bring_in): pasted text, .txt / .html / .pdf files and URLs, the
source already held, the metadata proposed and nothing invented. URLs go through the source check's fetcher to the
local fault server of tests/sources, behind its fake resolver, so nothing reaches the network."""

# ruff: noqa: F811 - the fault server's fixtures, imported from tests/sources, are this module's test parameters

import datetime as dt
import io

import pypdf
import pytest

from claims.intake.articles import ArticleFile, IntakeRefused, bring_in
from sources.models import Source
from tests.factories import SourceFactory
from tests.sources.conftest import Route, _fault_server, check_settings, resolver, site  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

ARTICLE = (
    "Russia-China trade reached approximately $245 billion in 2024, the customs office said.\r\n"
    "It was 42 times higher than in 2000.\r"
    "Officials expect more."
)
PAGE = """<!doctype html><html><head><title>Trade hits record | Anadolu</title>
<meta property="og:title" content="Russia-China trade hits a record">
<meta property="og:site_name" content="Anadolu Agency">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2025-01-14T10:00:00Z"></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World news menu</a></li></ul></nav>
<article><h1>Russia-China trade hits a record</h1>
<p>Russia-China trade reached approximately $245 billion in 2024, the customs office said on Monday in Beijing.</p>
<p>It was 42 times higher than in 2000, according to officials who spoke to reporters on condition of anonymity.</p>
</article>
<footer><p>Copyright 2025 Anadolu Agency. All rights reserved. Privacy policy and cookie settings.</p></footer>
</body></html>"""
BARE_PAGE = """<!doctype html><html><head><title>Plain page</title></head><body>
<div><p>Exports grew by 12% in 2023, the ministry of trade of the country said in a long statement today.</p>
<p>Imports fell by a fifth over the same period, according to figures it published on its website.</p></div>
</body></html>"""


def _pdf(lines: list[str], *, password: str = "") -> bytes:
    """A one-page PDF whose page shows `lines` in Helvetica (no lines: a page with no text, as a scan has)."""
    stream = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({line}) '" for line in lines) + " ET" if lines else ""
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        " /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    out.write("".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    if not password:
        return out.getvalue()
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(out.getvalue())))
    writer.encrypt(password)
    encrypted = io.BytesIO()
    writer.write(encrypted)
    return encrypted.getvalue()


def test_pasted_text_is_kept_as_given_but_its_newlines(fact_checker):
    intake = bring_in(text=ARTICLE, actor=fact_checker, title="Trade note", publisher="Anadolu Agency")
    source = Source.objects.get(pk=intake.source.pk)
    assert intake.created
    assert source.text == ARTICLE.replace("\r\n", "\n").replace("\r", "\n")
    start = source.text.index("$245 billion")
    assert source.text[start : start + 12] == "$245 billion"  # the offsets index the stored text as it is
    assert (source.title, source.publisher.name, source.url) == ("Trade note", "Anadolu Agency", "")
    last = source.history.latest()
    assert last.history_user == fact_checker and last.history_change_reason == "intake of an article (pasted text)"


def test_empty_text_and_two_inputs_are_refused(fact_checker):
    with pytest.raises(IntakeRefused, match="holds no text") as refused:
        bring_in(text=" \r\n ", actor=fact_checker)
    assert refused.value.fields == {"text": ["The article holds no text."]}
    with pytest.raises(IntakeRefused, match="one of text, file or url"):
        bring_in(text="x", url="https://example.org/", actor=fact_checker)
    with pytest.raises(IntakeRefused, match="one of text, file or url"):
        bring_in(actor=fact_checker)
    assert not Source.objects.exists()


def test_a_utf8_text_file(fact_checker):
    intake = bring_in(file=ArticleFile("note.txt", "Près de 64 experts — “record”.\n".encode()), actor=fact_checker)
    assert intake.source.text == "Près de 64 experts — “record”.\n"
    assert intake.source.history.latest().history_change_reason == "intake of an article (the file note.txt)"


def test_a_text_file_that_is_not_utf8_names_the_byte(fact_checker):
    with pytest.raises(IntakeRefused, match=r"note.txt is not UTF-8 text: byte 5 \(0xe9\)") as refused:
        bring_in(file=ArticleFile("note.txt", b"Prix \xe9t\xe9"), actor=fact_checker)
    assert list(refused.value.fields) == ["file"]


def test_an_unknown_kind_of_file_and_a_file_over_the_limit_are_refused(fact_checker, settings):
    with pytest.raises(IntakeRefused, match="reads .txt, .html and .pdf"):
        bring_in(file=ArticleFile("sheet.xlsx", b"PK..."), actor=fact_checker)
    settings.INTAKE_MAX_BYTES = 100
    with pytest.raises(IntakeRefused, match="101 bytes, over the intake's limit of 100 bytes"):
        bring_in(file=ArticleFile("long.txt", b"x" * 101), actor=fact_checker)


def test_an_html_file_gives_its_main_text_without_navigation_or_footer(fact_checker):
    intake = bring_in(file=ArticleFile("article.html", PAGE.encode()), actor=fact_checker)
    text = intake.source.text
    assert "approximately $245 billion in 2024" in text and "42 times higher than in 2000" in text
    assert "World news menu" not in text and "All rights reserved" not in text and "Home" not in text
    assert intake.metadata.title == "Russia-China trade hits a record"
    assert (intake.metadata.authors, intake.metadata.publisher) == (["Jane Doe"], "Anadolu Agency")
    assert (intake.metadata.published_on, intake.metadata.published_precision) == (dt.date(2025, 1, 14), "day")
    source = Source.objects.get(pk=intake.source.pk)
    assert (source.title, source.authors, source.publisher.name) == (
        "Russia-China trade hits a record",
        ["Jane Doe"],
        "Anadolu Agency",
    )


def test_a_pdf_gives_its_text(fact_checker):
    content = _pdf(["Trade reached $245 billion in 2024.", "It was 42 times more than in 2000."])
    intake = bring_in(file=ArticleFile("report.pdf", content), actor=fact_checker)
    assert "Trade reached $245 billion in 2024." in intake.source.text
    assert "42 times more than in 2000" in intake.source.text


def test_a_pdf_without_text_or_encrypted_or_broken_is_a_clear_refusal(fact_checker):
    with pytest.raises(IntakeRefused, match="scan.pdf holds no text .*OCR"):
        bring_in(file=ArticleFile("scan.pdf", _pdf([])), actor=fact_checker)
    with pytest.raises(IntakeRefused, match="locked.pdf is an encrypted PDF"):
        bring_in(file=ArticleFile("locked.pdf", _pdf(["Secret 42"], password="s3cret")), actor=fact_checker)
    with pytest.raises(IntakeRefused, match="broken.pdf is not a PDF that can be read"):
        bring_in(file=ArticleFile("broken.pdf", b"%PDF-1.4 nothing else"), actor=fact_checker)
    assert not Source.objects.exists()


def test_a_url_is_fetched_through_the_source_checker_and_its_metadata_proposed(fact_checker, site):
    url = site.url("/trade")
    site.routes["/trade"] = Route(body=PAGE.encode())
    intake = bring_in(url=url, actor=fact_checker)
    assert intake.created and site.hits[("GET", "/trade")] == 1
    assert "approximately $245 billion" in intake.source.text and "All rights reserved" not in intake.source.text
    source = Source.objects.get(pk=intake.source.pk)
    assert (source.url, source.title, source.published_on, source.published_precision) == (
        url,
        "Russia-China trade hits a record",
        dt.date(2025, 1, 14),
        "day",
    )
    assert source.accessed_on is not None and source.key.startswith("url:")


def test_missing_metadata_stays_empty(fact_checker, site):
    site.routes["/bare"] = Route(body=BARE_PAGE.encode())
    intake = bring_in(url=site.url("/bare"), actor=fact_checker)
    metadata = intake.metadata
    # The text says "in 2023" and the host is 127.0.0.1: neither is a publication date or a publisher.
    assert (metadata.authors, metadata.published_on, metadata.published_precision, metadata.publisher) == (
        [],
        None,
        "",
        "",
    )
    assert metadata.title == "Plain page"  # its <title>, which it does state
    assert intake.source.publisher is None and intake.source.published_on is None


def test_a_private_address_is_refused(fact_checker, site, settings, resolver):
    settings.SOURCE_CHECK_ALLOW_PRIVATE = False
    resolver.addresses["intranet.example"] = ["10.0.0.7"]
    with pytest.raises(IntakeRefused, match="could not be fetched: Refused: the address is private") as refused:
        bring_in(url="http://intranet.example/report", actor=fact_checker)
    assert list(refused.value.fields) == ["url"]
    assert not Source.objects.exists()


def test_a_page_that_fails_or_is_not_a_url_is_refused(fact_checker, site):
    with pytest.raises(IntakeRefused, match="answered 404"):
        bring_in(url=site.url("/missing"), actor=fact_checker)
    with pytest.raises(IntakeRefused, match="The URL must start with http"):
        bring_in(url="ftp://example.org/x", actor=fact_checker)


def test_a_source_already_held_by_url_is_given_back_without_fetching(fact_checker, site):
    url = site.url("/trade")
    held = SourceFactory(url=url + "?utm_source=feed", text="Trade reached $245 billion.")
    intake = bring_in(url=url, actor=fact_checker)
    assert (intake.source.pk, intake.created) == (held.pk, False)
    assert "same URL" in intake.warnings[0]
    assert site.hits[("GET", "/trade")] == 0 and Source.objects.count() == 1


def test_a_source_held_by_the_url_a_link_redirects_to_is_given_back(fact_checker, site):
    site.routes["/trade"] = Route(body=PAGE.encode())
    held = SourceFactory(url=site.url("/trade"), text="Trade reached $245 billion.")
    intake = bring_in(url=site.redirect("/short", site.url("/trade")), actor=fact_checker)
    assert (intake.source.pk, intake.created) == (held.pk, False) and "redirects to" in intake.warnings[0]
    assert Source.objects.count() == 1


def test_a_source_held_by_url_without_text_is_given_the_page_text(fact_checker, site):
    url = site.url("/trade")
    site.routes["/trade"] = Route(body=PAGE.encode())
    held = SourceFactory(url=url, text="")
    intake = bring_in(url=url, actor=fact_checker)
    held.refresh_from_db()
    assert (intake.source.pk, intake.created) == (held.pk, False)
    assert "approximately $245 billion" in held.text


def test_a_source_already_held_by_text_is_given_back(fact_checker):
    held = SourceFactory(text=ARTICLE.replace("\r\n", "\n").replace("\r", "\n"))
    intake = bring_in(text=ARTICLE, actor=fact_checker)
    assert (intake.source.pk, intake.created) == (held.pk, False)
    assert "same text" in intake.warnings[0]
    again = bring_in(file=ArticleFile("same.txt", held.text.encode()), actor=fact_checker)
    assert again.source.pk == held.pk and Source.objects.count() == 1


def test_dry_run_writes_nothing(fact_checker, site):
    site.routes["/trade"] = Route(body=PAGE.encode())
    intake = bring_in(url=site.url("/trade"), actor=fact_checker, dry_run=True)
    assert intake.created and intake.dry_run and intake.source.pk is None
    assert "approximately $245 billion" in intake.source.text
    assert intake.metadata.publisher == "Anadolu Agency"
    assert not Source.objects.exists()
