"""Database triggers: an appearance's offsets must point at its quote inside the source's text.

A CHECK constraint can't look at another table, so this rule is a trigger, written for each backend we run on.
"""

from django.db import migrations

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
    CREATE FUNCTION claims_appearance_offsets_in_text() RETURNS trigger AS $$
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
    CREATE FUNCTION sources_source_text_keeps_appearances() RETURNS trigger AS $$
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


def _run(schema_editor, index):
    statements = STATEMENTS.get(schema_editor.connection.vendor)
    if statements is None:
        raise RuntimeError(f"no offset triggers written for the {schema_editor.connection.vendor} backend")
    for sql in statements[index]:
        schema_editor.execute(sql)


def forward(apps, schema_editor):
    _run(schema_editor, 0)


def backward(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial"), ("sources", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
