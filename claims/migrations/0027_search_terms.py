"""Held rankings of frequent words: a search for one frequent word alone reads its first pages off an index.

Ranking a common word at a million claims reads every one of its tens of thousands of documents for its rank
(ts_rank) and sorts them: 40-140 ms for one page. A word's rank in a document depends on that document alone, so
the best matches of the frequent words (claims_searchterm, chosen by `manage.py refresh_search_terms`) are kept with
their ranks (claims_searchtermmatch): for each word and order, every document that ranks at or above the cut (the
last match held), behind an index in that order.

The cut is the rule, and it lives here alone: a document is held for an order when its key in that order (rank,
then newest claim; for the public pages rank, newest publication, newest claim) is at or above the cut's.
claims_search_term_cut ranks a word's matches, sets its cuts and holds its matches with the documents locked
against writes (SHARE), so that no write falls between the ranking and the holding. The triggers on the documents
hold or drop each written document by the same rule, whichever change rewrote it (migration 0010's triggers write
the documents), so the held matches stay exactly the top of each word's ranking and a page inside them is the
ranking's own page. A held match is deleted with its document (ON DELETE CASCADE).
"""

import django.db.models.deletion
from django.db import migrations, models

# A ranked match `r` (claim_id, published_at, score) of term `t` is held for an order when its key is at or above the
# order's cut; a NULL cut holds nothing.
STAFF = "coalesce((r.score, r.claim_id) >= (t.staff_score, t.staff_claim_id), false)"
PUBLIC = (
    "coalesce(r.published_at IS NOT NULL AND (r.score, r.published_at, r.claim_id) "
    ">= (t.public_score, t.public_published_at, t.public_claim_id), false)"
)

FOREIGN_KEY = (
    "ALTER TABLE claims_searchtermmatch ADD CONSTRAINT claims_searchtermmatch_claim_fk FOREIGN KEY (claim_id) "
    "REFERENCES claims_claimsearch (claim_id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED"
)

# `word` is a lexeme of the documents without a backslash (quote_literal then writes it as tsquery reads it).
CUT = f"""
    CREATE OR REPLACE FUNCTION claims_search_term_cut(word text, held integer) RETURNS integer AS $$
    DECLARE
        q tsquery;
        term bigint;
        matched integer;
    BEGIN
        IF strpos(word, chr(92)) > 0 THEN
            RAISE EXCEPTION 'search term % has a backslash', word;
        END IF;
        q := quote_literal(word)::tsquery;
        LOCK TABLE claims_claimsearch IN SHARE MODE;
        DROP TABLE IF EXISTS pg_temp.claims_ranked;
        CREATE TEMP TABLE claims_ranked ON COMMIT DROP AS
            SELECT claim_id, published_at, ts_rank(document, q)::float8 AS score
            FROM claims_claimsearch WHERE document @@ q;
        SELECT count(*) INTO matched FROM claims_ranked;
        INSERT INTO claims_searchterm AS t (lexeme, query, staff_score, staff_claim_id, public_score,
            public_published_at, public_claim_id, documents, published, refreshed_at)
        SELECT word, q::text, s.score, s.claim_id, p.score, p.published_at, p.claim_id, matched,
            (SELECT count(*) FROM claims_ranked WHERE published_at IS NOT NULL), now()
        FROM (SELECT 1) one
        LEFT JOIN LATERAL (SELECT score, claim_id FROM claims_ranked
            ORDER BY score DESC, claim_id DESC OFFSET held - 1 LIMIT 1) s ON true
        LEFT JOIN LATERAL (SELECT score, published_at, claim_id FROM claims_ranked WHERE published_at IS NOT NULL
            ORDER BY score DESC, published_at DESC, claim_id DESC OFFSET held - 1 LIMIT 1) p ON true
        ON CONFLICT (lexeme) DO UPDATE SET query = EXCLUDED.query, staff_score = EXCLUDED.staff_score,
            staff_claim_id = EXCLUDED.staff_claim_id, public_score = EXCLUDED.public_score,
            public_published_at = EXCLUDED.public_published_at, public_claim_id = EXCLUDED.public_claim_id,
            documents = EXCLUDED.documents, published = EXCLUDED.published, refreshed_at = EXCLUDED.refreshed_at
        RETURNING t.id INTO term;
        DELETE FROM claims_searchtermcount WHERE term_id = term;
        DELETE FROM claims_searchtermmatch WHERE term_id = term;
        INSERT INTO claims_searchtermmatch (term_id, claim_id, score, published_at, staff, public)
        SELECT t.id, r.claim_id, r.score, r.published_at, {STAFF}, {PUBLIC}
        FROM claims_ranked r CROSS JOIN claims_searchterm t
        WHERE t.id = term AND ({STAFF} OR {PUBLIC});
        DROP TABLE claims_ranked;
        RETURN matched;
    END;
    $$ LANGUAGE plpgsql
"""

