"""Development on one machine: DEBUG on, a throwaway secret key when none is given."""

import os

from .base import *  # noqa: F403

DEBUG = True
# A per-checkout key that is never valid in production (production.py refuses to start without SECRET_KEY).
SECRET_KEY = os.environ.get("SECRET_KEY") or "local-development-only-not-a-secret"

# The publishing organisation as a local copy names itself (`./dev.sh run` sets the URL it serves at); the
# environment's values win (base.py).
_LOCAL_SITE = os.environ.get("CLAIMREVIEW_AUTHOR_URL") or "http://127.0.0.1:8000/"
CLAIMREVIEW_AUTHOR = {  # noqa: F405
    **CLAIMREVIEW_AUTHOR,  # noqa: F405
    "name": CLAIMREVIEW_AUTHOR["name"] or "Fact-checking desk (local copy)",  # noqa: F405
    "url": _LOCAL_SITE,
    "methodology_url": CLAIMREVIEW_AUTHOR["methodology_url"] or f"{_LOCAL_SITE.rstrip('/')}/fact-checks/methods/",  # noqa: F405
    "contact": CLAIMREVIEW_AUTHOR["contact"] or "desk@localhost",  # noqa: F405
}
