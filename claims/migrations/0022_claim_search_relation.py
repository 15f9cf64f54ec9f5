"""The search document's claim_id becomes a one-to-one relation to its claim, in Django's state only: the column,
its primary key and the database's own foreign key (ON DELETE CASCADE, migration 0009) stay as they are, so a search
can join the documents it matched instead of looking each one up again to rank it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0021_subject_key"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RenameField(model_name="claimsearch", old_name="claim_id", new_name="claim"),
                migrations.AlterField(
                    model_name="claimsearch",
                    name="claim",
                    field=models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="claims.claim",
                    ),
                ),
            ],
        ),
    ]
