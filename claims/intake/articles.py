"""Bringing an article in: pasted text, an uploaded file (.txt, .html, .pdf) or a URL → the Source holding its text.

    bring_in(*, text=None | file=ArticleFile(name, content) | url=None, actor, title="", publisher="", via="",
             dry_run=False) -> Intake(source, created, metadata, warnings)

The stored text is what the finder's offsets index, so it is kept exactly as read: only newlines are made "\\n" (and
NUL characters, which PostgreSQL refuses, dropped with a warning). A URL is fetched by the source checker's Fetcher
(its address policy, limits, timeouts and redirects: sources/checking/), its main text extracted by trafilatura
(navigation, footers and boilerplate left out); a PDF's text is read by pypdf. The page's metadata (title, authors,
publication date with its precision, publisher) is read by sources.checking.htmlpage from what the page declares
(OpenGraph, <meta>, JSON-LD) and proposed: what the page does not state stays empty.

The desk keeps one source per document: a URL it already holds (after sources.urlnorm's normalisation) or a text it
already holds (sources.selectors.source_with_text) gives that source back (created=False). A new source is written
by sources.services.source_create, its history naming the intake. dry_run reads (and fetches) but writes nothing:
its Intake holds an unsaved Source.
"""

import datetime as dt
import hashlib
import io
import logging
import threading
from dataclasses import dataclass, field

import pypdf
import trafilatura
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone
from pypdf.errors import PdfReadError

from factcheck.errors import DeskError
from sources.checking.fetch import Fetcher, FetchResult, HostSlots
from sources.checking.htmlpage import PageMetadata, clean, parse_html
from sources.checking.limits import CheckLimits
from sources.checking.pages import HTML_TYPES, decode_body, parse_content_type
from sources.checking.transport import new_session
from sources.models import Source
from sources.selectors import source_with_text, source_with_url
from sources.services import SourceFields, published_date, source_create, source_fill_text
from sources.urlnorm import InvalidURL, normalize_url

from ..importers.keys import derived_source_key
from ..services.intake import ReviewCandidate, pending_candidates, proposed_quote
from .finder import find_candidates
from .matching import match_candidates

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
FILE_KINDS = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html", ".pdf": "pdf"}
PDF_TYPES = frozenset({"application/pdf", "application/x-pdf"})


def max_bytes() -> int:
    """The largest article the intake reads, in bytes: a file, a pasted text (as UTF-8) or a page
    (INTAKE_MAX_BYTES; the fetcher stops reading a page at the smaller of it and SOURCE_CHECK_MAX_BYTES)."""
    return int(getattr(settings, "INTAKE_MAX_BYTES", DEFAULT_MAX_BYTES))


class IntakeRefused(DeskError):
    """An article the intake can't read: the message says why, `fields` names the input (text, file, url)."""

    status_code = 400
    code = "invalid"

    def __init__(self, field_name: str, message: str):
        super().__init__(message, fields={field_name: [message]})
        self.field_name = field_name


@dataclass(frozen=True)
class ArticleFile:
    """An uploaded article: its file name (its extension says how to read it) and its bytes."""

    name: str
    content: bytes


@dataclass
class ProposedMetadata:
    """What the article says about itself, proposed to the person bringing it in; empty where it says nothing."""

    title: str = ""
    authors: list[str] = field(default_factory=list)
    published_on: dt.date | None = None
    published_precision: str = ""
    publisher: str = ""
    url: str = ""

    @classmethod
    def from_page(cls, metadata: PageMetadata, *, title: str = "", url: str = "") -> "ProposedMetadata":
        parsed = published_date(metadata.published)
        return cls(
            title=metadata.title or title,
            authors=list(metadata.authors),
            published_on=parsed[0] if parsed else None,
            published_precision=parsed[1] if parsed else "",
            publisher=metadata.publisher,
            url=url,
        )

    @classmethod
    def of_source(cls, source: Source) -> "ProposedMetadata":
        return cls(
            title=source.title,
            authors=list(source.authors or []),
            published_on=source.published_on,
            published_precision=source.published_precision,
            publisher=source.publisher.name if source.publisher_id and source.publisher else "",
            url=source.url,
        )


