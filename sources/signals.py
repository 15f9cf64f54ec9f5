"""What the sources app tells other apps, without knowing them (sources imports no app above it).

source_page_read: a source check read a page's text. Sent by sources.services.record_source_check inside the
check's transaction, once the source's new state is saved, with keyword arguments

    source_id: int, page_text: str, checked_at: datetime

A receiver's writes join that transaction, and an exception in a receiver rolls the whole check back. The
claims app connects its excerpt check here (claims.apps).
"""

from django.dispatch import Signal

source_page_read = Signal()
