"""Database triggers: an appearance's offsets must point at its quote inside the source's text, a claim's
evidence_count follows its evidence links, and (PostgreSQL) a claim's search document follows its subject, its
appearances' quotes and their sources' titles.

A CHECK constraint can't look at another table, so the offsets rule is a trigger, written for each backend we run on.
The evidence count is kept by the database whichever door evidence comes through (admin, API, importer, raw SQL):
row by row on SQLite; on PostgreSQL once per statement over its transition table, so that a bulk insert of a
thousand links updates each claim once.
The triggers are (re)installed after every `migrate` (see claims.apps) and taken down before it: SQLite rebuilds
a table to alter it, which would fail on (or silently drop) triggers that name the table.
"""

from django.db import connection as default_connection

MESSAGE = "appearance_offsets_in_text: the quote is not the source text at these offsets"

# The search document of a claim (claims.models.ClaimSearch): subject A, quotes B, source titles C, English stemming
# as claims.filters.SEARCH_CONFIG; upserted for every claim, or (in the trigger function) for the claims in `ids`.
_DOCUMENT = """
    INSERT INTO claims_claimsearch (claim_id, document)
    SELECT c.id,
        setweight(to_tsvector('english'::regconfig, c.subject), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(q.quotes, '')), 'B')
        || setweight(to_tsvector('english'::regconfig, coalesce(q.titles, '')), 'C')
    FROM claims_claim c
    LEFT JOIN (
        SELECT a.claim_id, string_agg(a.quote, ' ' ORDER BY a.id) AS quotes,
            string_agg(s.title, ' ' ORDER BY a.id) AS titles
        FROM claims_appearance a JOIN sources_source s ON s.id = a.source_id {appearances} GROUP BY a.claim_id
    ) q ON q.claim_id = c.id
    {claims}
    ON CONFLICT (claim_id) DO UPDATE SET document = EXCLUDED.document
"""
SEARCH_DOCUMENTS_OF_ALL_CLAIMS = _DOCUMENT.format(appearances="", claims="")

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER appearance_offsets_in_text_insert BEFORE INSERT ON claims_appearance
    WHEN NEW.start_offset IS NOT NULL
    BEGIN
        SELECT RAISE(ABORT, '{MESSAGE}') WHERE NOT EXISTS (
            SELECT 1 FROM sources_source s WHERE s.id = NEW.source_id
            AND substr(s.text, NEW.start_offset + 1, NEW.end_offset - NEW.start_offset) = NEW.quote);
    END
    """,
    f"""
    CREATE TRIGGER appearance_offsets_in_text_update
    BEFORE UPDATE OF start_offset, end_offset, quote, source_id ON claims_appearance
    WHEN NEW.start_offset IS NOT NULL
    BEGIN
        SELECT RAISE(ABORT, '{MESSAGE}') WHERE NOT EXISTS (
            SELECT 1 FROM sources_source s WHERE s.id = NEW.source_id
            AND substr(s.text, NEW.start_offset + 1, NEW.end_offset - NEW.start_offset) = NEW.quote);
    END
    """,
    f"""
    CREATE TRIGGER source_text_keeps_appearances BEFORE UPDATE OF text ON sources_source
    BEGIN
        SELECT RAISE(ABORT, '{MESSAGE}') WHERE EXISTS (
            SELECT 1 FROM claims_appearance a WHERE a.source_id = NEW.id AND a.start_offset IS NOT NULL
            AND substr(NEW.text, a.start_offset + 1, a.end_offset - a.start_offset) <> a.quote);
    END
    """,
    """
    CREATE TRIGGER claim_evidence_count_insert AFTER INSERT ON claims_evidence
    BEGIN
        UPDATE claims_claim SET evidence_count = evidence_count + 1 WHERE id = NEW.claim_id;
    END
    """,
    """
    CREATE TRIGGER claim_evidence_count_delete AFTER DELETE ON claims_evidence
    BEGIN
        UPDATE claims_claim SET evidence_count = evidence_count - 1 WHERE id = OLD.claim_id;
    END
    """,
    """
    CREATE TRIGGER claim_evidence_count_update AFTER UPDATE OF claim_id ON claims_evidence
    WHEN OLD.claim_id <> NEW.claim_id
    BEGIN
        UPDATE claims_claim SET evidence_count = evidence_count - 1 WHERE id = OLD.claim_id;
        UPDATE claims_claim SET evidence_count = evidence_count + 1 WHERE id = NEW.claim_id;
    END
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS claim_evidence_count_insert",
    "DROP TRIGGER IF EXISTS claim_evidence_count_delete",
    "DROP TRIGGER IF EXISTS claim_evidence_count_update",
    "DROP TRIGGER IF EXISTS appearance_offsets_in_text_insert",
    "DROP TRIGGER IF EXISTS appearance_offsets_in_text_update",
    "DROP TRIGGER IF EXISTS source_text_keeps_appearances",
]

