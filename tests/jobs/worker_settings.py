"""Settings of the workers the tests start (tests/jobs/conftest.py): the test settings with the real queue (the
database backend) and the source check allowed to reach the tests' local HTTP server."""

from factcheck.settings.test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "imports", "source-checks"]}}
SOURCE_CHECK_ALLOW_PRIVATE = True
SOURCE_CHECK_PER_HOST = 25  # one local server stands for many sites
SOURCE_CHECK_CONCURRENCY = 25
JOBS_PROGRESS_SECONDS = 0.2
IMPORT_BATCH_SIZE = 500
