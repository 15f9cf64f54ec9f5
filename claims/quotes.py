"""Placing a quote in its source's text: the one rule the importer, the admin and the API share.

Telling a near miss (the same words with other quotes, dashes or spaces) uses the page text normalisation of
sources.checking.text, the one rule for what counts as the same text; a stored quote itself must still match
character for character.
"""

from factcheck.errors import DeskError
from sources.checking.text import normalize_text


class QuoteNotFound(DeskError, ValueError):
    """The quote isn't in the text (at the given offset); `field` says which input to fix."""

    status_code = 400
    code = "invalid"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, fields={field: [message]})
        self.field = field


def locate_quote(text: str, quote: str, start: int | None = None) -> tuple[int | None, int | None]:
    """(start, end) offsets of the quote in the text; (None, None) when there is no text to place it in.

    Without `start` the first occurrence is taken. Raises QuoteNotFound with a hint when a quote differs only
    by typographic quotes, dashes or spaces (a stored quote must match character for character).
    """
    if not text:
        if start is not None:
            raise QuoteNotFound("start", "the source holds no text to place the quote in")
        return None, None
    if start is None:
        start = text.find(quote)
        if start < 0:
            raise QuoteNotFound("quote", "is not found verbatim in the source's text" + near_miss(text, quote))
    elif text[start : start + len(quote)] != quote:
        elsewhere = text.find(quote)
        hint = f"; it is at offset {elsewhere}" if elsewhere >= 0 else near_miss(text, quote)
        raise QuoteNotFound("start", f"the quote is not at offset {start} of the source's text{hint}")
    return start, start + len(quote)


def near_miss(text: str, quote: str) -> str:
    """A hint when the quote is in the text once both are normalised (quotes, dashes, spaces), else ""."""
    plain_quote = normalize_text(quote)
    if plain_quote and plain_quote in normalize_text(text):
        return " (it is there with other quotes, dashes or spaces: copy it exactly)"
    return ""


def paragraph_around(text: str, start: int, end: int) -> tuple[str, int, int]:
    """The paragraph (line) of the text holding [start, end), and the offsets relative to it."""
    first = text.rfind("\n", 0, start) + 1
    last = text.find("\n", end)
    last = len(text) if last < 0 else last
    return text[first:last], start - first, end - first
