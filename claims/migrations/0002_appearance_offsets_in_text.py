"""The offset triggers are installed after every migrate by claims.apps (see claims/db_triggers.py).

This migration once created them itself; migration 0010 now creates every trigger once.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial"), ("sources", "0001_initial")]
    operations = []
