"""The test suite: PostgreSQL (DATABASE_URL, or the embedded server), a fast password hasher."""

from .base import *  # noqa: F403

SECRET_KEY = "test-only-not-a-secret"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
IMPORT_BATCH_SIZE = 7  # small batches so that tests cross batch boundaries
# The publishing organisation the pages and ClaimReview name in tests.
CLAIMREVIEW_AUTHOR = {
    "name": "The Desk",
    "url": "https://desk.example.org/",
    "logo": "https://desk.example.org/logo.png",
    "methodology_url": "https://desk.example.org/methods/",
    "contact": "desk@example.org",
}
CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append("https://desk.example.org")  # noqa: F405  # the logo's site
