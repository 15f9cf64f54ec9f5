"""The fact-checkers' desk in the Django admin. Registers the claims app's models and the desk's user accounts."""

from .claim_admin import ClaimAdmin  # noqa: F401
from .evidence_admin import EvidenceAdmin  # noqa: F401
from .users import DeskUserAdmin  # noqa: F401
