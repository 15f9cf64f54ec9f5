"""A claim's audit trail (django-simple-history) as API entries: who, when, what changed field by field, why."""

from decimal import Decimal

from claims.models import Claim

from .representation import decimal_text

TYPES = {"+": "created", "~": "changed", "-": "deleted"}


def _plain(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Decimal):
        return decimal_text(value)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


class ClaimHistory:
    """A lazily sliced sequence of the claim's history entries, newest first (what the paginator pages over).

    Each slice reads its records plus the one before the oldest, so each entry is diffed against its predecessor
    (HistoricalRecord.diff_against) in a constant number of queries per page.
    """

    def __init__(self, claim: Claim):
        self.records = claim.history.select_related("history_user").order_by("-history_date", "-history_id")

    def count(self) -> int:
        return self.records.count()

    def order_by(self, *args):
        return self

    def __getitem__(self, item: slice):
        records = list(self.records[item.start : (item.stop or 0) + 1])
        wanted = (item.stop or 0) - (item.start or 0)
        entries = []
        for index, record in enumerate(records[:wanted]):
            previous = records[index + 1] if index + 1 < len(records) else None
            entries.append(self.entry(record, previous))
        return entries

    @staticmethod
    def entry(record, previous) -> dict:
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            changes = [{"field": c.field, "old": _plain(c.old), "new": _plain(c.new)} for c in delta.changes]
        elif record.history_type == "+":
            changes = [
                {"field": f.attname.removesuffix("_id") if f.is_relation else f.attname, "old": None,
                 "new": _plain(getattr(record, f.attname))}
                for f in Claim._meta.concrete_fields
                if f.attname not in ("id", "version", "created_at", "updated_at") and hasattr(record, f.attname)
                and getattr(record, f.attname) not in (None, "", False)
            ]  # fmt: skip
        user = record.history_user
        return {
            "id": record.history_id,
            "date": record.history_date,
            "user": None if user is None else {"id": user.pk, "username": user.get_username()},
            "type": TYPES.get(record.history_type, record.history_type),
            "reason": record.history_change_reason,
            "changes": changes,
        }


def claim_history(claim: Claim) -> ClaimHistory:
    return ClaimHistory(claim)
