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


def test_the_audit_trail_follows_the_rule_the_setting_names(settings, journalist_client, claims):
    url = f"/api/v1/claims/{claims['verified'].pk}/history/"
    assert journalist_client.get(url).status_code == 200
    settings.API_READS_EVERYTHING = f"{__name__}.nobody_reads_everything"
    public = journalist_client.get(url)  # read as the public reads it: without the people
    assert public.status_code == 200 and {entry["user"] for entry in public.json()["results"]} == {None}
    hidden = journalist_client.get(f"/api/v1/claims/{claims['unverified'].pk}/history/")
    assert hidden.status_code == 404 and hidden.json()["code"] == "not_found"
