"""Production: refuses to start without SECRET_KEY; DEBUG off; HTTPS-only cookies and HSTS.

`DJANGO_SETTINGS_MODULE=factcheck.settings.production python manage.py check --deploy --fail-level WARNING`
passes with SECRET_KEY set.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from factcheck.proxies import parse_networks

from .base import *  # noqa: F403
from .base import env_bool, env_list

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set in the environment to a random string of at least 50 characters in production "
        "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )

if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured(
        "DATABASE_URL must be set in production to the PostgreSQL database (postgres://USER:PASSWORD@HOST:5432/NAME); "
        "the embedded server is for development and tests only."
    )

DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# "The client came over HTTPS" is the proxy's word (X-Forwarded-Proto), believed only from TRUSTED_PROXIES: the
# middleware deletes the header from any other peer, and without trusted proxies there is no such header to read.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if parse_networks(TRUSTED_PROXIES) else None  # noqa: F405
if REST_FRAMEWORK["NUM_PROXIES"] and not TRUSTED_PROXIES:  # noqa: F405
    raise ImproperlyConfigured(
        "API_NUM_PROXIES is set but TRUSTED_PROXIES is empty: X-Forwarded-For is deleted from requests that don't come "
        "from a trusted proxy, so set TRUSTED_PROXIES to the proxies' addresses (e.g. TRUSTED_PROXIES=10.0.0.2)."
    )
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Hashed, compressed copies made by collectstatic (the Docker build runs it); only here, so that tests and local
# development don't need collectstatic first.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
