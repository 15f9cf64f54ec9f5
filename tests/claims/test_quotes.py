"""Placing quotes: verbatim offsets, and the near-miss hint through the one text normalisation rule."""

import pytest

from claims.quotes import QuoteNotFound, locate_quote, near_miss
from sources.checking.text import normalize_text

TEXT = "He called it a \u2018reverse Kissinger\u2019 \u2013 twice.\u00a0Then\u2014again."
HINT = " (it is there with other quotes, dashes or spaces: copy it exactly)"


def test_a_verbatim_quote_is_placed_at_its_first_occurrence_or_at_start():
    text = "trade rose; trade rose again"
    assert locate_quote(text, "trade rose") == (0, 10)
    assert locate_quote(text, "trade rose", 12) == (12, 22)
    assert locate_quote("", "anything") == (None, None)


@pytest.mark.parametrize(
    "quote",
    [
        "a 'reverse Kissinger' - twice",  # straight quotes and a hyphen for curly ones and an en dash
        "a \u201creverse Kissinger\u201d",  # double for single curly quotes does not match: no hint
        "twice. Then-again",  # a plain space for a no-break space, a hyphen for an em dash
        "a  \u2018reverse   Kissinger\u2019",  # whitespace runs
    ],
)
def test_the_hint_follows_the_page_text_normalisation(quote):
    expected = HINT if normalize_text(quote) in normalize_text(TEXT) else ""
    assert near_miss(TEXT, quote) == expected


def test_a_near_miss_is_refused_with_the_hint_and_the_field():
    with pytest.raises(QuoteNotFound) as refused:
        locate_quote(TEXT, "a 'reverse Kissinger' - twice")
    assert refused.value.field == "quote" and refused.value.message.endswith(HINT)
    assert (refused.value.status_code, refused.value.code) == (400, "invalid")
    assert refused.value.fields == {"quote": [refused.value.message]}


def test_other_words_get_no_hint():
    with pytest.raises(QuoteNotFound) as refused:
        locate_quote(TEXT, "a reverse Metternich")
    assert refused.value.message == "is not found verbatim in the source's text"


def test_a_quote_elsewhere_than_start_says_where_it_is():
    with pytest.raises(QuoteNotFound) as refused:
        locate_quote("one two one", "two", 0)
    assert refused.value.field == "start" and refused.value.message.endswith("it is at offset 4")
