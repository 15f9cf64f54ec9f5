"""Streamed exports of every matching claim: CSV (one row a claim, or one per appearance / evidence link with
`expand=`; the columns chosen and ordered by `fields=`) and NDJSON (one claim object a line).

Rows are read with a server-side cursor in chunks and their appearances and evidence fetched per chunk, so memory
stays flat however many claims match. CSV cells are neutralised against spreadsheet formula injection: a text
cell starting with = + - @ or a tab / carriage return gets a leading apostrophe, unless it is a plain number
(so "-12.5" stays a number).
"""

import csv
import io
import re
from collections.abc import Iterator, Sequence

from rest_framework.exceptions import ValidationError

from claims.claimreview import appearance_row_date, first_appearance_row
from claims.quantities import format_quantity, gap_percent
from claims.selectors import claim_page, claim_rows, related_rows

from .claimreview import claim_review
from .representation import CLAIM_FIELDS, NEEDS_APPEARANCES, Links, claim_representation, decimal_text, publication

CHUNK = 1000
# The default columns, one row a claim (their names and order are stable: spreadsheets and scripts read them).
CSV_COLUMNS = (
    "id", "key", "subject", "claim_type", "value", "unit", "qualifier", "lower_bound", "upper_bound", "display",
    "period", "period_start", "period_end", "status", "textual_rating", "rating_value", "explanation", "reviewed_at",
    "first_quote", "first_claimant", "first_source_id", "first_source_title", "first_source_url", "first_publisher",
    "appearance_count", "evidence_count", "updated_at", "url",
)  # fmt: skip
# Columns only there when `fields=` names them (or their JSON field): the rest of the JSON list's fields.
OPTIONAL_CSV_COLUMNS = (
    "version", "created_at", "assignee", "withdrawn_at", "withdrawal_reason", "superseded_by", "published_at",
    "published_by", "page_url",
)  # fmt: skip
# `fields=` takes the JSON list's field names too: each selects its columns, in place. A CSV column's own name wins
# (`period` is the period's label column; `quantity` is value, unit, qualifier, bounds and display).
FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "quantity": ("value", "unit", "qualifier", "lower_bound", "upper_bound", "display"),
    "verdict": ("textual_rating", "rating_value", "explanation", "reviewed_at"),
    "withdrawal": ("withdrawn_at", "withdrawal_reason", "superseded_by"),
    "publication": ("published_at", "published_by", "page_url"),
    "appearances": ("first_quote", "first_claimant", "first_source_id", "first_source_title", "first_source_url",
                    "first_publisher", "appearance_count"),
    "evidence": ("evidence_count",),
    "links": ("url",),
}  # fmt: skip
# `expand=`: one row per appearance and / or evidence link, the claim's columns repeated, these columns after them.
APPEARANCE_CSV_COLUMNS = (
    "appearance_id", "appearance_quote", "appearance_claimant", "appearance_date", "appearance_source_id",
    "appearance_source_title", "appearance_source_url", "appearance_publisher", "appearance_start_offset",
    "appearance_end_offset",
)  # fmt: skip
EVIDENCE_CSV_COLUMNS = (
    "evidence_id", "evidence_relation", "evidence_excerpt", "evidence_locator", "evidence_source_value",
    "evidence_gap_percent", "evidence_source_id", "evidence_source_title", "evidence_source_url", "evidence_publisher",
    "evidence_excerpt_missing_since",
)  # fmt: skip
LINK_COLUMN = "link"  # with both expansions: which kind of link the row is ("appearance" or "evidence")
EXPANSIONS = ("appearances", "evidence")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
_DANGEROUS_FIRST = frozenset(_DANGEROUS)


def csv_columns(names: list[str] | None) -> tuple[str, ...]:
    """The claim's columns for `fields=` (CSV column names or the JSON list's field names), in the order asked;
    ValidationError naming the unknown names and the valid ones."""
    if names is None:
        return CSV_COLUMNS
    known = (*CSV_COLUMNS, *OPTIONAL_CSV_COLUMNS)
    unknown = [name for name in names if name not in known and name not in FIELD_COLUMNS and name not in CLAIM_FIELDS]
    if unknown:
        raise ValidationError({"fields": [
            f"unknown: {', '.join(unknown)}; CSV columns: {', '.join(known)}; or a field of the JSON list, which "
            f"selects its columns: {', '.join(name for name in CLAIM_FIELDS if name not in known)}"
        ]})  # fmt: skip
    columns: list[str] = []
    for name in names:
        columns += (name,) if name in known else FIELD_COLUMNS.get(name, (name,))
    return tuple(dict.fromkeys(columns))


