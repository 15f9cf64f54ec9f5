"""The fact-checkers' desk in the Django admin. Registers the claims app's models and the desk's user accounts."""

from django.contrib import admin

from .claim_admin import ClaimAdmin  # noqa: F401
from .evidence_admin import EvidenceAdmin  # noqa: F401
from .users import DeskUserAdmin  # noqa: F401

# The home page links the desk's charts above the list of models (claims/templates/admin/claims/index.html).
admin.site.index_template = "admin/claims/index.html"
