"""Page text normalisation: the one rule for comparing texts across fetches and finding excerpts in them.

Pages re-render the same words with other whitespace, curly or straight quotes, and hyphens, en or em dashes;
none of that is a change of what the page says, so fingerprints and excerpt matching both see through it.
"""

import hashlib
import re
import unicodedata

_TRANSLATE = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
        # Soft hyphens and zero-width characters are invisible; they only split words.
        **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", None),
    }
)
_SPACE = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """NFKC, one kind of quote and dash, invisible characters dropped, whitespace runs as one space."""
    # Before NFKC too: NFKC would turn a double prime into two primes, not into one double quote.
    text = unicodedata.normalize("NFKC", text.translate(_TRANSLATE)).translate(_TRANSLATE)
    return _SPACE.sub(" ", text).strip()


def normalize_for_match(text: str) -> str:
    """normalize_text, case-folded: what an excerpt and a page are compared as."""
    return normalize_text(text).casefold()


def fingerprint_text(text: str) -> str:
    """sha256 of the normalised text, in hex."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()


def fingerprint_bytes(body: bytes) -> str:
    """sha256 of a body the check cannot read as text (PDF, images…), in hex."""
    return hashlib.sha256(body).hexdigest()
