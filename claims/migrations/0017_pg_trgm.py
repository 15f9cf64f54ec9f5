# pg_trgm gives intake's matcher (claims.intake.matching) the trigram similarity of a candidate's sentence to the
# desk's claims' subjects and quotes. A contrib extension: the embedded PostgreSQL and CI's PostgreSQL 15 both ship it.
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("claims", "0016_claim_publication")]

    operations = [TrigramExtension()]
