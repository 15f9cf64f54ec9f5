"""From a fetched body to what the check records: the kind of document, its text, title, metadata, fingerprint.

Charsets come from the byte order mark, the Content-Type header, then (for HTML) a <meta> declaration; an
unknown or unusable one is passed over, and a body with none is read as UTF-8 when it is valid UTF-8 and as
windows-1252 otherwise (what browsers do). Decoding replaces bad bytes, so no body can make this raise.
"""

import codecs
import re
from dataclasses import dataclass, field

from .htmlpage import PageMetadata, parse_html
from .text import fingerprint_bytes, fingerprint_text

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"application/json", "application/xml", "application/javascript", "application/ld+json"})
# Codecs that are "text encodings" to Python but not charsets a web page can be in.
NOT_CHARSETS = frozenset({"undefined", "unicode_escape", "raw_unicode_escape", "punycode", "idna", "mbcs", "oem"})
# WHATWG: these labels mean windows-1252 on the web.
WINDOWS_1252_LABELS = frozenset({"latin_1", "iso8859-1", "ascii"})
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([a-zA-Z0-9_:.+-]{1,40})""", re.IGNORECASE)
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)", re.IGNORECASE | re.DOTALL)


@dataclass
class Page:
    """A body as the check understands it. `text` is None for documents it cannot read (PDF, images…)."""

    media_type: str
    text: str | None
    fingerprint: str
    title: str = ""
    metadata: PageMetadata = field(default_factory=PageMetadata)
    encoding: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def is_html(self) -> bool:
        return self.media_type in HTML_TYPES


def parse_content_type(header: str | None) -> tuple[str, dict[str, str]]:
    """("text/html", {"charset": "utf-8"}) from a Content-Type header; ("", {}) without one."""
    if not header:
        return "", {}
    media_type, *params = header.split(";")
    parameters = {}
    for param in params:
        name, _, value = param.partition("=")
        parameters[name.strip().lower()] = value.strip().strip("\"'")
    return media_type.strip().lower(), parameters


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        info = codecs.lookup(label.strip().strip("\"'"))
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in NOT_CHARSETS:
        return None
    return "cp1252" if info.name in WINDOWS_1252_LABELS else info.name


def decode_body(body: bytes, *, header_charset: str | None, is_html: bool) -> tuple[str, str, list[str]]:
    """(text, encoding used, notes on charsets passed over)."""
    notes: list[str] = []
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if body.startswith(bom):
            return body.decode(name, errors="replace"), name, notes
    declared: list[tuple[str, str | None]] = [("header", header_charset)]
    if is_html:
        match = _META_CHARSET.search(body[:4096])
        declared.append(("meta", match.group(1).decode("ascii") if match else None))
    for where, label in declared:
        if not label:
            continue
        codec = _codec(label)
        if codec is None:
            notes.append(f"unknown charset {label!r} in the {where}, ignored")
            continue
        try:
            return body.decode(codec, errors="replace"), codec, notes
        except (UnicodeError, LookupError, ValueError) as exc:  # codecs that refuse some input whatever `errors`
            notes.append(f"charset {label!r} in the {where} could not decode the body ({exc}), ignored")
    try:
        return body.decode("utf-8"), "utf-8", notes
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace"), "cp1252", notes


def _kind(media_type: str, body: bytes) -> str:
    if media_type in HTML_TYPES:
        return "html"
    if media_type.startswith("text/") or media_type in TEXT_TYPES or media_type.endswith(("+json", "+xml")):
        return "text"
    if not media_type or media_type == "application/octet-stream":
        # No useful type given: look at the bytes, as browsers do.
        if _HTML_START.match(body[:1024]):
            return "html"
        if b"\x00" not in body[:1024]:
            try:
                body[:4096].decode("utf-8")
                return "text"
            except UnicodeDecodeError:
                pass
    return "binary"


def read_page(body: bytes, *, content_type: str | None) -> Page:
    """Read a complete body. HTML gives its visible text, title and metadata; other text its text; the rest
    (PDF, images, archives) only a fingerprint of its bytes."""
    media_type, params = parse_content_type(content_type)
    kind = _kind(media_type, body)
    if kind == "binary":
        return Page(media_type=media_type, text=None, fingerprint=fingerprint_bytes(body))
    text, encoding, notes = decode_body(body, header_charset=params.get("charset"), is_html=kind == "html")
    if kind == "text":
        return Page(
            media_type=media_type, text=text, fingerprint=fingerprint_text(text), encoding=encoding, notes=notes
        )
    try:
        page = parse_html(text)
    except Exception as exc:  # noqa: BLE001 - html.parser is lenient, but a page must never stop the run
        notes.append(f"HTML could not be parsed ({exc.__class__.__name__}: {exc}); read as plain text")
        return Page(
            media_type=media_type, text=text, fingerprint=fingerprint_text(text), encoding=encoding, notes=notes
        )
    return Page(
        media_type=media_type or "text/html",
        text=page.text,
        fingerprint=fingerprint_text(page.text),
        title=page.title,
        metadata=page.metadata,
        encoding=encoding,
        notes=notes,
    )
