"""Shared pytest fixtures: users by role, and what transactional tests need. See tests/factories.py for test data."""

import pytest
from django.db import connection


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


@pytest.fixture(scope="module")
def migration_data_back(django_db_blocker):
    """A transactional test ends by emptying every table, the rows migrations wrote too (the roles' groups): a
    module of such tests asks for this to put them back once it is done, for the tests after it
    (serialized_rollback=True restores them at the start of each of its own tests)."""
    yield
    with django_db_blocker.unblock():
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents:
            connection.creation.deserialize_db_from_string(contents)