@dataclass
class Intake:
    """The article brought in: its source (unsaved under dry_run when it would be new), whether it is new, the
    metadata read from the article, and what the person should know (a fallback taken, characters dropped)."""

    source: Source
    created: bool
    metadata: ProposedMetadata
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False


@dataclass
class _Article:
    text: str
    described: str  # in the audit reason: "pasted text", "the file report.pdf", "https://…"
    metadata: ProposedMetadata
    warnings: list[str] = field(default_factory=list)
    final_url: str = ""  # where a fetched URL's redirects ended


# --- reading ----------------------------------------------------------------------------------------------------
def stored_text(text: str, *, field_name: str, warnings: list[str]) -> str:
    """The text as the source will hold it: newlines as "\\n", NUL characters dropped; refused when empty."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        warnings.append(f"{text.count(chr(0))} NUL characters were dropped from the text")
        text = text.replace("\x00", "")
    if not text.strip():
        raise IntakeRefused(field_name, "The article holds no text.")
    return text


def _check_size(size: int, field_name: str) -> None:
    limit = max_bytes()
    if size > limit:
        raise IntakeRefused(field_name, f"The article is {size:,} bytes, over the intake's limit of {limit:,} bytes.")


def read_utf8(content: bytes, *, field_name: str, name: str) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IntakeRefused(
            field_name,
            f"{name} is not UTF-8 text: byte {exc.start} (0x{content[exc.start]:02x}) can't be read; "
            "save it as UTF-8 and try again.",
        ) from exc


def read_html(markup: str, *, url: str = "") -> tuple[str, ProposedMetadata, list[str]]:
    """The page's main text (trafilatura: without navigation, footers, comments) and its declared metadata."""
    warnings: list[str] = []
    page = parse_html(markup)
    text = trafilatura.extract(markup, include_comments=False, include_tables=True, deduplicate=False) or ""
    if not text.strip():
        # Too little for trafilatura to call anything the main text (a bare page): its whole visible text.
        warnings.append("No main text could be told apart from the page's navigation: its whole visible text was taken")
        text = "\n".join(line.strip() for line in page.text.splitlines() if line.strip())
    metadata = ProposedMetadata.from_page(page.metadata, title=page.title, url=url)
    return text, metadata, warnings


def read_pdf(content: bytes, *, field_name: str, name: str) -> tuple[str, ProposedMetadata]:
    """A PDF's text, page after page (pypdf), and the title and author its document information declares."""
    try:
        reader = pypdf.PdfReader(io.BytesIO(content))
        if reader.is_encrypted and not reader.decrypt(""):
            raise IntakeRefused(field_name, f"{name} is an encrypted PDF: its text can't be read without its password.")
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except IntakeRefused:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise IntakeRefused(field_name, f"{name} is not a PDF that can be read ({exc}).") from exc
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds on damaged files; none may become a 500
        logger.warning("reading the PDF %s: %r", name, exc)
        raise IntakeRefused(field_name, f"{name} is not a PDF that can be read.") from exc
    text = "\n\n".join(page.strip("\n") for page in pages)
    if not text.strip():
        raise IntakeRefused(
            field_name, f"{name} holds no text (a scanned PDF holds pictures of pages): it would need OCR first."
        )
    title = clean(getattr(info, "title", None), 500) if info else ""
    author = clean(getattr(info, "author", None), 200) if info else ""
    return text, ProposedMetadata(title=title, authors=[author] if author else [])


