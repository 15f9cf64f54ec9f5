"""Development on one machine: DEBUG on, a throwaway secret key when none is given."""

import os

from .base import *  # noqa: F403

DEBUG = True
# A per-checkout key that is never valid in production (production.py refuses to start without SECRET_KEY).
SECRET_KEY = os.environ.get("SECRET_KEY") or "local-development-only-not-a-secret"
