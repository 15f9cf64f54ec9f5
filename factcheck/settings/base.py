"""Settings shared by every mode. The mode modules (local, test, production) adjust them.

The database is PostgreSQL: DATABASE_URL, or the project's embedded server (factcheck.dev_database) when it is unset.
"""

import os
from pathlib import Path

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
    "rest_framework",
    "rest_framework.authtoken",
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
# The app's queries are short and LIMITed: starting parallel workers costs more than they save (a search page at
# 1,000,000 claims took 18 ms with two workers, 9 ms without). DB_MAX_PARALLEL_WORKERS raises it.
_workers = int(os.environ.get("DB_MAX_PARALLEL_WORKERS", "0"))
DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c max_parallel_workers_per_gather={_workers}"

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

# --- the journalists' API (/api/v1/) ------------------------------------------------------------------------------
# The shared cache holds the throttling counters, so that a limit holds across worker processes: Redis in production
# (CACHE_URL=redis://host:6379/0), a database table otherwise (created by migration claims/0006_api_cache_table).
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
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
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "factcheck.api.pagination.PagePagination",
    "DEFAULT_THROTTLE_CLASSES": ["factcheck.api.throttling.UserThrottle", "factcheck.api.throttling.AnonThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": os.environ.get("API_THROTTLE_USER", "5000/hour"),
        "anon": os.environ.get("API_THROTTLE_ANON", "1000/hour"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "factcheck.api.exceptions.api_exception_handler",
    "DEFAULT_VERSIONING_CLASS": None,
    "PAGE_SIZE": 50,
    "COERCE_DECIMAL_TO_STRING": True,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Throttle anonymous clients by the connecting address; behind N trusted proxies set API_NUM_PROXIES=N so
    # that the client's own address is taken from X-Forwarded-For (and a client can't forge it otherwise).
    "NUM_PROXIES": int(os.environ.get("API_NUM_PROXIES", "0")),
}
# Who reads every record rather than the published ones: the claims app's rule, named here so that the API's
# framework pieces (permissions, the token cache) ask it without importing the app.
API_READS_EVERYTHING = "claims.selectors.can_read_all_claims"
# Page sizes: ?page_size= is capped at API_MAX_PAGE_SIZE; a list counts matches exactly up to API_COUNT_LIMIT.
API_MAX_PAGE_SIZE = 500
API_COUNT_LIMIT = int(os.environ.get("API_COUNT_LIMIT", "10000"))
# A list's count is kept this long in the shared cache (0: never): it may lag the rows by as much.
API_COUNT_CACHE_SECONDS = int(os.environ.get("API_COUNT_CACHE_SECONDS", "30"))
# GET answers of the claims API are kept this long in the shared cache (0: never), keyed by the database snapshot
# and the code's version, so that any write or deploy makes them miss (factcheck.api.response_cache). Hits need a
# cache outside the database (CACHE_URL): with the cache table, storing an answer is itself a write.
API_RESPONSE_CACHE_SECONDS = int(os.environ.get("API_RESPONSE_CACHE_SECONDS", "300"))

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

# The organisation that publishes the verdicts: the author of every ClaimReview (schema.org JSON-LD).
CLAIMREVIEW_AUTHOR = {
    "name": os.environ.get("CLAIMREVIEW_AUTHOR_NAME", "Fact-checking desk"),
    "url": os.environ.get("CLAIMREVIEW_AUTHOR_URL", "https://factcheck.example.org/"),
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
JOBS_SCHEDULE = {
    "check stale sources": {"start": "sources.tasks.start_stale_check", "every": SOURCE_CHECK_EVERY},
}
