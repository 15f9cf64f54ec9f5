"""Streamed exports of every matching claim: CSV (one row a claim) and NDJSON (one claim object a line).

Rows are read with a server-side cursor in chunks and their appearances and evidence fetched per chunk, so memory
stays flat however many claims match. CSV cells are neutralised against spreadsheet formula injection: a text
cell starting with = + - @ or a tab / carriage return gets a leading apostrophe, unless it is a plain number
(so "-12.5" stays a number).
"""

import csv
import io
import re
from collections.abc import Iterator

from claims.selectors import claim_rows, related_rows

from .claimreview import claim_review
from .representation import Links, claim_representation, decimal_text, first_appearance_row

CHUNK = 1000
CSV_COLUMNS = (
    "id", "key", "subject", "claim_type", "value", "unit", "qualifier", "lower_bound", "upper_bound", "display",
    "period", "period_start", "period_end", "status", "textual_rating", "rating_value", "explanation", "reviewed_at",
    "first_quote", "first_claimant", "first_source_id", "first_source_title", "first_source_url", "first_publisher",
    "appearance_count", "evidence_count", "updated_at", "url",
)  # fmt: skip
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell):
    """A cell that a spreadsheet won't run as a formula: numbers untouched, risky text prefixed with '."""
    if isinstance(cell, str) and cell.startswith(_DANGEROUS) and not _NUMBER.match(cell):
        return "'" + cell
    return cell


def _chunks(claims) -> Iterator[tuple[list[dict], dict, dict]]:
    batch = []
    for row in claim_rows(claims).iterator(chunk_size=CHUNK):
        batch.append(row)
        if len(batch) == CHUNK:
            yield batch, *related_rows(r["id"] for r in batch)
            batch = []
    if batch:
        yield batch, *related_rows(r["id"] for r in batch)


def ndjson_lines(claims, *, links: Links, show_staff: bool, fields) -> Iterator[bytes]:
    from factcheck.api.renderers import dumps

    for batch, appearances, evidence in _chunks(claims):
        yield b"".join(
            dumps(
                claim_representation(
                    row, appearances[row["id"]], evidence[row["id"]], links=links, show_staff=show_staff, fields=fields
                )
            )
            + b"\n"
            for row in batch
        )


def _csv_row(row: dict, appearances: list[dict], evidence: list[dict], links: Links) -> list:
    from claims.quantities import format_quantity

    first = first_appearance_row(appearances) or {}
    publisher = first.get("source__publisher__name") if first else ""
    return [
        row["id"], row["key"], row["subject"], row["claim_type"], decimal_text(row["value"]), row["unit"],
        row["qualifier"], decimal_text(row["lower_bound"]), decimal_text(row["upper_bound"]),
        format_quantity(row["value"], row["unit"], row["qualifier"], row["lower_bound"], row["upper_bound"]),
        row["period"], row["period_start"] or "", row["period_end"] or "", row["status"], row["textual_rating"],
        row["rating_value"] if row["rating_value"] is not None else "", row["verdict_note"],
        row["reviewed_at"].isoformat() if row["reviewed_at"] else "", first.get("quote", ""),
        first.get("claimant", ""), first.get("source_id", ""), first.get("source__title", ""),
        first.get("source__url", ""), publisher or "", len(appearances), len(evidence), row["updated_at"].isoformat(),
        links.claim(row["id"]),
    ]  # fmt: skip


def csv_lines(claims, *, links: Links) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for batch, appearances, evidence in _chunks(claims):
        for row in batch:
            writer.writerow([neutralise(c) for c in _csv_row(row, appearances[row["id"]], evidence[row["id"]], links)])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def claimreview_feed(claims, *, links: Links) -> Iterator[bytes]:
    """A schema.org DataFeed of the ClaimReviews of the given claims (those with a verdict), streamed."""
    from factcheck.api.renderers import dumps

    # The opening comes with the first reviews (factcheck.api.streaming starts the response after the first part).
    opening, separator = b'{"@context":"https://schema.org","@type":"DataFeed","dataFeedElement":[', b""
    for batch, appearances, _ in _chunks(claims):
        parts = []
        for row in batch:
            review = claim_review(row, appearances[row["id"]], links=links)
            if review is None:
                continue
            parts.append(dumps(review))
        if parts:
            yield opening + separator + b",".join(parts)
            opening, separator = b"", b","
    yield opening + b"]}"
