"""Reading bodies: document kinds, charsets, visible text, titles and metadata."""

import json

import pytest

from sources.checking.htmlpage import parse_html
from sources.checking.pages import decode_body, parse_content_type, read_page

OG_AND_JSON_LD = """<!doctype html><html><head>
<title>Xi and Putin meet | CSIS</title>
<meta property="og:title" content="Analyzing the Latest Xi-Putin Meeting">
<meta property="og:site_name" content="CSIS">
<meta property="article:published_time" content="2023-10-20T09:30:00-04:00">
<meta name="author" content="Someone Else">
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
  {"@type": "WebSite", "name": "CSIS"},
  {"@type": ["NewsArticle"], "headline": "Analyzing &amp; the headline", "datePublished": "2023-10-19",
   "author": [{"@type": "Person", "name": "Brian Hart"}, {"@type": "Person", "name": "Bonny Lin"},
              "https://www.csis.org/people/bonny-lin"],
   "publisher": {"@type": "Organization", "name": "Center for Strategic and International Studies"}}
]}</script>
</head><body><h1>Analyzing</h1><p>Trade reached <b>$240</b>.1 billion.</p>
<script>var x = "hidden";</script></body></html>"""


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("text/html; charset=UTF-8", ("text/html", {"charset": "UTF-8"})),
        ('Text/HTML;Charset="windows-1251"', ("text/html", {"charset": "windows-1251"})),
        ("application/pdf", ("application/pdf", {})),
        ("", ("", {})),
        (None, ("", {})),
    ],
)
def test_parse_content_type(header, expected):
    assert parse_content_type(header) == expected


DECODING = [
    # (body, header charset, is_html, text, encoding)
    ("Привет".encode("cp1251"), "windows-1251", False, "Привет", "cp1251"),
    (b'<meta charset="windows-1251">' + "Привет".encode("cp1251"), None, True, "Привет", "cp1251"),
    (
        b'<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">' + "Привет".encode("koi8_r"),
        None,
        True,
        "Привет",
        "koi8-r",
    ),
    ("Привет".encode(), "utf-8", True, "Привет", "utf-8"),
    ("Café".encode("cp1252"), "iso-8859-1", False, "Café", "cp1252"),  # latin-1 means windows-1252 on the web
    ("Café".encode(), "no-such-charset", False, "Café", "utf-8"),
    ("Café".encode("cp1252"), "no-such-charset", False, "Café", "cp1252"),
    ("Café".encode(), "base64", False, "Café", "utf-8"),  # a codec, but not a charset
    ("Café".encode(), "idna", False, "Café", "utf-8"),
    (b"\xef\xbb\xbfCaf\xc3\xa9", "windows-1251", False, "Café", "utf-8-sig"),  # the BOM wins
    ("Café".encode("utf-16"), None, False, "Café", "utf-16"),
    (b"\xfa\xfb\xfc broken", "utf-8", False, "\ufffd\ufffd\ufffd broken", "utf-8"),
]


@pytest.mark.parametrize(("body", "charset", "is_html", "text", "encoding"), DECODING)
def test_decode_body_never_raises(body, charset, is_html, text, encoding):
    decoded, used, _notes = decode_body(body, header_charset=charset, is_html=is_html)
    assert text in decoded.replace('<meta charset="windows-1251">', "") and used == encoding


def test_unknown_charsets_are_noted():
    _, used, notes = decode_body(b'<meta charset="x-bogus">ok', header_charset="also-bogus", is_html=True)
    assert used == "utf-8"
    assert notes == [
        "unknown charset 'also-bogus' in the header, ignored",
        "unknown charset 'x-bogus' in the meta, ignored",
    ]


def test_visible_text_keeps_words_apart_and_inline_markup_together():
    page = parse_html(
        "<html><head><title>T</title><style>p{}</style></head><body><div>One</div><div>two</div>"
        "<p>$<b>245</b> billion<br>next</p><noscript>no js</noscript><svg><text>chart</text></svg></body></html>"
    )
    lines = [line.strip() for line in page.text.split("\n") if line.strip()]
    assert lines == ["One", "two", "$245 billion", "next"]
    assert page.title == "T"


def test_metadata_from_opengraph_and_json_ld():
    page = parse_html(OG_AND_JSON_LD)
    assert page.title == "Xi and Putin meet | CSIS"
    assert page.metadata.title == "Analyzing the Latest Xi-Putin Meeting"  # OpenGraph first
    assert page.metadata.published == "2023-10-20T09:30:00-04:00"
    assert page.metadata.authors == ["Brian Hart", "Bonny Lin"]  # JSON-LD's list; the profile URL dropped
    assert page.metadata.publisher == "CSIS"
    assert "hidden" not in page.text and "$240.1 billion" in page.text


def test_metadata_from_json_ld_alone():
    article = {
        "@type": "Article",
        "headline": "Trade &amp; aid",
        "datePublished": "2024-05",
        "author": {"name": "A. Writer"},
        "publisher": {"name": "RUSI"},
    }
    page = parse_html(f'<script type="application/ld+json">{json.dumps([{"@type": "Thing"}, article])}</script>')
    assert (page.metadata.title, page.metadata.published, page.metadata.authors, page.metadata.publisher) == (
        "Trade & aid",
        "2024-05",
        ["A. Writer"],
        "RUSI",
    )


@pytest.mark.parametrize(
    "block",
    ["{not json", "[]", '{"@type": {"odd": 1}}', '{"@graph": "nope"}', "null", '{"@type": "NewsArticle", "author": 7}'],
)
def test_broken_json_ld_is_ignored(block):
    page = parse_html(f'<meta name="author" content="Meta Author"><script type="application/ld+json">{block}</script>')
    assert page.metadata.authors == ["Meta Author"]


def test_kinds_of_documents():
    pdf = read_page(b"%PDF-1.7 \x00\x01binary", content_type="application/pdf")
    assert pdf.text is None and len(pdf.fingerprint) == 64 and not pdf.is_html
    data = read_page(b'{"a": 1}', content_type="application/json")
    assert data.text == '{"a": 1}' and not data.is_html
    sniffed = read_page(b"<!DOCTYPE html><title>x</title><p>hi</p>", content_type=None)
    assert sniffed.is_html and sniffed.title == "x"
    plain = read_page(b"just text", content_type="")
    assert plain.text == "just text"


def test_fingerprint_ignores_markup_and_spacing_but_not_words():
    a = read_page(b"<p>Trade  reached\n$245 billion.</p>", content_type="text/html")
    b = read_page(b"<div><span>Trade reached</span> $245 billion.</div>", content_type="text/html")
    c = read_page(b"<p>Trade reached $254 billion.</p>", content_type="text/html")
    assert a.fingerprint == b.fingerprint != c.fingerprint
