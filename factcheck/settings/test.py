"""The test suite: PostgreSQL (DATABASE_URL, or the embedded server), a fast password hasher."""

import os

from .base import *  # noqa: F403

SECRET_KEY = "test-only-not-a-secret"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
IMPORT_BATCH_SIZE = 7  # small batches so that tests cross batch boundaries
# Every request counted in the cache, so that the queries a request makes don't depend on an earlier test's lease;
# tests/api/test_throttle_leases.py sets its own.
THROTTLE_LEASE = 1

# Jobs run at once, inside the request that starts them (the tasks API's immediate backend), unless
# FACTCHECK_TASKS=database: the tests that start real workers (tests/jobs/) set it for them and for themselves.
if os.environ.get("FACTCHECK_TASKS") != "database":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": []}}
JOBS_SCHEDULE = {}  # the tests start scheduled jobs themselves
# The publishing organisation the pages and ClaimReview name in tests.
CLAIMREVIEW_AUTHOR = {
    "name": "The Desk",
    "url": "https://desk.example.org/",
    "logo": "https://desk.example.org/logo.png",
    "methodology_url": "https://desk.example.org/methods/",
    "contact": "desk@example.org",
}
CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append("https://desk.example.org")  # noqa: F405  # the logo's site
