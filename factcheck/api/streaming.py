"""Streamed answers (the CSV and NDJSON exports, the ClaimReview feed): nothing is sent before the first part is
ready, and a failure after that is one the client can tell from a complete answer.

Before the response starts, the first part is produced: the header and the first chunk of rows, so the parameters
have been used and the query has run. Any error up to there is the API's ordinary JSON error with its status.

Once bytes are out, the status can't change any more. A failure later is logged and then:

- NDJSON ends with one last line `{"error": {"status": 500, "code": "stream_failed", "detail": "…"}}`, an object no
  row has (rows are claims); a reader checks for it (and the lines before it are an incomplete export);
- CSV and JSON(-LD) are cut off: the server closes the connection without the chunked body's last chunk, which
  HTTP/1.1 clients report as an incomplete transfer (curl exits with 18, Python's requests raises
  ChunkedEncodingError); a CSV has no row a spreadsheet wouldn't take for data, and a cut JSON document doesn't
  parse.
"""

import logging
from collections.abc import Callable, Iterable, Iterator

from django.http import StreamingHttpResponse

from .renderers import dumps

logger = logging.getLogger(__name__)

STREAM_FAILED = {
    "status": 500,
    "code": "stream_failed",
    "detail": "The answer failed part-way: what came before this line is incomplete. It has been logged; retry.",
    "fields": {},
}


def ndjson_failure_line() -> bytes:
    """The last line of an NDJSON stream that failed after it started."""
    return dumps({"error": STREAM_FAILED}) + b"\n"


def streamed_response(
    parts: Iterable[bytes | str],
    *,
    content_type: str,
    filename: str | None = None,
    failure_line: Callable[[], bytes] | None = None,
) -> StreamingHttpResponse:
    """A StreamingHttpResponse of `parts` whose first part is produced now (its errors are the caller's to answer).

    A failure in a later part is logged and ends the stream with `failure_line()` if given, else by re-raising it,
    which makes the server drop the connection before the body's end.
    """
    iterator = iter(parts)
    first = next(iterator, None)  # raises here, before any byte is sent: the view answers with the JSON error

    def body() -> Iterator[bytes | str]:
        if first is not None:
            yield first
        try:
            yield from iterator
        except Exception:
            logger.exception("A streamed answer (%s) failed after it started", content_type)
            if failure_line is None:
                raise
            yield failure_line()

    response = StreamingHttpResponse(body(), content_type=content_type)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
