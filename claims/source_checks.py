"""The excerpt check: is each evidence excerpt still on its source's page? Called by the source check.

sources.services.record_source_check calls excerpt_check with the text of every page it reads; the text and
the excerpts are compared through sources.checking.text, the one normalisation rule (whitespace, quotes,
dashes, case). An excerpt that elides words ("…", "...", "[…]") is found when its parts appear in order.
"""

import datetime as dt
import re

from sources.checking.text import normalize_for_match

from .models import Evidence

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

    A flag keeps the time it was first raised (Evidence.excerpt_missing_since); each change of it is saved with
    a history row. Evidence without an excerpt is left alone. Returns (newly flagged, cleared).
    """
    page = normalize_for_match(page_text)
    flagged = cleared = 0
    for evidence in Evidence.objects.filter(source_id=source_id).exclude(excerpt=""):
        found = excerpt_in_text(evidence.excerpt, page)
        if not found and evidence.excerpt_missing_since is None:
            evidence.excerpt_missing_since = checked_at
            evidence._change_reason = "source check: the excerpt is no longer in the page's text"
            flagged += 1
        elif found and evidence.excerpt_missing_since is not None:
            evidence.excerpt_missing_since = None
            evidence._change_reason = "source check: the excerpt is in the page's text again"
            cleared += 1
        else:
            continue
        evidence.save(update_fields=["excerpt_missing_since"])
    return flagged, cleared