POSTGRES_FORWARD = [
    f"""
    CREATE OR REPLACE FUNCTION claims_appearance_offsets_in_text() RETURNS trigger AS $$
    BEGIN
        IF NEW.start_offset IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM sources_source s WHERE s.id = NEW.source_id
            AND substr(s.text, NEW.start_offset + 1, NEW.end_offset - NEW.start_offset) = NEW.quote)
        THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = '{MESSAGE}';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER appearance_offsets_in_text
    BEFORE INSERT OR UPDATE OF start_offset, end_offset, quote, source_id ON claims_appearance
    FOR EACH ROW EXECUTE FUNCTION claims_appearance_offsets_in_text()
    """,
    f"""
    CREATE OR REPLACE FUNCTION sources_source_text_keeps_appearances() RETURNS trigger AS $$
    BEGIN
        IF EXISTS (
            SELECT 1 FROM claims_appearance a WHERE a.source_id = NEW.id AND a.start_offset IS NOT NULL
            AND substr(NEW.text, a.start_offset + 1, a.end_offset - a.start_offset) <> a.quote)
        THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = '{MESSAGE}';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER source_text_keeps_appearances BEFORE UPDATE OF text ON sources_source
    FOR EACH ROW WHEN (OLD.text IS DISTINCT FROM NEW.text)
    EXECUTE FUNCTION sources_source_text_keeps_appearances()
    """,
    # The search document: recomputed for the claims a statement touched (the triggers below), whatever wrote it.
    f"""
    CREATE OR REPLACE FUNCTION claims_search_refresh(ids bigint[]) RETURNS void AS $$
    BEGIN
        IF cardinality(ids) > 0 THEN
            {_DOCUMENT.format(appearances="WHERE a.claim_id = ANY(ids)", claims="WHERE c.id = ANY(ids)")};
        END IF;
    END;
    $$ LANGUAGE plpgsql
    """,
]

