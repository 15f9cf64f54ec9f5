"""Who may do what through the API. Who may *see* which records is the apps' business (invisible = 404).

Reading: anyone (anonymous clients get only published verdicts, by the claims selectors). Writing: an authenticated
user with the model's add / change / delete permission (the fact-checker and admin roles, claims/0004_roles).

Whether a user reads everything is a rule of the app that owns the records, not of this framework layer, which
imports no app: settings.API_READS_EVERYTHING names that rule's function, (user) -> bool.
"""

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from rest_framework.permissions import SAFE_METHODS, BasePermission

ACTIONS = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}


@functools.cache
def _rule(path: str) -> Callable[[Any], bool]:
    rule: Callable[[Any], bool] = import_string(path)
    return rule


def reads_everything(user: Any) -> bool:
    """Whether `user` reads every record (journalists, fact-checkers and admins) rather than the published ones."""
    return bool(_rule(settings.API_READS_EVERYTHING)(user))  # looked up once per setting's value, not per request


class DeskPermission(BasePermission):
    """Reads for all; writes need the model permission for the method (401 anonymous, 403 without the role)."""

    reads_for_everyone = True  # the schema declares anonymous reads (factcheck.api.schema)
    message = (
        "Your role doesn't allow this change: only fact-checkers and admins edit claims, appearances and evidence."
    )

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS or getattr(view, request.method.lower(), None) is None:
            return True  # reads, and methods the view doesn't have (405 follows)
        if not (request.user and request.user.is_authenticated):
            return False
        perm = getattr(view, "write_permission", None)
        if perm is None:
            model = view.get_queryset().model
            perm = f"{model._meta.app_label}.{ACTIONS.get(request.method, 'change')}_{model._meta.model_name}"
        return request.user.has_perm(perm)
