"""The fact-checkers' desk in the Django admin. Registers the claims app's models."""

from .claim_admin import ClaimAdmin  # noqa: F401
from .evidence_admin import EvidenceAdmin  # noqa: F401