# Statement-level triggers over transition tables (new_rows / old_rows), one function each: a bulk write of a
# thousand rows runs each once. PostgreSQL allows no column list on such triggers, so an update trigger runs for
# every UPDATE of its table and changes only what moved.
_COUNT_BY = (
    "UPDATE claims_claim c SET evidence_count = c.evidence_count + d.n FROM ({deltas}) d WHERE c.id = d.claim_id"
)
_REFRESH = "PERFORM claims_search_refresh(ARRAY({ids}))"
STATEMENT_TRIGGERS = [  # (trigger, table, event, function, body)
    ("claim_evidence_count_insert", "claims_evidence", "INSERT", "claims_evidence_count_added",
     _COUNT_BY.format(deltas="SELECT claim_id, count(*) AS n FROM new_rows GROUP BY claim_id")),
    ("claim_evidence_count_delete", "claims_evidence", "DELETE", "claims_evidence_count_removed",
     _COUNT_BY.format(deltas="SELECT claim_id, -count(*) AS n FROM old_rows GROUP BY claim_id")),
    ("claim_evidence_count_update", "claims_evidence", "UPDATE", "claims_evidence_count_moved",
     _COUNT_BY.format(deltas="SELECT claim_id, sum(n) AS n FROM (SELECT claim_id, 1 AS n FROM new_rows UNION ALL "
                             "SELECT claim_id, -1 FROM old_rows) moves GROUP BY claim_id HAVING sum(n) <> 0")),
    ("claim_search_insert", "claims_claim", "INSERT", "claims_search_claims_added",
     _REFRESH.format(ids="SELECT id FROM new_rows")),
    ("claim_search_update", "claims_claim", "UPDATE", "claims_search_claims_changed",
     _REFRESH.format(ids="SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id "
                         "WHERE n.subject IS DISTINCT FROM o.subject")),
    ("appearance_search_insert", "claims_appearance", "INSERT", "claims_search_appearances_added",
     _REFRESH.format(ids="SELECT DISTINCT claim_id FROM new_rows")),
    ("appearance_search_delete", "claims_appearance", "DELETE", "claims_search_appearances_removed",
     _REFRESH.format(ids="SELECT DISTINCT claim_id FROM old_rows")),
    ("appearance_search_update", "claims_appearance", "UPDATE", "claims_search_appearances_changed",
     _REFRESH.format(ids="SELECT claim_id FROM new_rows UNION SELECT claim_id FROM old_rows")),
    ("source_search_update", "sources_source", "UPDATE", "claims_search_titles_changed",
     _REFRESH.format(ids="SELECT DISTINCT a.claim_id FROM claims_appearance a JOIN new_rows n ON n.id = a.source_id "
                         "JOIN old_rows o ON o.id = n.id WHERE n.title IS DISTINCT FROM o.title")),
]  # fmt: skip
_TRANSITION_TABLES = {
    "INSERT": "NEW TABLE AS new_rows",
    "DELETE": "OLD TABLE AS old_rows",
    "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
}
POSTGRES_FORWARD += [
    sql
    for trigger, table, event, function, body in STATEMENT_TRIGGERS
    for sql in (
        f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$ BEGIN {body}; RETURN NULL; END; $$ "
        "LANGUAGE plpgsql",
        f"CREATE TRIGGER {trigger} AFTER {event} ON {table} REFERENCING {_TRANSITION_TABLES[event]} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
    )
]
POSTGRES_BACKWARD = [
    *(f"DROP TRIGGER IF EXISTS {trigger} ON {table}" for trigger, table, _, _, _ in STATEMENT_TRIGGERS),
    *(f"DROP FUNCTION IF EXISTS {function}()" for _, _, _, function, _ in STATEMENT_TRIGGERS),
    "DROP FUNCTION IF EXISTS claims_search_refresh(bigint[])",
    "DROP TRIGGER IF EXISTS source_text_keeps_appearances ON sources_source",
    "DROP FUNCTION IF EXISTS sources_source_text_keeps_appearances()",
    "DROP TRIGGER IF EXISTS appearance_offsets_in_text ON claims_appearance",
    "DROP FUNCTION IF EXISTS claims_appearance_offsets_in_text()",
]


STATEMENTS = {"sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD), "postgresql": (POSTGRES_FORWARD, POSTGRES_BACKWARD)}
TABLES = ("claims_appearance", "claims_claim", "claims_evidence", "sources_source")
POSTGRES_TABLES = (*TABLES, "claims_claimsearch")


def _tables_exist(connection, tables=TABLES) -> bool:
    return set(tables) <= set(connection.introspection.table_names())


def install_triggers(connection=default_connection) -> None:
    """Create the triggers (replacing any old ones); a no-op until every table they name exists."""
    forward, backward = STATEMENTS[connection.vendor]
    if not _tables_exist(connection, POSTGRES_TABLES if connection.vendor == "postgresql" else TABLES):
        return
    with connection.cursor() as cursor:
        for sql in [*backward, *forward]:
            cursor.execute(sql)


def remove_triggers(connection=default_connection) -> None:
    _, backward = STATEMENTS[connection.vendor]
    if not _tables_exist(connection):
        return
    with connection.cursor() as cursor:
        for sql in backward:
            cursor.execute(sql)
