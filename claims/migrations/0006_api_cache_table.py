"""The API's shared cache table (throttling counters across worker processes, when CACHE_URL names no Redis) and,
GIN indexes over the expressions the API's full-text search uses (claims.filters: to_tsvector over
the claim's subject, the appearance's quote and the source's title)."""

from django.db import migrations

CACHE_TABLE = "api_cache"
INDEXES = [
    ("claims_claim_subject_fts", "claims_claim", "subject"),
    ("claims_appearance_quote_fts", "claims_appearance", "quote"),
    ("sources_source_title_fts", "sources_source", "title"),
]


def create_cache_table(apps, schema_editor):
    connection = schema_editor.connection
    if CACHE_TABLE in connection.introspection.table_names():
        return
    # The table `manage.py createcachetable` makes for a DatabaseCache whose LOCATION is "api_cache".
    qn = schema_editor.quote_name
    schema_editor.execute(
        f"CREATE TABLE {qn(CACHE_TABLE)} ({qn('cache_key')} varchar(255) NOT NULL PRIMARY KEY, "
        f"{qn('value')} text NOT NULL, {qn('expires')} timestamp with time zone NOT NULL)"
    )
    schema_editor.execute(f"CREATE INDEX {qn(CACHE_TABLE + '_expires')} ON {qn(CACHE_TABLE)} ({qn('expires')})")


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(CACHE_TABLE)}")


def create_search_indexes(apps, schema_editor):
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING GIN (to_tsvector('english'::regconfig, COALESCE({column}, '')))"
        )


def drop_search_indexes(apps, schema_editor):
    for name, _, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("claims", "0005_evidence_excerpt_missing"), ("sources", "0002_audit_trail")]
    operations = [
        migrations.RunPython(create_cache_table, drop_cache_table),
        migrations.RunPython(create_search_indexes, drop_search_indexes),
    ]
