"""Token authentication whose token → user lookup is kept in the shared cache for TOKEN_CACHE_SECONDS.

The lookup is a query on every request of a script; the cache answers it from Redis (or the cache table), with
the user's role (permissions.reads_everything) in the same entry. A deleted or rotated token is dropped
from the cache at once (post_delete signal, connected when the API's URLs load); a deactivated user or a changed
role takes effect within TOKEN_CACHE_SECONDS.
"""

import hashlib
from typing import Any

from django.core.cache import cache
from django.db.models.signals import post_delete
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from .permissions import reads_everything

TOKEN_CACHE_SECONDS = 60


def _key(token_key: str) -> str:
    return "api:token:" + hashlib.sha256(token_key.encode()).hexdigest()


class CachedTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, str | Token]:
        user = cache.get(_key(key))
        if user is not None and user.is_active:
            return user, key
        user, token = super().authenticate_credentials(key)
        reads_everything(user)  # the rule keeps its answer on the user object, and so it is cached with it
        cache.set(_key(key), user, TOKEN_CACHE_SECONDS)
        return user, token


def forget_token(sender, instance, **kwargs):
    cache.delete(_key(instance.key))


post_delete.connect(forget_token, sender=Token, dispatch_uid="api-forget-token")
