"""The test suite: PostgreSQL (DATABASE_URL, or the embedded server), a fast password hasher."""

from .base import *  # noqa: F403

SECRET_KEY = "test-only-not-a-secret"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
IMPORT_BATCH_SIZE = 7  # small batches so that tests cross batch boundaries
