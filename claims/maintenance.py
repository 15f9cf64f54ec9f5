"""Repairs of what the database's triggers keep (migration claims 0010): the claims' evidence counts and search
documents, and a check that the triggers themselves are in place.

The triggers keep both right whichever door writes; these functions are for the day something went around them
(a restored dump without triggers, a manual `ALTER TABLE … DISABLE TRIGGER`, a bug). `manage.py repair_claim_data`
calls them.
"""

from collections.abc import Callable

from django.db import connection, transaction

# (trigger, table) as migration claims 0010 creates them.
EXPECTED_TRIGGERS: tuple[tuple[str, str], ...] = (
    ("appearance_offsets_in_text", "claims_appearance"),
    ("source_text_keeps_appearances", "sources_source"),
    ("claim_evidence_count_insert", "claims_evidence"),
    ("claim_evidence_count_delete", "claims_evidence"),
    ("claim_evidence_count_update", "claims_evidence"),
    ("claim_search_insert", "claims_claim"),
    ("claim_search_update", "claims_claim"),
    ("appearance_search_insert", "claims_appearance"),
    ("appearance_search_delete", "claims_appearance"),
    ("appearance_search_update", "claims_appearance"),
    ("source_search_update", "sources_source"),
    # migration claims 0027: the held matches of the frequent words (claims.search_terms)
    ("claim_search_terms_insert", "claims_claimsearch"),
    ("claim_search_terms_update", "claims_claimsearch"),
    ("claim_search_terms_delete", "claims_claimsearch"),
)


def missing_triggers() -> list[str]:
    """The expected triggers that are absent or disabled, as "trigger on table"."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND t.tgenabled <> 'D'"
        )
        present = set(cursor.fetchall())
    return [f"{trigger} on {table}" for trigger, table in EXPECTED_TRIGGERS if (trigger, table) not in present]


def recount_evidence() -> int:
    """Set every claim's evidence_count to its number of evidence links; return how many claims were wrong."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE claims_claim c SET evidence_count = n.links FROM ("
            "SELECT c.id, count(e.id) AS links FROM claims_claim c LEFT JOIN claims_evidence e ON e.claim_id = c.id "
            "GROUP BY c.id) n WHERE n.id = c.id AND c.evidence_count <> n.links"
        )
        return cursor.rowcount


def rebuild_search_documents(*, batch_size: int = 5000, progress: Callable[[int, int], None] | None = None) -> int:
    """Recompute every claim's search document with the triggers' own function, a batch per transaction (so a
    large table is never locked for long); return how many claims were done. `progress(done, total)`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM claims_claim")
        (total,) = cursor.fetchone()
        done, last_id = 0, 0
        while True:
            with transaction.atomic():
                cursor.execute(
                    "SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM "
                    "(SELECT id FROM claims_claim WHERE id > %s ORDER BY id LIMIT %s) batch",
                    [last_id, batch_size],
                )
                (ids,) = cursor.fetchone()
                if not ids:
                    break
                cursor.execute("SELECT claims_search_refresh(%s::bigint[])", [ids])
            done += len(ids)
            last_id = ids[-1]
            if progress is not None:
                progress(done, total)
    return done
