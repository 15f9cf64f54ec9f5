import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings.production")
django.setup(set_prefix=False)  # as django.core.wsgi.get_wsgi_application, whose handler factcheck.handlers extends

from factcheck.handlers import Application  # noqa: E402 - needs the settings loaded

application = Application()
