"""What the claims app does when another app reports an event (connected in claims.apps).

The lower layers never import claims: sources announces a page it read (sources.signals.source_page_read), and
the excerpt check listens here.
"""

import datetime as dt
from typing import Any

from .source_checks import excerpt_check


def check_excerpts_on_page_read(
    sender: type, *, source_id: int, page_text: str, checked_at: dt.datetime, **kwargs: Any
) -> None:
    """A source check read `page_text`: flag the source's evidence whose excerpt left it, clear those back."""
    excerpt_check(source_id=source_id, page_text=page_text, checked_at=checked_at)
