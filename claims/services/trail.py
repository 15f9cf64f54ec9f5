"""The audit trail of every write: who made a change and why, the same from every door.

django-simple-history writes a history row on each save and delete of a claim, an appearance or a piece of
evidence; audit_next_save tells it the actor and the change reason of the next one. The services call it and
nothing else sets these attributes, so a change through the admin, the API, a command or the source check is
recorded alike. Bulk writes that bypass the save signals write their rows with claims.audit.record_history.
"""

from typing import TypeAlias

from django.contrib.auth.models import AbstractUser
from django.db import models

# The acting user; None is the system itself (a command run by an operator, the source check).
Actor: TypeAlias = AbstractUser | None

# The doors, as the change reasons name them ("edited through the admin: subject").
API = "the API"
ADMIN = "the admin"
COMMAND = "a command"


def audit_next_save(obj: models.Model, *, actor: Actor, reason: str) -> None:
    """What the audit trail records about the object's next save or delete: who (when not the request's user,
    which the history middleware supplies) and why."""
    if actor is not None:
        obj._history_user = actor  # type: ignore[attr-defined]  # read by django-simple-history
    obj._change_reason = reason  # type: ignore[attr-defined]
