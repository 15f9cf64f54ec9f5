"""A search document carries its claim's publication: `published_at` is the claim's own when the claim is a published
verdict (status verified, false, misleading or unverifiable, published_at set), else NULL, behind a GIN index of the
published documents only. A public search then finds, ranks, orders and counts its matches in the documents alone and
reads the claims' rows for its page only.

Kept by the same triggers as the document (migration 0010): claims_search_refresh writes it with the document, and
an update of a claim's status or publication sets it. The SQL is written out here (a migration imports no app code).
"""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models

VERDICTS = "('verified', 'false', 'misleading', 'unverifiable')"
PUBLISHED_AT = f"CASE WHEN c.status IN {VERDICTS} THEN c.published_at END"


def refresh(published_at: str) -> str:
    """claims_search_refresh, writing published_at as given (NULL before this migration)."""
    return f"""
    CREATE OR REPLACE FUNCTION claims_search_refresh(ids bigint[]) RETURNS void AS $$
        BEGIN
            IF cardinality(ids) > 0 THEN
        INSERT INTO claims_claimsearch (claim_id, document{", published_at" if published_at else ""})
        SELECT c.id,
            setweight(to_tsvector('english'::regconfig, c.subject), 'A')
            || setweight(to_tsvector('english'::regconfig, coalesce(q.quotes, '')), 'B')
            || setweight(to_tsvector('english'::regconfig, coalesce(q.titles, '')), 'C')
            {", " + published_at if published_at else ""}
        FROM claims_claim c
        LEFT JOIN (
            SELECT a.claim_id, string_agg(a.quote, ' ' ORDER BY a.id) AS quotes,
                string_agg(s.title, ' ' ORDER BY a.id) AS titles
            FROM claims_appearance a JOIN sources_source s ON s.id = a.source_id WHERE a.claim_id = ANY(ids) GROUP BY a.claim_id
        ) q ON q.claim_id = c.id
        WHERE c.id = ANY(ids)
        ON CONFLICT (claim_id) DO UPDATE SET document = EXCLUDED.document{
        ", published_at = EXCLUDED.published_at" if published_at else ""
    }
    ;
            END IF;
        END;
        $$ LANGUAGE plpgsql
    """


CHANGED = f"""
    CREATE OR REPLACE FUNCTION claims_search_claims_changed() RETURNS trigger AS $$
    BEGIN
        PERFORM claims_search_refresh(ARRAY(SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE n.subject IS DISTINCT FROM o.subject));
        UPDATE claims_claimsearch s SET published_at = {PUBLISHED_AT.replace("c.", "n.")}
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE s.claim_id = n.id
            AND (n.status IS DISTINCT FROM o.status OR n.published_at IS DISTINCT FROM o.published_at)
            AND s.published_at IS DISTINCT FROM ({PUBLISHED_AT.replace("c.", "n.")});
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql
"""

CHANGED_BEFORE = """
    CREATE OR REPLACE FUNCTION claims_search_claims_changed() RETURNS trigger AS $$ BEGIN PERFORM claims_search_refresh(ARRAY(SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.subject IS DISTINCT FROM o.subject)); RETURN NULL; END; $$ LANGUAGE plpgsql
"""

FILL = f"""
    UPDATE claims_claimsearch s SET published_at = c.published_at FROM claims_claim c
    WHERE c.id = s.claim_id AND c.published_at IS NOT NULL AND c.status IN {VERDICTS}
"""


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0022_claim_search_relation"),
    ]

    operations = [
        migrations.AddField(
            model_name="claimsearch",
            name="published_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.RunSQL(
            [refresh(PUBLISHED_AT), CHANGED, FILL],
            [refresh(""), CHANGED_BEFORE],
        ),
        migrations.AddIndex(
            model_name="claimsearch",
            index=GinIndex(
                condition=models.Q(("published_at__isnull", False)),
                fields=["document"],
                name="claimsearch_published_idx",
            ),
        ),
    ]
