"""Shared pytest fixtures: users by role and an API client. See tests/factories.py for test data."""

import pytest


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("boss", "boss@example.org", "pw-boss-123")