def neutralise(cell):
    """A cell that a spreadsheet won't run as a formula: numbers untouched, risky text prefixed with '."""
    if isinstance(cell, str) and cell.startswith(_DANGEROUS) and not _NUMBER.match(cell):
        return "'" + cell
    return cell


def _neutralised(cells: list) -> list:
    """neutralise() of each cell, testing the first character only of most (a row's cells are mostly safe)."""
    return [neutralise(cell) if isinstance(cell, str) and cell[:1] in _DANGEROUS_FIRST else cell for cell in cells]


def _chunks(claims, *, appearances: bool = True, evidence: bool = True) -> Iterator[tuple[list[dict], dict, dict]]:
    """The claims' rows in chunks of CHUNK, each with its appearances and evidence ({claim id: [rows]})."""
    # A small export (most are: a filter's few dozen rows) is read as a page is: its ids, then their rows, two plain
    # queries. Only a larger one opens a server-side cursor, whose declare, fetches and close cost more round trips
    # than the rows (its snapshot is its own: the probe's ids are not reused).
    ids = list(claims.values_list("id", flat=True)[: CHUNK + 1])
    if len(ids) <= CHUNK:
        batch, by_claim_appearances, by_claim_evidence = claim_page(ids, appearances=appearances, evidence=evidence)
        if batch:
            yield batch, by_claim_appearances, by_claim_evidence
        return
    batch = []
    for row in claim_rows(claims).iterator(chunk_size=CHUNK):
        batch.append(row)
        if len(batch) == CHUNK:
            yield batch, *related_rows((r["id"] for r in batch), appearances=appearances, evidence=evidence)
            batch = []
    if batch:
        yield batch, *related_rows((r["id"] for r in batch), appearances=appearances, evidence=evidence)


def ndjson_lines(claims, *, links: Links, show_staff: bool, fields) -> Iterator[bytes]:
    from factcheck.api.renderers import dumps

    wants = fields or CLAIM_FIELDS
    for batch, appearances, evidence in _chunks(
        claims, appearances=not NEEDS_APPEARANCES.isdisjoint(wants), evidence="evidence" in wants
    ):
        yield b"".join(
            dumps(
                claim_representation(
                    row, appearances[row["id"]], evidence[row["id"]], links=links, show_staff=show_staff, fields=fields
                )
            )
            + b"\n"
            for row in batch
        )


def _stamp(value) -> str:
    return value.isoformat() if value else ""


PUBLICATION_COLUMNS = frozenset(FIELD_COLUMNS["publication"])


def _claim_cells(row: dict, appearances: list[dict], links: Links, show_staff: bool, *, publish: bool = True) -> dict:
    """Every column's cell of a claim; the publication's (its page's URL needs the headline's slug) only with
    `publish`, else blank."""
    first = first_appearance_row(appearances) or {}
    published = (publication(row, appearances, links) if publish else None) or {}
    return {
        "id": row["id"], "key": row["key"], "subject": row["subject"], "claim_type": row["claim_type"],
        "value": decimal_text(row["value"]), "unit": row["unit"], "qualifier": row["qualifier"],
        "lower_bound": decimal_text(row["lower_bound"]), "upper_bound": decimal_text(row["upper_bound"]),
        "display": format_quantity(row["value"], row["unit"], row["qualifier"], row["lower_bound"], row["upper_bound"]),
        "period": row["period"], "period_start": row["period_start"] or "", "period_end": row["period_end"] or "",
        "status": row["status"], "textual_rating": row["textual_rating"],
        "rating_value": row["rating_value"] if row["rating_value"] is not None else "",
        "explanation": row["verdict_note"], "reviewed_at": _stamp(row["reviewed_at"]),
        "first_quote": first.get("quote", ""), "first_claimant": first.get("claimant", ""),
        "first_source_id": first.get("source_id", ""), "first_source_title": first.get("source__title", ""),
        "first_source_url": first.get("source__url", ""), "first_publisher": first.get("source__publisher__name") or "",
        "appearance_count": len(appearances), "evidence_count": row["evidence_count"],
        "updated_at": _stamp(row["updated_at"]),
        "url": links.claim(row["id"]), "version": row["version"], "created_at": _stamp(row["created_at"]),
        "assignee": (row["assignee__username"] or "") if show_staff else "",
        "withdrawn_at": _stamp(row["withdrawn_at"]), "withdrawal_reason": row["withdrawal_reason"],
        "superseded_by": row["superseded_by_id"] or "",
        "published_at": _stamp(published.get("published_at")), "published_by": published.get("published_by") or "",
        "page_url": published.get("url", ""),
    }  # fmt: skip


