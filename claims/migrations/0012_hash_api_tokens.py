"""API tokens stored as digests: DRF's authtoken kept each token itself; django-rest-knox keeps its SHA-512 digest.

Every token of the old table becomes a knox token with the same text (so the scripts that hold one keep working):
knox's digest is sha512 of the token's UTF-8 bytes and its lookup key the first 15 characters. Then the old table,
which held the tokens in plain text, is dropped, and authtoken's migration records with it (the app is no longer
installed; were it installed again, its migrations would make the table anew). A database that never had the table
has nothing to move. Going back can't bring the plain tokens back: reversing leaves knox's tokens as they are.
"""

from django.db import migrations

OLD_TABLE = "authtoken_token"
TOKEN_KEY_LENGTH = 15  # knox.settings.CONSTANTS.TOKEN_KEY_LENGTH


def hash_old_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    table = schema_editor.quote_name(apps.get_model("knox", "AuthToken")._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (digest, token_key, user_id, created, expiry) "
            f"SELECT encode(sha512(convert_to(key, 'UTF8')), 'hex'), left(key, %s), user_id, created, NULL "
            f"FROM {OLD_TABLE} ON CONFLICT DO NOTHING",
            [TOKEN_KEY_LENGTH],
        )
        cursor.execute(f"DROP TABLE {OLD_TABLE}")
        cursor.execute("DELETE FROM django_migrations WHERE app = 'authtoken'")


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0011_text_limits_and_duplicate_messages"),
        ("knox", "0009_extend_authtoken_field"),
    ]
    operations = [migrations.RunPython(hash_old_tokens, migrations.RunPython.noop)]
