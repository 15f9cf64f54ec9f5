"""Text normalisation: the rule behind fingerprints and excerpt matching."""

import pytest

from sources.checking.text import fingerprint_text, normalize_for_match, normalize_text

SAME = [
    ("a  b\n\tc", "a b c"),
    ("\u201cquoted\u201d and \u2018single\u2019", "\"quoted\" and 'single'"),
    ("\u201equoted\u201c", '"quoted"'),
    ("2013\u20132024 \u2014 a\u2212b", "2013-2024 - a-b"),
    ("non\u00a0breaking\u202fspace", "non breaking space"),
    ("soft\u00adhy\u200bphen", "softhyphen"),
    ("\ufb01ne", "fine"),  # NFKC folds the ligature
    ("10\u2033", '10"'),
    ("  edges  ", "edges"),
]


@pytest.mark.parametrize(("raw", "expected"), SAME)
def test_normalize_text(raw, expected):
    assert normalize_text(raw) == expected


def test_match_form_is_case_folded():
    assert normalize_for_match("Trade \u201cReached\u201d") == 'trade "reached"'


def test_fingerprint_is_sha256_of_the_normalised_text():
    assert fingerprint_text("a \u2014 b") == fingerprint_text("a  -  b")
    assert len(fingerprint_text("")) == 64
