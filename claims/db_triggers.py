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
    # Statement-level with transition tables: PostgreSQL allows no column list on those, so the update trigger
    # runs for every UPDATE of evidence and changes only the claims whose count moved.
    """
    CREATE OR REPLACE FUNCTION claims_evidence_count_added() RETURNS trigger AS $$
    BEGIN
        UPDATE claims_claim c SET evidence_count = c.evidence_count + d.n
        FROM (SELECT claim_id, count(*) AS n FROM new_rows GROUP BY claim_id) d WHERE c.id = d.claim_id;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE OR REPLACE FUNCTION claims_evidence_count_removed() RETURNS trigger AS $$
    BEGIN
        UPDATE claims_claim c SET evidence_count = c.evidence_count - d.n
        FROM (SELECT claim_id, count(*) AS n FROM old_rows GROUP BY claim_id) d WHERE c.id = d.claim_id;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE OR REPLACE FUNCTION claims_evidence_count_moved() RETURNS trigger AS $$
    BEGIN
        UPDATE claims_claim c SET evidence_count = c.evidence_count + d.n
        FROM (
            SELECT claim_id, sum(n) AS n FROM (
                SELECT claim_id, 1 AS n FROM new_rows UNION ALL SELECT claim_id, -1 FROM old_rows
            ) moves GROUP BY claim_id HAVING sum(n) <> 0
        ) d WHERE c.id = d.claim_id;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER claim_evidence_count_insert AFTER INSERT ON claims_evidence
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION claims_evidence_count_added()
    """,
    """
    CREATE TRIGGER claim_evidence_count_delete AFTER DELETE ON claims_evidence
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION claims_evidence_count_removed()
    """,
    """
    CREATE TRIGGER claim_evidence_count_update AFTER UPDATE ON claims_evidence
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION claims_evidence_count_moved()
    """,
    # The search document: recomputed for the claims a statement touched, whatever wrote it.
    f"""
    CREATE OR REPLACE FUNCTION claims_search_refresh(ids bigint[]) RETURNS void AS $$
    BEGIN
        IF cardinality(ids) > 0 THEN
            {_DOCUMENT.format(appearances="WHERE a.claim_id = ANY(ids)", claims="WHERE c.id = ANY(ids)")};
        END IF;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE OR REPLACE FUNCTION claims_search_claims_added() RETURNS trigger AS $$
    BEGIN
        PERFORM claims_search_refresh(ARRAY(SELECT id FROM new_rows));
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE OR REPLACE FUNCTION claims_search_claims_changed() RETURNS trigger AS $$
    BEGIN
        PERFORM claims_search_refresh(ARRAY(
            SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.subject IS DISTINCT FROM o.subject));
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE OR REPLACE FUNCTION claims_search_appearances_added() RETURNS trigger AS $$
    BEGIN
        PERFORM claims_search_refresh(ARRAY(SELECT DISTINCT claim_id FROM new_rows));
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE OR REPLACE FUNCTION claims_search_appearances_removed() RETURNS trigger AS $$
    BEGIN
        PERFORM claims_search_refresh(ARRAY(SELECT DISTINCT claim_id FROM old_rows));
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE OR REPLACE FUNCTION claims_search_appearances_changed() RETURNS trigger AS $$
    BEGIN
        PERFORM claims_search_refresh(ARRAY(
            SELECT claim_id FROM new_rows UNION SELECT claim_id FROM old_rows));
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE OR REPLACE FUNCTION claims_search_titles_changed() RETURNS trigger AS $$
    BEGIN
        PERFORM claims_search_refresh(ARRAY(
            SELECT DISTINCT a.claim_id FROM claims_appearance a
            JOIN new_rows n ON n.id = a.source_id JOIN old_rows o ON o.id = n.id
            WHERE n.title IS DISTINCT FROM o.title));
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER claim_search_insert AFTER INSERT ON claims_claim
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION claims_search_claims_added()
    """,
    """
    CREATE TRIGGER claim_search_update AFTER UPDATE ON claims_claim
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION claims_search_claims_changed()
    """,
    """
    CREATE TRIGGER appearance_search_insert AFTER INSERT ON claims_appearance
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION claims_search_appearances_added()
    """,
    """
    CREATE TRIGGER appearance_search_delete AFTER DELETE ON claims_appearance
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION claims_search_appearances_removed()
    """,
    """
    CREATE TRIGGER appearance_search_update AFTER UPDATE ON claims_appearance
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION claims_search_appearances_changed()
    """,
    """
    CREATE TRIGGER source_search_update AFTER UPDATE ON sources_source
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION claims_search_titles_changed()
    """,
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS claim_search_insert ON claims_claim",
    "DROP TRIGGER IF EXISTS claim_search_update ON claims_claim",
    "DROP TRIGGER IF EXISTS appearance_search_insert ON claims_appearance",
    "DROP TRIGGER IF EXISTS appearance_search_delete ON claims_appearance",
    "DROP TRIGGER IF EXISTS appearance_search_update ON claims_appearance",
    "DROP TRIGGER IF EXISTS source_search_update ON sources_source",
    "DROP FUNCTION IF EXISTS claims_search_claims_added()",
    "DROP FUNCTION IF EXISTS claims_search_claims_changed()",
    "DROP FUNCTION IF EXISTS claims_search_appearances_added()",
    "DROP FUNCTION IF EXISTS claims_search_appearances_removed()",
    "DROP FUNCTION IF EXISTS claims_search_appearances_changed()",
    "DROP FUNCTION IF EXISTS claims_search_titles_changed()",
    "DROP FUNCTION IF EXISTS claims_search_refresh(bigint[])",
    "DROP TRIGGER IF EXISTS claim_evidence_count_insert ON claims_evidence",
    "DROP TRIGGER IF EXISTS claim_evidence_count_delete ON claims_evidence",
    "DROP TRIGGER IF EXISTS claim_evidence_count_update ON claims_evidence",
    "DROP FUNCTION IF EXISTS claims_evidence_count_added()",
    "DROP FUNCTION IF EXISTS claims_evidence_count_removed()",
    "DROP FUNCTION IF EXISTS claims_evidence_count_moved()",
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