def _appearance_cells(a: dict) -> list:
    start, end = a["start_offset"], a["end_offset"]
    return [
        a["id"], a["quote"], a["claimant"], _stamp(appearance_row_date(a)), a["source_id"], a["source__title"],
        a["source__url"], a["source__publisher__name"] or "", "" if start is None else start,
        "" if end is None else end,
    ]  # fmt: skip


def _evidence_cells(e: dict, claimed_value) -> list:
    return [
        e["id"], e["relation"], e["excerpt"], e["locator"], decimal_text(e["source_value"]),
        decimal_text(gap_percent(claimed_value, e["source_value"])), e["source_id"], e["source__title"],
        e["source__url"], e["source__publisher__name"] or "", _stamp(e["excerpt_missing_since"]),
    ]  # fmt: skip


def csv_header(columns: tuple[str, ...], expand: tuple[str, ...]) -> list[str]:
    header = list(columns)
    if len(expand) == 2:
        header.append(LINK_COLUMN)
    if "appearances" in expand:
        header += APPEARANCE_CSV_COLUMNS
    if "evidence" in expand:
        header += EVIDENCE_CSV_COLUMNS
    return header


def _csv_rows(row, appearances, evidence, links, *, columns, expand, show_staff) -> Iterator[list]:
    publish = not PUBLICATION_COLUMNS.isdisjoint(columns)
    cells = _claim_cells(row, appearances, links, show_staff, publish=publish)
    claim = [cells[column] for column in columns]
    if not expand:
        yield claim
        return
    both = len(expand) == 2
    no_appearance = [""] * len(APPEARANCE_CSV_COLUMNS) if "appearances" in expand else []
    no_evidence = [""] * len(EVIDENCE_CSV_COLUMNS) if "evidence" in expand else []
    linked = False
    if "appearances" in expand:
        for a in appearances:
            linked = True
            yield [*claim, *(["appearance"] if both else []), *_appearance_cells(a), *no_evidence]
    if "evidence" in expand:
        for e in evidence:
            linked = True
            yield [*claim, *(["evidence"] if both else []), *no_appearance, *_evidence_cells(e, row["value"])]
    if not linked:  # a claim without links keeps its row
        yield [*claim, *([""] if both else []), *no_appearance, *no_evidence]


def csv_lines(
    claims,
    *,
    links: Links,
    columns: tuple[str, ...] = CSV_COLUMNS,
    expand: tuple[str, ...] = (),
    show_staff: bool = False,
) -> Iterator[str]:
    """The claims as CSV: a header, then a row per claim, or per appearance / evidence link with `expand`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(csv_header(columns, expand))
    # The evidence count is the claim's own column (kept by the database's triggers): the links are read only to expand.
    for batch, appearances, evidence in _chunks(claims, evidence="evidence" in expand):
        for row in batch:
            for cells in _csv_rows(row, appearances[row["id"]], evidence[row["id"]], links, columns=columns,
                                   expand=expand, show_staff=show_staff):  # fmt: skip
                writer.writerow(_neutralised(cells))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def feed_tombstone(removed: dict, links: Links) -> dict:
    """A review taken down (claims.selectors.removed_claims) as a schema.org DataFeedItem with dateDeleted."""
    return {
        "@type": "DataFeedItem",
        "dateDeleted": removed["removed_at"],
        "item": {"@type": "ClaimReview", "url": f"{links.base}/fact-checks/{removed['id']}/"},  # the page's tombstone
    }


def claimreview_feed(claims, *, links: Links, removed: Sequence[dict] = ()) -> Iterator[bytes]:
    """A schema.org DataFeed of the ClaimReviews of the given claims (those with a verdict), streamed; then the
    tombstones of the `removed` reviews."""
    from factcheck.api.renderers import dumps

    # The opening comes with the first reviews (factcheck.api.streaming starts the response after the first part).
    opening, separator = b'{"@context":"https://schema.org","@type":"DataFeed","dataFeedElement":[', b""
    for batch, appearances, _ in _chunks(claims, evidence=False):
        parts = []
        for row in batch:
            review = claim_review(row, appearances[row["id"]], links=links)
            if review is None:
                continue
            parts.append(dumps(review))
        if parts:
            yield opening + separator + b",".join(parts)
            opening, separator = b"", b","
    if removed:
        yield opening + separator + b",".join(dumps(feed_tombstone(r, links)) for r in removed)
        opening = b""
    yield opening + b"]}"
