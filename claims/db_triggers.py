"""Database triggers: an appearance's offsets must point at its quote inside the source's text.

A CHECK constraint can't look at another table, so this rule is a trigger, written for each backend we run on.
The triggers are (re)installed after every `migrate` (see claims.apps) and taken down before it: SQLite rebuilds
a table to alter it, which would fail on (or silently drop) triggers that name the table.
"""

from django.db import connection as default_connection

MESSAGE = "appearance_offsets_in_text: the quote is not the source text at these offsets"

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
]
SQLITE_BACKWARD = [
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
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS source_text_keeps_appearances ON sources_source",
    "DROP FUNCTION IF EXISTS sources_source_text_keeps_appearances()",
    "DROP TRIGGER IF EXISTS appearance_offsets_in_text ON claims_appearance",
    "DROP FUNCTION IF EXISTS claims_appearance_offsets_in_text()",
]


STATEMENTS = {"sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD), "postgresql": (POSTGRES_FORWARD, POSTGRES_BACKWARD)}
TABLES = ("claims_appearance", "sources_source")


def _tables_exist(connection) -> bool:
    return set(TABLES) <= set(connection.introspection.table_names())


def install_triggers(connection=default_connection) -> None:
    """Create the triggers (replacing any old ones); a no-op until both tables exist."""
    forward, backward = STATEMENTS[connection.vendor]
    if not _tables_exist(connection):
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
