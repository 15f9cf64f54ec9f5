"""ClaimSearch: one full-text document per claim (subject, quotes, source titles) behind one GIN index, kept by the
triggers of migration 0010. It replaces migration 0006's three expression indexes, which made a
search union three index scans and fetch every match before sorting."""

import django.contrib.postgres.search
from django.db import migrations, models

# Every claim's document, written out here (a migration imports no app code).
SEARCH_DOCUMENTS_OF_ALL_CLAIMS = """
INSERT INTO claims_claimsearch (claim_id, document)
SELECT c.id,
    setweight(to_tsvector('english'::regconfig, c.subject), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(q.quotes, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, coalesce(q.titles, '')), 'C')
FROM claims_claim c
LEFT JOIN (
    SELECT a.claim_id, string_agg(a.quote, ' ' ORDER BY a.id) AS quotes,
        string_agg(s.title, ' ' ORDER BY a.id) AS titles
    FROM claims_appearance a JOIN sources_source s ON s.id = a.source_id  GROUP BY a.claim_id
) q ON q.claim_id = c.id

ON CONFLICT (claim_id) DO UPDATE SET document = EXCLUDED.document
"""

OLD_INDEXES = [
    ("claims_claim_subject_fts", "claims_claim", "subject"),
    ("claims_appearance_quote_fts", "claims_appearance", "quote"),
    ("sources_source_title_fts", "sources_source", "title"),
]


def forward(apps, schema_editor):
    # The documents first, then the index (faster than filling an indexed table), then the foreign key (its
    # deferred checks would otherwise be pending when the index is built, which PostgreSQL refuses).
    for sql in (
        SEARCH_DOCUMENTS_OF_ALL_CLAIMS,
        "CREATE INDEX claims_claimsearch_document ON claims_claimsearch USING GIN (document)",
        "ALTER TABLE claims_claimsearch ADD CONSTRAINT claims_claimsearch_claim_fk FOREIGN KEY (claim_id) "
        "REFERENCES claims_claim (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED",
        *(f"DROP INDEX IF EXISTS {name}" for name, _, _ in OLD_INDEXES),
    ):
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    for name, table, column in OLD_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING GIN (to_tsvector('english'::regconfig, COALESCE({column}, '')))"
        )


class Migration(migrations.Migration):
    dependencies = [("claims", "0008_evidence_count")]

    operations = [
        migrations.CreateModel(
            name="ClaimSearch",
            fields=[
                ("claim_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("document", django.contrib.postgres.search.SearchVectorField()),
            ],
            options={"db_table": "claims_claimsearch"},
        ),
        migrations.RunPython(forward, backward),
    ]
