"""The admin's full history of a claim or a piece of evidence (django-simple-history's history view), in the same
words as the claim page's history panel: claims.history reads the rows, this only lays them out."""

from typing import Any

from ..history import history_entry, readable_entries


class ReadableHistoryAdmin:
    """For a SimpleHistoryAdmin: each row of the history page as claims.history's readable entry (`record.entry`),
    shown by admin/claims/object_history_list.html (when, who, what, the changes in words, the note)."""

    object_history_list_template = "admin/claims/object_history_list.html"
    history_list_display: Any = ()

    def set_history_delta_changes(
        self, request: Any, historical_records: Any, foreign_keys_are_objs: bool = True
    ) -> None:
        records = list(historical_records)
        entries = []
        for index, record in enumerate(records):
            previous = None
            if record.history_type == "~":
                # The page's next row is the one before; the last row's predecessor is on the next page.
                previous = records[index + 1] if index + 1 < len(records) else record.prev_record
            entries.append(history_entry(record, previous))
        for record, shown in zip(records, readable_entries(entries), strict=True):
            record.entry = shown
