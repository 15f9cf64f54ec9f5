# Intake's conflicts (claims.intake.matching): the claims of one unit and period, read outwards from a value, so that
# a candidate compares its wording with the nearest few instead of every claim of its unit and year.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("claims", "0018_intake_dismissal")]

    operations = [
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(fields=["unit", "period_start", "value"], name="claim_unit_period_value_idx"),
        ),
    ]
