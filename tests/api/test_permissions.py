"""The framework's permissions ask the app's visibility rule through settings.API_READS_EVERYTHING."""

import pytest

from factcheck.api.permissions import reads_everything

pytestmark = pytest.mark.django_db


def nobody_reads_everything(user) -> bool:
    return False


def test_the_rule_is_the_claims_apps_by_default(journalist, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert reads_everything(journalist) is True
    assert reads_everything(AnonymousUser()) is False
    assert reads_everything(django_user_model.objects.create_user("outsider", password="pw-out-123")) is False


def test_the_framework_asks_the_rule_the_setting_names(settings, journalist):
    # (The audit trail no longer asks it: who reads a claim's history is the claims' visibility, claims.selectors.)
    settings.API_READS_EVERYTHING = f"{__name__}.nobody_reads_everything"
    assert reads_everything(journalist) is False
