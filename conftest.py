"""Shared pytest fixtures: users by role. See tests/factories.py for test data."""

import pytest


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("boss", "boss@example.org", "pw-boss-123")


@pytest.fixture
def fact_checker(db):
    from tests.factories import UserFactory

    return UserFactory(username="checker", role="fact-checker")


@pytest.fixture
def second_checker(db):
    from tests.factories import UserFactory

    return UserFactory(username="checker2", role="fact-checker")


@pytest.fixture
def journalist(db):
    from tests.factories import UserFactory

    return UserFactory(username="reporter", role="journalist")


@pytest.fixture
def desk_admin(db):
    from tests.factories import UserFactory

    return UserFactory(username="editor", role="admin")