def read_file(file: ArticleFile) -> _Article:
    name = (file.name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1] or "the file"
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = FILE_KINDS.get(extension)
    if kind is None:
        raise IntakeRefused("file", f"{name}: the intake reads .txt, .html and .pdf files.")
    _check_size(len(file.content), "file")
    warnings: list[str] = []
    if kind == "pdf":
        text, metadata = read_pdf(file.content, field_name="file", name=name)
    elif kind == "html":
        markup, _encoding, notes = decode_body(file.content, header_charset=None, is_html=True)
        text, metadata, warnings = read_html(markup)
        warnings += notes
    else:
        text, metadata = read_utf8(file.content, field_name="file", name=name), ProposedMetadata()
    return _Article(
        stored_text(text, field_name="file", warnings=warnings), f"the file {name}", metadata, warnings=warnings
    )


def fetch_page(url: str) -> FetchResult:
    """One fetch through the source check's Fetcher: the same address policy, redirects, timeouts and limits (the
    size limit the smaller of the check's and the intake's)."""
    limits = CheckLimits.from_settings()
    limits = CheckLimits(**{**limits.__dict__, "max_bytes": min(limits.max_bytes, max_bytes())})
    session = new_session(user_agent=limits.user_agent, pool_size=2)
    try:
        fetcher = Fetcher(session=session, limits=limits, slots=HostSlots(limits.per_host), cancel=threading.Event())
        return fetcher.fetch(url)
    finally:
        session.close()


def read_url(url: str) -> _Article:
    result = fetch_page(url)
    if result.failure:
        raise IntakeRefused("url", f"{url} could not be fetched: {result.error}.")
    if result.truncated:
        raise IntakeRefused("url", f"{url}: the page is over the intake's limit of {max_bytes():,} bytes.")
    if result.body is None or not (result.http_status and 200 <= result.http_status < 300):
        raise IntakeRefused("url", f"{url} could not be fetched: the page answered {result.http_status}.")
    media_type, params = parse_content_type(result.content_type)
    warnings: list[str] = []
    if media_type in PDF_TYPES or result.body.startswith(b"%PDF-"):
        text, metadata = read_pdf(result.body, field_name="url", name=url)
    elif media_type in HTML_TYPES or not media_type:
        markup, _encoding, notes = decode_body(result.body, header_charset=params.get("charset"), is_html=True)
        text, metadata, warnings = read_html(markup, url=url)
        warnings += notes
    elif media_type.startswith("text/"):
        text, _encoding, warnings = decode_body(result.body, header_charset=params.get("charset"), is_html=False)
        metadata = ProposedMetadata()
    else:
        raise IntakeRefused("url", f"{url} is a {media_type} document: the intake reads web pages, text and PDF.")
    metadata.url = url
    final_url = ""
    if result.final_url and normalize_url(result.final_url) != normalize_url(url):
        final_url = result.final_url
        warnings.append(f"The address redirected to {final_url}")
    text = stored_text(text, field_name="url", warnings=warnings)
    return _Article(text, url, metadata, warnings=warnings, final_url=final_url)


# --- the source -------------------------------------------------------------------------------------------------
def _source_key(*, url: str, text: str) -> str:
    if url:
        return derived_source_key(normalize_url(url), None, "")
    return f"text:{hashlib.sha256(text.encode('utf-8')).hexdigest()}"


def _existing(source: Source, *, why: str, warnings: list[str], dry_run: bool) -> Intake:
    source = Source.objects.select_related("publisher").get(pk=source.pk)
    return Intake(
        source=source,
        created=False,
        metadata=ProposedMetadata.of_source(source),
        warnings=[f"The desk already holds this article ({why}): source #{source.pk}", *warnings],
        dry_run=dry_run,
    )


