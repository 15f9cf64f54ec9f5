"""Natural keys: how records in import files name each other, and how a record's key is derived."""

import hashlib
import re
from decimal import Decimal

from django.utils.text import slugify

KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:\-/]*$")
MAX_KEY_LENGTH = 300


def _bounded(prefix: str, body: str) -> str:
    key = f"{prefix}:{body}"
    if len(key) <= MAX_KEY_LENGTH:
        return key
    digest = hashlib.sha1(body.encode()).hexdigest()
    return f"{prefix}:{body[: MAX_KEY_LENGTH - len(prefix) - 43]}~{digest}"


def derived_claim_key(subject: str, value: Decimal | None, period_label: str) -> str:
    """The key of a claim imported without one: subject, value and period ("auto:china-russia-trade:245…:2024")."""
    figure = "none" if value is None else format(value, "f")
    return _bounded("auto", f"{slugify(subject) or 'claim'}:{figure}:{period_label or 'any'}")


def derived_source_key(normalized_url: str | None, publisher: str | None, title: str) -> str:
    """The key of a source imported without one: its URL, else its publisher and title."""
    if normalized_url:
        return _bounded("url", normalized_url)
    return _bounded("title", f"{slugify(publisher or '') or 'unknown'}/{slugify(title)}")