# The documents a statement wrote (new_rows) are held or dropped for every term by the same rule; the documents it
# wrote and those it replaced or deleted (old_rows), as +1 and -1, change the counts of the terms they hold.
HOLD = f"""
    EXECUTE $sql$DELETE FROM claims_searchtermmatch m USING new_rows n WHERE m.claim_id = n.claim_id$sql$;
    EXECUTE $sql$
    INSERT INTO claims_searchtermmatch (term_id, claim_id, score, published_at, staff, public)
    SELECT t.id, r.claim_id, r.score, r.published_at, {STAFF}, {PUBLIC}
    FROM new_rows n
    JOIN claims_searchterm t ON t.lexeme = ANY (tsvector_to_array(n.document))
    CROSS JOIN LATERAL (SELECT n.claim_id, n.published_at,
        ts_rank(n.document, t.query::tsquery)::float8 AS score) r
    WHERE {STAFF} OR {PUBLIC}
    $sql$;
"""
COUNT = """
    EXECUTE $sql$
    INSERT INTO claims_searchtermcount (term_id, documents, published)
    SELECT t.id, sum(c.sign), coalesce(sum(c.sign) FILTER (WHERE c.published_at IS NOT NULL), 0)
    FROM ({changes}) c
    JOIN claims_searchterm t ON t.lexeme = ANY (tsvector_to_array(c.document))
    GROUP BY t.id
    HAVING sum(c.sign) <> 0 OR coalesce(sum(c.sign) FILTER (WHERE c.published_at IS NOT NULL), 0) <> 0
    $sql$;
"""
NEW, OLD = "SELECT document, published_at, 1 AS sign FROM new_rows", "SELECT document, published_at, -1 AS sign FROM old_rows"
CHANGES = {"INSERT": NEW, "UPDATE": f"{NEW} UNION ALL {OLD}", "DELETE": OLD}
HELD = f"""
    CREATE OR REPLACE FUNCTION claims_search_terms_held() RETURNS trigger AS $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM claims_searchterm) THEN
            RETURN NULL;
        END IF;
        IF TG_OP = 'INSERT' THEN
            {HOLD}
            {COUNT.format(changes=CHANGES["INSERT"])}
        ELSIF TG_OP = 'UPDATE' THEN
            {HOLD}
            {COUNT.format(changes=CHANGES["UPDATE"])}
        ELSE
            {COUNT.format(changes=CHANGES["DELETE"])}
        END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql
"""

TABLES = {"INSERT": "NEW TABLE AS new_rows", "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
          "DELETE": "OLD TABLE AS old_rows"}  # fmt: skip
TRIGGERS = [
    f"CREATE TRIGGER claim_search_terms_{event.lower()} AFTER {event} ON claims_claimsearch "
    f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION claims_search_terms_held()"
    for event, tables in TABLES.items()
]
BACKWARD = [
    *(f"DROP TRIGGER IF EXISTS claim_search_terms_{event.lower()} ON claims_claimsearch" for event in TABLES),
    "DROP FUNCTION IF EXISTS claims_search_terms_held()",
    "DROP FUNCTION IF EXISTS claims_search_term_cut(text, integer)",
    "ALTER TABLE claims_searchtermmatch DROP CONSTRAINT IF EXISTS claims_searchtermmatch_claim_fk",
]


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0026_descending_figure_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchTerm",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "lexeme",
                    models.TextField(help_text="The word as the search documents hold it (stemmed).", unique=True),
                ),
                ("query", models.TextField(unique=True)),
                ("staff_score", models.FloatField(null=True)),
                ("staff_claim_id", models.BigIntegerField(null=True)),
                ("public_score", models.FloatField(null=True)),
                ("public_published_at", models.DateTimeField(null=True)),
                ("public_claim_id", models.BigIntegerField(null=True)),
                ("documents", models.PositiveIntegerField()),
                ("published", models.PositiveIntegerField()),
                ("refreshed_at", models.DateTimeField()),
            ],
            options={
                "db_table": "claims_searchterm",
            },
        ),
        migrations.CreateModel(
            name="SearchTermCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("documents", models.IntegerField()),
                ("published", models.IntegerField()),
                (
                    "term",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="counts", to="claims.searchterm"
                    ),
                ),
            ],
            options={
                "db_table": "claims_searchtermcount",
            },
        ),
        migrations.CreateModel(
            name="SearchTermMatch",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("score", models.FloatField()),
                ("published_at", models.DateTimeField(null=True)),
                ("staff", models.BooleanField()),
                ("public", models.BooleanField()),
                (
                    "claim",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="claims.claimsearch",
                    ),
                ),
                (
                    "term",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="held", to="claims.searchterm"
                    ),
                ),
            ],
            options={
                "db_table": "claims_searchtermmatch",
                "indexes": [
                    models.Index(
                        condition=models.Q(("staff", True)),
                        fields=["term", "-score", "-claim"],
                        name="searchtermmatch_staff",
                    ),
                    models.Index(
                        condition=models.Q(("public", True)),
                        fields=["term", "-score", "-published_at", "-claim"],
                        name="searchtermmatch_public",
                    ),
                ],
                "constraints": [models.UniqueConstraint(fields=("term", "claim"), name="searchtermmatch_once")],
            },
        ),
        migrations.RunSQL([FOREIGN_KEY, CUT, HELD, *TRIGGERS], BACKWARD),
    ]
