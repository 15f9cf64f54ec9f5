"""The desk's roles. The groups and their permissions are created by migration claims/0004_roles."""

FACT_CHECKER = "fact-checker"
JOURNALIST = "journalist"
ADMIN = "admin"
ROLES = (FACT_CHECKER, JOURNALIST, ADMIN)
# Who can be given claims to check: these roles and superusers (journalists read the desk, they don't check).
ASSIGNABLE_ROLES = (FACT_CHECKER, ADMIN)

STATUS_PERMISSION = "claims.change_claim_status"
IMPORT_PERMISSION = "claims.import_claims"


def is_desk_admin(user) -> bool:
    """Superusers and members of the admin group."""
    return bool(user and user.is_active and (user.is_superuser or user.groups.filter(name=ADMIN).exists()))


def takes_claims(user) -> bool:
    """Whether claims can be assigned to this user (claims.selectors.assignable_users lists them all)."""
    return bool(
        user and user.is_active and (user.is_superuser or user.groups.filter(name__in=ASSIGNABLE_ROLES).exists())
    )
