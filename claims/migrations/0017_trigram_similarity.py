# Trigram similarity for intake's matcher (claims.intake.matching): how close a candidate's sentence is to a claim's
# subject or quotes. Written here in SQL rather than taken from the pg_trgm extension, which is a contrib module that
# not every PostgreSQL ships (the embedded server of the two-command setup has none): the same definition on every
# server the desk runs on. Trigrams as pg_trgm makes them: each word of letters and digits, lower-cased, padded with
# two spaces before and one after.
#   desk_similarity(a, b)       |T(a) ∩ T(b)| / |T(a) ∪ T(b)|            (pg_trgm's similarity)
#   desk_word_similarity(a, b)  |T(a) ∩ T(b)| / |T(a)|: how much of a's words b holds (as pg_trgm's word_similarity
#                               asks of a's best extent in b)
from django.db import migrations

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION desk_trigrams(text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(padded, position, 3)), '{}')
    FROM (SELECT '  ' || word || ' ' AS padded
          FROM regexp_split_to_table(lower(coalesce($1, '')), '[^[:alnum:]]+') AS word
          WHERE word <> '') AS words,
         generate_series(1, length(padded) - 2) AS position
$$;
CREATE OR REPLACE FUNCTION desk_similarity(text, text) RETURNS real LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN cardinality(a) = 0 OR cardinality(b) = 0 THEN 0::real ELSE
        (SELECT count(*) FROM (SELECT unnest(a) INTERSECT SELECT unnest(b)) AS common)::real
        / (SELECT count(*) FROM (SELECT unnest(a) UNION SELECT unnest(b)) AS every)::real END
    FROM (SELECT desk_trigrams($1) AS a, desk_trigrams($2) AS b) AS sets
$$;
CREATE OR REPLACE FUNCTION desk_word_similarity(text, text) RETURNS real LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN cardinality(a) = 0 OR cardinality(b) = 0 THEN 0::real ELSE
        (SELECT count(*) FROM (SELECT unnest(a) INTERSECT SELECT unnest(b)) AS common)::real / cardinality(a) END
    FROM (SELECT desk_trigrams($1) AS a, desk_trigrams($2) AS b) AS sets
$$;
"""
DROP = """
DROP FUNCTION IF EXISTS desk_word_similarity(text, text);
DROP FUNCTION IF EXISTS desk_similarity(text, text);
DROP FUNCTION IF EXISTS desk_trigrams(text);
"""


class Migration(migrations.Migration):
    dependencies = [("claims", "0016_claim_publication")]

    operations = [migrations.RunSQL(FUNCTIONS, DROP)]
