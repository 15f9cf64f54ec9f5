"""The triggers' statements that read or write whole tables are planned on every call (plpgsql EXECUTE), and a search
document's quotes and titles are looked up claim by claim.

PL/pgSQL keeps a statement's plan for the rest of the session. A statement without parameters (the evidence count's
UPDATE over its transition table) keeps the plan of its first call, and so does one with parameters (the search
refresh's ids) on the app's connections, which ask for generic plans for their prepared statements
(plan_cache_mode=force_generic_plan, factcheck.settings.base). Both were planned while an import's first batch was being
written, when its tables held a few hundred rows: the evidence count then walked every claim for each batch of links (a
hash join over a sequential scan of claims_claim), and the search refresh walked every appearance for each batch of
claims, comparing each appearance's claim with every id of the batch. An import's time grew with the square of its size:
at 100,000 claims 69 s of its 158 s went to the search refresh and 17 s to the evidence count, and each batch took
longer than the one before it (0.1 s for the first search refresh, 1.1 s for the last).

EXECUTE plans each statement for the tables as they are, with the batch's ids as a value the planner reads. The search
refresh reads each claim's appearances through their claim index (a LATERAL aggregate per claim) and each title by its
source's key, not by comparing every appearance with every id or hashing every source, so each batch costs what its own
claims cost, however large the tables have grown. The documents and published_at written are as before (migration 0023).
Planning a statement costs a fraction of a millisecond, once per statement that writes claims, appearances, evidence or
source titles, not once per row.

The SQL is written out here (a migration imports no app code); the backward SQL is that of migrations 0010 and 0023.
"""

import importlib

from django.db import migrations

_0010 = importlib.import_module("claims.migrations.0010_database_triggers")
_0023 = importlib.import_module("claims.migrations.0023_claim_search_published")

PUBLISHED_AT = _0023.PUBLISHED_AT  # a published verdict's publication, else NULL

REFRESH = f"""
    CREATE OR REPLACE FUNCTION claims_search_refresh(ids bigint[]) RETURNS void AS $$
    BEGIN
        IF cardinality(ids) > 0 THEN
            EXECUTE $sql$
            INSERT INTO claims_claimsearch (claim_id, document, published_at)
            SELECT c.id,
                setweight(to_tsvector('english'::regconfig, c.subject), 'A')
                || setweight(to_tsvector('english'::regconfig, coalesce(q.quotes, '')), 'B')
                || setweight(to_tsvector('english'::regconfig, coalesce(q.titles, '')), 'C'),
                {PUBLISHED_AT}
            FROM (SELECT DISTINCT unnest($1) AS id) i
            JOIN claims_claim c ON c.id = i.id
            CROSS JOIN LATERAL (
                SELECT string_agg(a.quote, ' ' ORDER BY a.id) AS quotes,
                    string_agg((SELECT s.title FROM sources_source s WHERE s.id = a.source_id), ' ' ORDER BY a.id)
                    AS titles
                FROM claims_appearance a WHERE a.claim_id = c.id
            ) q
            ON CONFLICT (claim_id) DO UPDATE SET document = EXCLUDED.document, published_at = EXCLUDED.published_at
            $sql$ USING ids;
        END IF;
    END;
    $$ LANGUAGE plpgsql
"""

# The evidence count: the same UPDATE as migration 0010's, planned per call.
COUNT_UPDATE = (
    "UPDATE claims_claim c SET evidence_count = c.evidence_count + d.n FROM ({moves}) d WHERE c.id = d.claim_id"
)
COUNT_MOVES = {
    "claims_evidence_count_added": "SELECT claim_id, count(*) AS n FROM new_rows GROUP BY claim_id",
    "claims_evidence_count_removed": "SELECT claim_id, -count(*) AS n FROM old_rows GROUP BY claim_id",
    "claims_evidence_count_moved": "SELECT claim_id, sum(n) AS n FROM (SELECT claim_id, 1 AS n FROM new_rows "
    "UNION ALL SELECT claim_id, -1 FROM old_rows) moves GROUP BY claim_id HAVING sum(n) <> 0",
}
COUNTS = [
    f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$ BEGIN "
    f"EXECUTE $sql${COUNT_UPDATE.format(moves=moves)}$sql$; RETURN NULL; END; $$ LANGUAGE plpgsql"
    for name, moves in COUNT_MOVES.items()
]

PUBLISHED_AT_OF_NEW = PUBLISHED_AT.replace("c.", "n.")
CLAIMS_CHANGED = f"""
    CREATE OR REPLACE FUNCTION claims_search_claims_changed() RETURNS trigger AS $$
    BEGIN
        PERFORM claims_search_refresh(ARRAY(SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE n.subject IS DISTINCT FROM o.subject));
        EXECUTE $sql$
        UPDATE claims_claimsearch s SET published_at = {PUBLISHED_AT_OF_NEW}
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE s.claim_id = n.id
            AND (n.status IS DISTINCT FROM o.status OR n.published_at IS DISTINCT FROM o.published_at)
            AND s.published_at IS DISTINCT FROM ({PUBLISHED_AT_OF_NEW})
        $sql$;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql
"""

TITLES_CHANGED = """
    CREATE OR REPLACE FUNCTION claims_search_titles_changed() RETURNS trigger AS $$ BEGIN
    EXECUTE $sql$SELECT claims_search_refresh(ARRAY(SELECT DISTINCT a.claim_id FROM claims_appearance a
        JOIN new_rows n ON n.id = a.source_id JOIN old_rows o ON o.id = n.id
        WHERE n.title IS DISTINCT FROM o.title))$sql$;
    RETURN NULL; END; $$ LANGUAGE plpgsql
"""


def _function(sql: list[str], name: str) -> str:
    """The CREATE FUNCTION statement of `name` among a migration's statements."""
    (statement,) = [s for s in sql if s.lstrip().startswith(f"CREATE OR REPLACE FUNCTION {name}(")]
    return statement


BACKWARD = [
    _0023.refresh(PUBLISHED_AT),
    _0023.CHANGED,
    *(_function(_0010.FORWARD, name) for name in (*COUNT_MOVES, "claims_search_titles_changed")),
]


class Migration(migrations.Migration):
    dependencies = [("claims", "0024_list_filter_indexes")]

    operations = [migrations.RunSQL([REFRESH, *COUNTS, CLAIMS_CHANGED, TITLES_CHANGED], BACKWARD)]
