"""Token authentication (django-rest-knox: only a digest of each token is stored) with the lookup kept in the cache.

Checking a token is two queries (the token with its user, then the user's permissions) on every request of a script;
the shared cache (Redis, or the cache table) answers them for TOKEN_CACHE_SECONDS. The entry, under the token's
digest, holds what authorisation needs and nothing else: the user's id, username, active / staff / superuser flags
and permission names, never the user row with its password hash and email. A hit rebuilds the user as a row loaded
with those fields only (any other field a view reads is fetched then, and a save writes the loaded fields alone).

A deleted or rotated token leaves the cache at once (post_delete), and so do a user's tokens when the user is saved
(deactivated, say) or their groups change; a change to a group's own permissions takes effect within
TOKEN_CACHE_SECONDS. The receivers are connected when the API's URLs load.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import m2m_changed, post_delete, post_save
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from rest_framework.exceptions import AuthenticationFailed

TOKEN_CACHE_SECONDS = 60
FLAGS = ("is_active", "is_staff", "is_superuser")


def _key(digest: str) -> str:
    return "api:token:" + digest


def access_entry(user: Any) -> dict[str, Any]:
    """What the cache keeps for a token's user: enough to authorise a request, nothing secret."""
    return {
        "id": user.pk,
        "username": user.get_username(),
        **{flag: bool(getattr(user, flag)) for flag in FLAGS},
        "permissions": sorted(user.get_all_permissions()),
    }


def user_from_entry(entry: dict[str, Any]) -> AbstractBaseUser:
    """The user of a cached entry, as `User.objects.only(<its fields>)` would load it, permissions answered."""
    model = get_user_model()
    loaded = {model._meta.pk.attname: entry["id"], model.USERNAME_FIELD: entry["username"]}
    loaded.update({flag: entry[flag] for flag in FLAGS})
    order = [field.attname for field in model._meta.concrete_fields if field.attname in loaded]
    user = model.from_db(DEFAULT_DB_ALIAS, order, [loaded[name] for name in order])
    user._perm_cache = set(entry["permissions"])  # type: ignore[attr-defined]  # ModelBackend's own memo
    return user


class CachedTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, token: bytes) -> tuple[Any, AuthToken | None]:
        try:
            digest = hash_token(token.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise AuthenticationFailed("Invalid token.") from exc
        entry = cache.get(_key(digest))
        if entry is not None and entry["is_active"]:
            return user_from_entry(entry), None
        user, auth_token = super().authenticate_credentials(token)
        cache.set(_key(digest), access_entry(user), TOKEN_CACHE_SECONDS)
        return user, auth_token


class CachedTokenScheme(OpenApiAuthenticationExtension):
    """The schema's name for it: `Authorization: Token <token>`, as DRF's own token scheme was documented."""

    target_class = CachedTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")


def forget_token(sender, instance, **kwargs):
    cache.delete(_key(instance.digest))


def forget_tokens_of_users(user_ids: Any) -> None:
    digests = AuthToken.objects.filter(user_id__in=list(user_ids)).values_list("digest", flat=True)
    cache.delete_many([_key(digest) for digest in digests])


def forget_tokens_of_saved_user(sender, instance, **kwargs):
    """The user changed (active flag, superuser flag): their cached tokens answer from the database again."""
    forget_tokens_of_users([instance.pk])


def forget_tokens_of_regrouped_users(sender, instance, action, reverse, pk_set, **kwargs):
    """Groups given or taken, from the user's side (user.groups.add) or the group's (group.user_set.add)."""
    if action in ("post_add", "post_remove", "post_clear"):
        forget_tokens_of_users((pk_set or ()) if reverse else [instance.pk])


post_delete.connect(forget_token, sender=AuthToken, dispatch_uid="api-forget-token")
post_save.connect(forget_tokens_of_saved_user, sender=get_user_model(), dispatch_uid="api-forget-user-tokens")
m2m_changed.connect(
    forget_tokens_of_regrouped_users, sender=get_user_model().groups.through, dispatch_uid="api-forget-group-tokens"
)