def bring_in(
    *,
    text: str | None = None,
    file: ArticleFile | None = None,
    url: str | None = None,
    actor: AbstractBaseUser | None,
    title: str = "",
    publisher: str = "",
    via: str = "",
    dry_run: bool = False,
) -> Intake:
    """Bring one article in (exactly one of text, file and url): the Source holding its text, new or already held.

    `title` and `publisher` given by the person win over what the article declares. `via` names the door in the
    audit trail ("the API", "manage.py intake"). Raises IntakeRefused, naming the input, for an article it can't read.
    """
    given = [name for name, value in (("text", text), ("file", file), ("url", url)) if value not in (None, "")]
    if len(given) != 1:
        names = " and ".join(given) if given else "nothing"
        raise IntakeRefused(given[-1] if given else "text", f"Give one of text, file or url (got {names}).")
    title, publisher = (title or "").strip(), (publisher or "").strip()
    held_without_text: Source | None = None
    if url is not None:
        url = url.strip()
        try:
            normalize_url(url)
        except InvalidURL as exc:
            raise IntakeRefused("url", f"The URL {exc}.") from exc
        held = source_with_url(url)
        if held is not None and held.text:
            return _existing(held, why="same URL", warnings=[], dry_run=dry_run)
        held_without_text = held
        article = read_url(url)
    elif file is not None:
        article = read_file(file)
    else:
        assert text is not None
        if not isinstance(text, str):
            raise IntakeRefused("text", "The text must be a string.")
        _check_size(len(text.encode("utf-8", errors="replace")), "text")
        warnings: list[str] = []
        article = _Article(stored_text(text, field_name="text", warnings=warnings), "pasted text", ProposedMetadata())
        article.warnings = warnings
    reason = f"intake of an article ({article.described}){f' through {via}' if via else ''}"

    held = source_with_text(article.text)
    if held is not None:
        return _existing(held, why="same text", warnings=article.warnings, dry_run=dry_run)
    if article.final_url and held_without_text is None:
        held = source_with_url(article.final_url)  # cited by the address the link redirects to
        if held is not None and held.text:
            return _existing(held, why="the URL it redirects to", warnings=article.warnings, dry_run=dry_run)
        held_without_text = held
    if held_without_text is not None:
        if not dry_run:
            source_fill_text(source=held_without_text, text=article.text, actor=actor, reason=reason)
        intake = _existing(held_without_text, why="same URL", warnings=article.warnings, dry_run=dry_run)
        intake.source.text = article.text
        intake.warnings.append("It held no text: the article's text is now its text")
        return intake

    metadata = article.metadata
    fields = SourceFields(
        key=_source_key(url=metadata.url, text=article.text),
        text=article.text,
        url=metadata.url,
        title=title or metadata.title,
        authors=metadata.authors,
        published_on=metadata.published_on,
        published_precision=metadata.published_precision,
        publisher=publisher or metadata.publisher,
        accessed_on=timezone.localdate() if metadata.url else None,
    )
    if dry_run:
        source = Source(
            key=fields.key,
            text=fields.text,
            url=fields.url,
            title=fields.title[:500],
            authors=fields.authors,
            published_on=fields.published_on,
            published_precision=fields.published_precision,
            accessed_on=fields.accessed_on,
        )
        return Intake(source=source, created=True, metadata=metadata, warnings=article.warnings, dry_run=True)
    try:
        source = source_create(fields=fields, actor=actor, reason=reason)
    except ValidationError as exc:
        field_name = "url" if metadata.url else ("file" if file is not None else "text")
        raise IntakeRefused(field_name, "; ".join(exc.messages)) from exc
    return Intake(source=source, created=True, metadata=metadata, warnings=article.warnings)


def intake_candidates(intake: Intake) -> list[ReviewCandidate]:
    """The article's candidates left to decide, best first, with their matches: a held source's pending ones
    (claims.services.intake: without those dismissed or taken); for a dry run's unsaved source, the finder's."""
    source = intake.source  # (a dry run over a held source without text: the text it would be given)
    if source.pk is not None:
        return pending_candidates(source)
    candidates = find_candidates(source.text)
    matches = match_candidates(candidates) if candidates else {}
    reviewed = []
    for index, candidate in enumerate(candidates):
        quote, quote_start = proposed_quote(source.text, candidate)
        reviewed.append(ReviewCandidate(candidate, tuple(matches.get(index, ())), index + 1, quote, quote_start))
    return reviewed
