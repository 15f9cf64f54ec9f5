"""Throttles per authenticated user and per anonymous address, counted in the shared cache (CACHES["default"]:
Redis or the database), so that a limit holds across gunicorn workers. Over the limit: 429 with Retry-After.

The rates are read at each request from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] (API_THROTTLE_USER /
API_THROTTLE_ANON in the environment), not frozen at import time.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class _SettingsRate(SimpleRateThrottle):
    def __init__(self):  # the parent reads the rate once here; ours reads it per request in allow_request
        pass

    def allow_request(self, request, view):
        self.rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        if not self.rate:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class UserThrottle(_SettingsRate):
    scope = "user"

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class AnonThrottle(_SettingsRate):
    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
