# The consistency report (claims.consistency) groups the claims by their subject's key — the subject with case and
# punctuation left out — and a share's by the whole its subject names. Computed in the query, that was a regular
# expression for every claim of the desk on every report (6.5–14.5 s a kind at a million claims). Here the keys are
# IMMUTABLE SQL functions, and expression indexes hold them in the order the report reads them, with the columns it
# needs (INCLUDE), so that each kind reads an index in order instead of computing a key per row:
#   desk_subject_key(subject)  "Russia–China trade" -> "russia china trade"
#   desk_whole_key(subject)    the key after its last " of " ("china s share of russian oil exports" -> "russian oil
#                              exports"), or NULL
#   desk_part_key(subject)     the key before it ("china s share"), or NULL
# No extension: plain SQL, as the embedded server of the two-command setup has no contrib modules.
from django.db import migrations

# Each function sets its search_path (an index's expression must not depend on the caller's) and states its cost:
# both keep the planner from inlining it into the bare regular expression, whose cost it counts as one operator, so
# that it reads the index rather than computing the key for every claim.
_KEY = "btrim(regexp_replace(lower($1), '[^[:alnum:]]+', ' ', 'g'))"
_OPTIONS = "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1000 SET search_path = pg_catalog"
FUNCTIONS = rf"""
CREATE OR REPLACE FUNCTION desk_subject_key(text) RETURNS text {_OPTIONS}
    RETURN {_KEY};
CREATE OR REPLACE FUNCTION desk_whole_key(text) RETURNS text {_OPTIONS}
    RETURN substring({_KEY} from '^.* of (.+)$');
CREATE OR REPLACE FUNCTION desk_part_key(text) RETURNS text {_OPTIONS}
    RETURN substring({_KEY} from '^(.*) of .+$');
"""
# values: the claims the kind compares, by subject key, unit and period (and value, for the spread), with the columns it
# reads. changes: the change claims themselves, few among many, and the claims of a subject key they relate. shares:
# the percentages naming a whole.
INDEXES = r"""
CREATE INDEX claim_subject_key_idx ON claims_claim
    (desk_subject_key(subject), unit, period_start, period_end, value)
    INCLUDE (id, subject)
    WHERE withdrawn_at IS NULL AND value IS NOT NULL AND claim_type <> 'change' AND period <> '';
CREATE INDEX claim_change_idx ON claims_claim (id)
    WHERE claim_type = 'change' AND withdrawn_at IS NULL AND value IS NOT NULL AND period_start IS NOT NULL;
CREATE INDEX claim_change_subject_key_idx ON claims_claim (desk_subject_key(subject), period_start)
    WHERE withdrawn_at IS NULL AND value IS NOT NULL AND period_start IS NOT NULL;
CREATE INDEX claim_share_whole_idx ON claims_claim
    (desk_whole_key(subject), period_start, period_end, desk_part_key(subject))
    INCLUDE (id, subject, qualifier, value, lower_bound)
    WHERE unit = 'percent' AND withdrawn_at IS NULL AND claim_type <> 'change' AND period <> ''
          AND desk_whole_key(subject) IS NOT NULL;
"""
DROP = """
DROP INDEX IF EXISTS claim_share_whole_idx;
DROP INDEX IF EXISTS claim_change_subject_key_idx;
DROP INDEX IF EXISTS claim_change_idx;
DROP INDEX IF EXISTS claim_subject_key_idx;
DROP FUNCTION IF EXISTS desk_part_key(text);
DROP FUNCTION IF EXISTS desk_whole_key(text);
DROP FUNCTION IF EXISTS desk_subject_key(text);
"""


class Migration(migrations.Migration):
    dependencies = [("claims", "0020_published_index")]

    operations = [migrations.RunSQL(FUNCTIONS + INDEXES, DROP)]
