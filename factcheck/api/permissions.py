"""Who may do what through the API. Who may *see* which claims is claims.selectors' business (invisible = 404).

Reading: anyone (anonymous clients get only published verdicts, by the selectors). Writing: an authenticated user
with the model's add / change / delete permission (the fact-checker and admin roles, claims/0004_roles).
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission

ACTIONS = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}


def reads_everything(user) -> bool:
    """Journalists, fact-checkers and admins read every claim; others only published verdicts."""
    from claims.selectors import can_read_all_claims

    return can_read_all_claims(user)


class DeskPermission(BasePermission):
    """Reads for all; writes need the model permission for the method (401 anonymous, 403 without the role)."""

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


class Authenticated(BasePermission):
    """For resources that are never public (the audit trail)."""

    message = "Sign in (or send a token) to read the audit trail."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and reads_everything(request.user))
