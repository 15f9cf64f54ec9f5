"""Once created the offset triggers; now empty: migration 0010 creates every trigger of the claims app, once."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial"), ("sources", "0001_initial")]
    operations = []
