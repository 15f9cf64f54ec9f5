"""The database's triggers, created here once (not on every migrate): an appearance's offsets must point at its quote
inside the source's text, a claim's evidence_count follows its evidence links, and a claim's search document
(claims_claimsearch) follows its subject, its appearances' quotes and their sources' titles.

A CHECK constraint can't look at another table, so the offsets rule is a trigger. The evidence count and the search
documents are kept by the database whichever door a row comes through (admin, API, importer, raw SQL), once per
statement over its transition table, so that a bulk insert of a thousand links updates each claim once.

The SQL is written out here, not imported from the app: a migration must run the same way whatever the code
becomes. A later change to a trigger is a new migration with the new text (CREATE OR REPLACE FUNCTION).
Databases on which an earlier version installed these triggers after every migrate get them replaced once (DROP
TRIGGER IF EXISTS before each CREATE TRIGGER). `manage.py repair_claim_data` recounts evidence and rebuilds the
search documents, for repairs.
"""

from django.db import migrations, models

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION claims_appearance_offsets_in_text() RETURNS trigger AS $$
    BEGIN
        IF NEW.start_offset IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM sources_source s WHERE s.id = NEW.source_id
            AND substr(s.text, NEW.start_offset + 1, NEW.end_offset - NEW.start_offset) = NEW.quote)
        THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = 'appearance_offsets_in_text: the quote is not the source text at these offsets';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,
    'DROP TRIGGER IF EXISTS appearance_offsets_in_text ON claims_appearance',
    """
    CREATE TRIGGER appearance_offsets_in_text
    BEFORE INSERT OR UPDATE OF start_offset, end_offset, quote, source_id ON claims_appearance
    FOR EACH ROW EXECUTE FUNCTION claims_appearance_offsets_in_text()
    """,
    """
    CREATE OR REPLACE FUNCTION sources_source_text_keeps_appearances() RETURNS trigger AS $$
    BEGIN
        IF EXISTS (
            SELECT 1 FROM claims_appearance a WHERE a.source_id = NEW.id AND a.start_offset IS NOT NULL
            AND substr(NEW.text, a.start_offset + 1, a.end_offset - a.start_offset) <> a.quote)
        THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = 'appearance_offsets_in_text: the quote is not the source text at these offsets';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,
    'DROP TRIGGER IF EXISTS source_text_keeps_appearances ON sources_source',
    """
    CREATE TRIGGER source_text_keeps_appearances BEFORE UPDATE OF text ON sources_source
    FOR EACH ROW WHEN (OLD.text IS DISTINCT FROM NEW.text)
    EXECUTE FUNCTION sources_source_text_keeps_appearances()
    """,
    """
    CREATE OR REPLACE FUNCTION claims_search_refresh(ids bigint[]) RETURNS void AS $$
        BEGIN
            IF cardinality(ids) > 0 THEN

        INSERT INTO claims_claimsearch (claim_id, document)
        SELECT c.id,
            setweight(to_tsvector('english'::regconfig, c.subject), 'A')
            || setweight(to_tsvector('english'::regconfig, coalesce(q.quotes, '')), 'B')
            || setweight(to_tsvector('english'::regconfig, coalesce(q.titles, '')), 'C')
        FROM claims_claim c
        LEFT JOIN (
            SELECT a.claim_id, string_agg(a.quote, ' ' ORDER BY a.id) AS quotes,
                string_agg(s.title, ' ' ORDER BY a.id) AS titles
            FROM claims_appearance a JOIN sources_source s ON s.id = a.source_id WHERE a.claim_id = ANY(ids) GROUP BY a.claim_id
        ) q ON q.claim_id = c.id
        WHERE c.id = ANY(ids)
        ON CONFLICT (claim_id) DO UPDATE SET document = EXCLUDED.document
    ;
            END IF;
        END;
        $$ LANGUAGE plpgsql
    """,
    """
    CREATE OR REPLACE FUNCTION claims_evidence_count_added() RETURNS trigger AS $$ BEGIN UPDATE claims_claim c SET evidence_count = c.evidence_count + d.n FROM (SELECT claim_id, count(*) AS n FROM new_rows GROUP BY claim_id) d WHERE c.id = d.claim_id; RETURN NULL; END; $$ LANGUAGE plpgsql
    """,
    'DROP TRIGGER IF EXISTS claim_evidence_count_insert ON claims_evidence',
    """
    CREATE TRIGGER claim_evidence_count_insert AFTER INSERT ON claims_evidence REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION claims_evidence_count_added()
    """,
    """
    CREATE OR REPLACE FUNCTION claims_evidence_count_removed() RETURNS trigger AS $$ BEGIN UPDATE claims_claim c SET evidence_count = c.evidence_count + d.n FROM (SELECT claim_id, -count(*) AS n FROM old_rows GROUP BY claim_id) d WHERE c.id = d.claim_id; RETURN NULL; END; $$ LANGUAGE plpgsql
    """,
    'DROP TRIGGER IF EXISTS claim_evidence_count_delete ON claims_evidence',
    """
    CREATE TRIGGER claim_evidence_count_delete AFTER DELETE ON claims_evidence REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION claims_evidence_count_removed()
    """,
    """
    CREATE OR REPLACE FUNCTION claims_evidence_count_moved() RETURNS trigger AS $$ BEGIN UPDATE claims_claim c SET evidence_count = c.evidence_count + d.n FROM (SELECT claim_id, sum(n) AS n FROM (SELECT claim_id, 1 AS n FROM new_rows UNION ALL SELECT claim_id, -1 FROM old_rows) moves GROUP BY claim_id HAVING sum(n) <> 0) d WHERE c.id = d.claim_id; RETURN NULL; END; $$ LANGUAGE plpgsql
    """,
    'DROP TRIGGER IF EXISTS claim_evidence_count_update ON claims_evidence',
    """
    CREATE TRIGGER claim_evidence_count_update AFTER UPDATE ON claims_evidence REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION claims_evidence_count_moved()
    """,
    """
    CREATE OR REPLACE FUNCTION claims_search_claims_added() RETURNS trigger AS $$ BEGIN PERFORM claims_search_refresh(ARRAY(SELECT id FROM new_rows)); RETURN NULL; END; $$ LANGUAGE plpgsql
    """,
    'DROP TRIGGER IF EXISTS claim_search_insert ON claims_claim',
    """
    CREATE TRIGGER claim_search_insert AFTER INSERT ON claims_claim REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION claims_search_claims_added()
    """,
    """
    CREATE OR REPLACE FUNCTION claims_search_claims_changed() RETURNS trigger AS $$ BEGIN PERFORM claims_search_refresh(ARRAY(SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.subject IS DISTINCT FROM o.subject)); RETURN NULL; END; $$ LANGUAGE plpgsql
    """,
    'DROP TRIGGER IF EXISTS claim_search_update ON claims_claim',
    """
    CREATE TRIGGER claim_search_update AFTER UPDATE ON claims_claim REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION claims_search_claims_changed()
    """,
    """
    CREATE OR REPLACE FUNCTION claims_search_appearances_added() RETURNS trigger AS $$ BEGIN PERFORM claims_search_refresh(ARRAY(SELECT DISTINCT claim_id FROM new_rows)); RETURN NULL; END; $$ LANGUAGE plpgsql
    """,
    'DROP TRIGGER IF EXISTS appearance_search_insert ON claims_appearance',
    """
    CREATE TRIGGER appearance_search_insert AFTER INSERT ON claims_appearance REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION claims_search_appearances_added()
    """,
    """
    CREATE OR REPLACE FUNCTION claims_search_appearances_removed() RETURNS trigger AS $$ BEGIN PERFORM claims_search_refresh(ARRAY(SELECT DISTINCT claim_id FROM old_rows)); RETURN NULL; END; $$ LANGUAGE plpgsql
    """,
    'DROP TRIGGER IF EXISTS appearance_search_delete ON claims_appearance',
    """
    CREATE TRIGGER appearance_search_delete AFTER DELETE ON claims_appearance REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION claims_search_appearances_removed()
    """,
    """
    CREATE OR REPLACE FUNCTION claims_search_appearances_changed() RETURNS trigger AS $$ BEGIN PERFORM claims_search_refresh(ARRAY(SELECT claim_id FROM new_rows UNION SELECT claim_id FROM old_rows)); RETURN NULL; END; $$ LANGUAGE plpgsql
    """,
    'DROP TRIGGER IF EXISTS appearance_search_update ON claims_appearance',
    """
    CREATE TRIGGER appearance_search_update AFTER UPDATE ON claims_appearance REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION claims_search_appearances_changed()
    """,
    """
    CREATE OR REPLACE FUNCTION claims_search_titles_changed() RETURNS trigger AS $$ BEGIN PERFORM claims_search_refresh(ARRAY(SELECT DISTINCT a.claim_id FROM claims_appearance a JOIN new_rows n ON n.id = a.source_id JOIN old_rows o ON o.id = n.id WHERE n.title IS DISTINCT FROM o.title)); RETURN NULL; END; $$ LANGUAGE plpgsql
    """,
    'DROP TRIGGER IF EXISTS source_search_update ON sources_source',
    """
    CREATE TRIGGER source_search_update AFTER UPDATE ON sources_source REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION claims_search_titles_changed()
    """,
]

BACKWARD = [
    'DROP TRIGGER IF EXISTS claim_evidence_count_insert ON claims_evidence',
    'DROP TRIGGER IF EXISTS claim_evidence_count_delete ON claims_evidence',
    'DROP TRIGGER IF EXISTS claim_evidence_count_update ON claims_evidence',
    'DROP TRIGGER IF EXISTS claim_search_insert ON claims_claim',
    'DROP TRIGGER IF EXISTS claim_search_update ON claims_claim',
    'DROP TRIGGER IF EXISTS appearance_search_insert ON claims_appearance',
    'DROP TRIGGER IF EXISTS appearance_search_delete ON claims_appearance',
    'DROP TRIGGER IF EXISTS appearance_search_update ON claims_appearance',
    'DROP TRIGGER IF EXISTS source_search_update ON sources_source',
    'DROP FUNCTION IF EXISTS claims_evidence_count_added()',
    'DROP FUNCTION IF EXISTS claims_evidence_count_removed()',
    'DROP FUNCTION IF EXISTS claims_evidence_count_moved()',
    'DROP FUNCTION IF EXISTS claims_search_claims_added()',
    'DROP FUNCTION IF EXISTS claims_search_claims_changed()',
    'DROP FUNCTION IF EXISTS claims_search_appearances_added()',
    'DROP FUNCTION IF EXISTS claims_search_appearances_removed()',
    'DROP FUNCTION IF EXISTS claims_search_appearances_changed()',
    'DROP FUNCTION IF EXISTS claims_search_titles_changed()',
    'DROP FUNCTION IF EXISTS claims_search_refresh(bigint[])',
    'DROP TRIGGER IF EXISTS source_text_keeps_appearances ON sources_source',
    'DROP FUNCTION IF EXISTS sources_source_text_keeps_appearances()',
    'DROP TRIGGER IF EXISTS appearance_offsets_in_text ON claims_appearance',
    'DROP FUNCTION IF EXISTS claims_appearance_offsets_in_text()',
]


class Migration(migrations.Migration):
    dependencies = [("claims", "0009_claim_search_document"), ("sources", "0003_source_checks")]

    operations = [
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.AlterField(
            model_name="claim",
            name="evidence_count",
            field=models.PositiveIntegerField(
                default=0, editable=False, help_text="Evidence links; kept by database triggers (migration claims 0010)."
            ),
        ),
    ]
