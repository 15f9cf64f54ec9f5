"""Claim.evidence_count: the number of evidence links, kept by database triggers (claims.db_triggers, installed after
every migrate), so that "has / has no evidence" is an indexed column instead of a probe of every claim's evidence."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0007_claim_value_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='claim',
            name='evidence_count',
            field=models.PositiveIntegerField(default=0, editable=False, help_text='Evidence links; kept by database triggers (claims.db_triggers).'),
        ),
        migrations.RunSQL(
            "UPDATE claims_claim SET evidence_count = "
            "(SELECT count(*) FROM claims_evidence e WHERE e.claim_id = claims_claim.id)",
            migrations.RunSQL.noop,
        ),
        migrations.AddIndex(
            model_name='claim',
            index=models.Index(condition=models.Q(('evidence_count', 0)), fields=['-updated_at', '-id'], name='claim_no_evidence_idx'),
        ),
    ]
