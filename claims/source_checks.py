"""The excerpt check: is each evidence excerpt still on its source's page? Called by the source check.

sources.services.record_source_check calls excerpt_check with the text of every page it reads; the text and
the excerpts are compared through sources.checking.text, the one normalisation rule (whitespace, quotes,
dashes, case). An excerpt that elides words ("…", "...", "[…]") is found when its parts appear in order.
"""

import datetime as dt
import re

from sources.checking.text import normalize_for_match

from .models import Evidence
from .services import evidence_excerpt_flags

_ELISION = re.compile(r"\[\s*(?:…|\.\.\.)\s*\]|…|\.\.\.")


def excerpt_in_text(excerpt: str, normalized_page: str) -> bool:
    """Whether `excerpt` appears in a page already passed through normalize_for_match."""
    position = 0
    for part in _ELISION.split(excerpt):
        part = normalize_for_match(part)
        if not part:
            continue
        found = normalized_page.find(part, position)
        if found < 0:
            return False
        position = found + len(part)
    return True


def excerpt_check(*, source_id: int, page_text: str, checked_at: dt.datetime) -> tuple[int, int]:
    """Flag the source's evidence whose excerpt is gone from `page_text`, and clear the flag of those found again.

    A flag keeps the time it was first raised (Evidence.excerpt_missing_since). The findings are written by
    claims.services.evidence_excerpt_flags: each change of a flag with a history row, and the version of each
    claim concerned raised, in one statement per check. Evidence without an excerpt is left alone. Returns
    (newly flagged, cleared).
    """
    page = normalize_for_match(page_text)
    flag: list[int] = []
    clear: list[int] = []
    rows = Evidence.objects.filter(source_id=source_id).exclude(excerpt="")
    for pk, excerpt, missing_since in rows.values_list("pk", "excerpt", "excerpt_missing_since"):
        found = excerpt_in_text(excerpt, page)
        if not found and missing_since is None:
            flag.append(pk)
        elif found and missing_since is not None:
            clear.append(pk)
    return evidence_excerpt_flags(flag=flag, clear=clear, checked_at=checked_at)
