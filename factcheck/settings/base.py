"""Settings shared by every mode. The mode modules (local, test, production) adjust them.

The database is PostgreSQL: DATABASE_URL, or the project's embedded server (factcheck.dev_database) when it is unset.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from factcheck.dev_database import default_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",  # sitemap.xml of the public fact-checks (claims.public)
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "jobs",
    "sources",
    "claims",
]

MIDDLEWARE = [
    # First: X-Forwarded-* headers from peers outside TRUSTED_PROXIES are deleted before anything reads them.
    "factcheck.proxies.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Serves STATIC_ROOT from the app server in production (no separate web server needed for /static/).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the request's user on every history row written during the request.
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "factcheck.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "factcheck" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "factcheck.wsgi.application"
ASGI_APPLICATION = "factcheck.asgi.application"

# PostgreSQL only. DATABASE_URL names the server (any PostgreSQL 15+); without it, the project's embedded server
# (factcheck.dev_database, which ./dev.sh run and ./dev.sh test start) at its usual socket in .pgdata/.
DATABASE_URL = os.environ.get("DATABASE_URL") or default_database_url()
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        f"DATABASE_URL must name a PostgreSQL database (postgres://…); got {DATABASES['default']['ENGINE']}."
    )
# Django's PostgreSQL backend with a health check that reads the socket instead of running SELECT 1 (factcheck.db).
DATABASES["default"]["ENGINE"] = "factcheck.db"
# The app's queries are short and LIMITed: starting parallel workers costs more than they save (a search page at
# 1,000,000 claims took 18 ms with two workers, 9 ms without). DB_MAX_PARALLEL_WORKERS raises it.
_workers = int(os.environ.get("DB_MAX_PARALLEL_WORKERS", "0"))
# JIT compilation likewise: a query the planner costs high (the public index's publisher list, a search ranking a
# few thousand matches) spent 35-140 ms compiling to run in 5-40 ms. DB_JIT=on gives it back.
_jit = "on" if os.environ.get("DB_JIT", "off").lower() in ("1", "on", "true") else "off"
# The pages' rows by id as server-side prepared statements, once per connection (factcheck.prepared); off behind a
# pooler that shares server sessions between clients (PgBouncer in transaction mode).
# Planned once too: left to choose, PostgreSQL plans a statement afresh for each run's ids whenever its plan for any
# ids looks costlier, and a page's rows by id always do (an array of unknown length). That took 2.8-4.9 ms a run for a
# detail's claim, appearances and evidence at 1,000,000 claims, against 0.2 ms to run the one plan fit for any ids
# (an index lookup per id). Only prepared statements and PL/pgSQL functions keep plans. The triggers' statements that
# read or write whole tables run through EXECUTE, planned on each call (migration claims 0025): with this setting a
# trigger kept the plan of its first call, made while an import's first batch filled empty tables, and walked whole
# tables on every later batch (1,000,000 claims: 4,675 s to import before, 907 s after; bench/README.md).
DB_PREPARED_STATEMENTS = env_bool("DB_PREPARED_STATEMENTS", True)
_plans = " -c plan_cache_mode=force_generic_plan" if DB_PREPARED_STATEMENTS else ""
DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
    f"-c max_parallel_workers_per_gather={_workers} -c jit={_jit}{_plans}"
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# The importer writes in batches of this many records inside its one transaction.
IMPORT_BATCH_SIZE = int(os.environ.get("IMPORT_BATCH_SIZE", "2000"))
# An import stops collecting errors after this many and reports them.
IMPORT_MAX_ERRORS = int(os.environ.get("IMPORT_MAX_ERRORS", "50"))
# One record of an import file (a JSON section's item, a JSONL line, a CSV row, a source's text_file) may take at
# most this many bytes, so that memory stays bounded whatever the file (docs/import-format.md, "Limits").
IMPORT_MAX_RECORD_BYTES = int(os.environ.get("IMPORT_MAX_RECORD_BYTES", str(4 << 20)))
# A batch is written once it holds IMPORT_BATCH_SIZE records or this many bytes of them; the file's reading runs at
# most this many bytes of records ahead of the writes.
IMPORT_BATCH_BYTES = int(os.environ.get("IMPORT_BATCH_BYTES", str(16 << 20)))
# The largest file the admin's import page accepts (larger ones: manage.py import_claims).
IMPORT_UPLOAD_MAX_BYTES = int(os.environ.get("IMPORT_UPLOAD_MAX_BYTES", str(32 << 20)))

# --- the journalists' API (/api/v1/) ------------------------------------------------------------------------------
# The shared cache holds the throttling counters, so that a limit holds across worker processes: Redis in production
# (CACHE_URL=redis://host:6379/0), a database table otherwise (created by migration claims/0006_api_cache_table).
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {"default": {"BACKEND": "factcheck.cache.KeptClientRedisCache", "LOCATION": CACHE_URL}}
elif CACHE_URL == "locmem://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "api_cache"}}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "factcheck.api.authentication.CachedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["factcheck.api.permissions.DeskPermission"],
    "DEFAULT_RENDERER_CLASSES": [
        "factcheck.api.renderers.FastJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["factcheck.api.parsers.LimitedJSONParser"],  # API_MAX_BODY_* below
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "factcheck.api.pagination.PagePagination",
    "DEFAULT_THROTTLE_CLASSES": ["factcheck.api.throttling.UserThrottle", "factcheck.api.throttling.AnonThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": os.environ.get("API_THROTTLE_USER", "5000/hour"),
        "anon": os.environ.get("API_THROTTLE_ANON", "1000/hour"),
    },
    "DEFAULT_SCHEMA_CLASS": "factcheck.api.schema.DeskAutoSchema",
    "EXCEPTION_HANDLER": "factcheck.api.exceptions.api_exception_handler",
    "DEFAULT_VERSIONING_CLASS": None,
    "PAGE_SIZE": 50,
    "COERCE_DECIMAL_TO_STRING": True,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Throttle anonymous clients by the connecting address; behind N trusted proxies set API_NUM_PROXIES=N so
    # that the client's own address is taken from X-Forwarded-For (and a client can't forge it otherwise).
    "NUM_PROXIES": int(os.environ.get("API_NUM_PROXIES", "0")),
}
# The most requests a process reserves of a client's throttle window at once (factcheck.api.throttling): a reserved
# request is served without a round trip to the cache. 1 counts every request in the cache.
THROTTLE_LEASE = int(os.environ.get("API_THROTTLE_LEASE", "32"))
# Request bodies of the API (factcheck.api.parsers.LimitedJSONParser): JSON of at most API_MAX_BODY_BYTES (a 413
# above), objects and arrays nested at most API_MAX_BODY_DEPTH levels (a 400 deeper). The largest body the write
# serializers accept with every text at its maximum length is well under 100 KB.
API_MAX_BODY_BYTES = int(os.environ.get("API_MAX_BODY_BYTES", str(256 * 1024)))
API_MAX_BODY_DEPTH = 16
# Who reads every record rather than the published ones: the claims app's rule, named here so that the API's
# framework pieces (permissions, the token cache) ask it without importing the app.
API_READS_EVERYTHING = "claims.selectors.can_read_all_claims"
# Page sizes: ?page_size= is capped at API_MAX_PAGE_SIZE; a list counts matches exactly up to API_COUNT_LIMIT.
API_MAX_PAGE_SIZE = 500
API_COUNT_LIMIT = int(os.environ.get("API_COUNT_LIMIT", "10000"))
# A list's count is kept this long in the shared cache (0: never): it may lag the rows by as much.
API_COUNT_CACHE_SECONDS = int(os.environ.get("API_COUNT_CACHE_SECONDS", "30"))
# A search is not counted when PostgreSQL's planner estimates its matches at this many times the exact count's limit
# or more (the API's API_COUNT_LIMIT: count null, as above it; the admin's 5,000: "about N", the estimate): its count
# reads every match's search document (a common word at a million claims: 27-160 ms, the API's page 1-3 ms), while
# a word's estimate is read off the table's statistics. 0 counts every search.
SEARCH_COUNT_ESTIMATE = int(os.environ.get("SEARCH_COUNT_ESTIMATE", "3"))
# A word in SEARCH_TERMS_MIN_MATCHES documents or more has its best SEARCH_TERMS_HELD matches held ranked, so a search
# for it alone reads its first pages off an index instead of ranking every match (claims.search_terms; `manage.py
# refresh_search_terms` chooses the words, the database's triggers keep their matches).
SEARCH_TERMS_HELD = int(os.environ.get("SEARCH_TERMS_HELD", "1000"))
SEARCH_TERMS_MIN_MATCHES = int(os.environ.get("SEARCH_TERMS_MIN_MATCHES", "2000"))
# How often the workers refresh them (0: never; the command still does).
SEARCH_TERMS_REFRESH_EVERY = int(os.environ.get("SEARCH_TERMS_REFRESH_EVERY", str(24 * 3600)))
# GET answers of the claims API are kept this long in the shared cache (0: never), keyed by the database snapshot
# and the code's version, so that any write or deploy makes them miss (factcheck.api.response_cache). Hits need a
# cache outside the database (CACHE_URL): with the cache table, storing an answer is itself a write.
API_RESPONSE_CACHE_SECONDS = int(os.environ.get("API_RESPONSE_CACHE_SECONDS", "300"))
# The public fact-check index and pages, for anonymous readers, likewise (factcheck.page_cache; 0: never).
PUBLIC_PAGE_CACHE_SECONDS = int(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "300"))

SPECTACULAR_SETTINGS = {
    "TITLE": "Fact-checking desk API",
    "DESCRIPTION": (
        "Query, search, export and publish the desk's quantitative claims. Read the guide in README.md "
        "(section 'The API'). Anonymous clients see claims with a final verdict; journalists see everything; "
        "fact-checkers and admins write. Authenticate with `Authorization: Token <key>` "
        "(`python manage.py api_token USERNAME`)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "claims.choices.Status",
        "UnitEnum": "claims.choices.Unit",
        "ClaimTypeEnum": "claims.choices.ClaimType",
        "QualifierEnum": "claims.choices.Qualifier",
        "RelationEnum": "claims.choices.EvidenceRelation",
        "SourceKindEnum": "sources.choices.SourceKind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "factcheck.api.schema.add_error_responses",
    ],
}

# The organisation that publishes the verdicts: the author of every ClaimReview (schema.org JSON-LD) and the
# publisher named on the public fact-check pages. From the environment, with no made-up default: the name and URL are
# required where verdicts are published (a system check, claims.checks, refuses to serve pages without them), the
# rest is shown when given. `./dev.sh run` (settings/local.py) sets local values.
CLAIMREVIEW_AUTHOR = {
    "name": os.environ.get("CLAIMREVIEW_AUTHOR_NAME", ""),
    "url": os.environ.get("CLAIMREVIEW_AUTHOR_URL", ""),
    "logo": os.environ.get("CLAIMREVIEW_AUTHOR_LOGO", ""),  # the logo's URL (an image)
    "methodology_url": os.environ.get("CLAIMREVIEW_AUTHOR_METHODOLOGY_URL", ""),  # how the desk checks, corrects
    "contact": os.environ.get("CLAIMREVIEW_AUTHOR_CONTACT", ""),  # an e-mail address or a contact page's URL
}
# A desk of one may publish the verdicts its only fact-checker gives; otherwise a second person publishes
# (claims.services.publication).
PUBLISH_OWN_VERDICTS = env_bool("PUBLISH_OWN_VERDICTS", False)

# --- accounts: proxies, logins, tokens -----------------------------------------------------------------------------
# The reverse proxies (IPs or CIDR networks, comma-separated) whose X-Forwarded-Proto / -For headers are believed;
# every other peer's are deleted by factcheck.proxies.TrustedProxyMiddleware. Production trusts X-Forwarded-Proto
# for HTTPS only when this is set.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

# Failed logins (django-axes): after AXES_FAILURE_LIMIT failures of one username from one client address, that pair
# is refused for LOGIN_COOLOFF_MINUTES, the right password included (factcheck.logins shows why). The address is
# factcheck.proxies.client_ip's. Axes needs `request` in every authenticate() call; the tests sign in with
# force_login, and prove the lockout through the login page.
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]  # last, as axes asks: it turns a lockout into the lockout page
# What a script's token read of the API (GET / HEAD under /api/ with `Authorization: Token`) doesn't go through:
# the browser's middleware (factcheck.handlers). The rest of MIDDLEWARE, in its order, still serves it.
TOKEN_READ_SKIPPED_MIDDLEWARE = [
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
LOGIN_COOLOFF_MINUTES = int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15"))
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "factcheck.proxies.client_ip"
AXES_LOCKOUT_CALLABLE = "factcheck.logins.lockout_response"

# API tokens (django-rest-knox): the database keeps a SHA-512 digest and the first 15 characters for lookup; the token
# itself is shown once, by `manage.py api_token` or the admin. Scripts' tokens don't expire (TOKEN_TTL None): they
# are rotated or revoked. Migration claims 0012 turned the plain tokens of DRF's authtoken into digests.
INSTALLED_APPS += ["knox"]
REST_KNOX = {"TOKEN_TTL": None, "AUTH_HEADER_PREFIX": "Token", "AUTO_REFRESH": False}

# Content-Security-Policy (django-csp): scripts, style sheets, images, fonts and fetches from the site itself only; no
# inline script anywhere (Django's admin and DRF's pages have none; Swagger UI loads its start-up script from a URL)
# and no <style> element (the project's CSS is in static files). style="" attributes are allowed (style-src-attr):
# the status and link-health badges draw their colours with them, and unlike a <style> element an attribute styles
# its own element only (no selectors to read the page with). The API's documentation pages loosen style elements
# for Swagger UI and Redoc alone (factcheck/api/urls.py), which build theirs at run time; scripts stay 'self' there.
# django-csp's middleware, the site's policy built once (factcheck.content_policy).
MIDDLEWARE.insert(
    MIDDLEWARE.index("axes.middleware.AxesMiddleware"), "factcheck.content_policy.SitePolicyCSPMiddleware"
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- background jobs (jobs/, claims/import_jobs.py, sources/tasks.py) -------------------------------------------------
# The queue: Django's tasks API (the django-tasks backport on Django 5.2) with its database backend, in PostgreSQL,
# so that jobs survive restarts and workers on any machine share them (`manage.py run_worker`).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "imports", "source-checks"]}}
# Jobs of each queue running at once, across every worker (an import holds its rows locked until it commits).
JOBS_MAX_RUNNING = {
    "imports": int(os.environ.get("JOBS_MAX_IMPORTS", "1")),
    "source-checks": int(os.environ.get("JOBS_MAX_SOURCE_CHECKS", "2")),
}
# How often the workers start a check of the sources not checked within SOURCE_CHECK_STALE_AFTER (0: never).
SOURCE_CHECK_EVERY = int(os.environ.get("SOURCE_CHECK_EVERY", str(6 * 3600)))
SOURCE_CHECK_STALE_AFTER = int(os.environ.get("SOURCE_CHECK_STALE_AFTER", str(7 * 24 * 3600)))
# The largest article the intake reads (claims/intake/articles.py): an uploaded file, a pasted text as UTF-8, a fetched
# page (which the fetcher also stops at SOURCE_CHECK_MAX_BYTES). A bigger upload is refused before it is read.
INTAKE_MAX_BYTES = int(os.environ.get("INTAKE_MAX_BYTES", str(10 * 1024 * 1024)))
JOBS_SCHEDULE = {
    "check stale sources": {"start": "sources.tasks.start_stale_check", "every": SOURCE_CHECK_EVERY},
    "refresh search terms": {"start": "claims.search_term_jobs.start_refresh", "every": SEARCH_TERMS_REFRESH_EVERY},
}


def image_origin(url: str) -> str | None:
    """The scheme and host of an image's absolute http(s) URL (the CSP's img-src names it), else None."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None


# The publishing organisation's logo, shown on the public pages, may live on its own site.
_LOGO_ORIGIN = image_origin(CLAIMREVIEW_AUTHOR["logo"])
if _LOGO_ORIGIN:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(_LOGO_ORIGIN)
