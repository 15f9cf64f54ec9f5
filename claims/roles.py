"""The desk's roles. The groups and their permissions are created by migration claims/0004_roles."""

FACT_CHECKER = "fact-checker"
JOURNALIST = "journalist"
ADMIN = "admin"
ROLES = (FACT_CHECKER, JOURNALIST, ADMIN)
# Who can be given claims to check: these roles and superusers (journalists read the desk, they don't check).
ASSIGNABLE_ROLES = (FACT_CHECKER, ADMIN)

STATUS_PERMISSION = "claims.change_claim_status"
IMPORT_PERMISSION = "claims.import_claims"
# Creating a claim with its first appearance: the fact-checker and admin roles. The intake's actions (accept,
# attach, dismiss) need the same (claims.services.intake).
CREATE_PERMISSIONS = ("claims.add_claim", "claims.add_appearance")


def is_desk_admin(user) -> bool:
    """Superusers and members of the admin group."""
    return bool(user and user.is_active and (user.is_superuser or user.groups.filter(name=ADMIN).exists()))


def may_create_claims(user) -> bool:
    """Whether this user may create claims and their appearances (CREATE_PERMISSIONS; superusers have all)."""
    return bool(user and user.is_active and user.has_perms(CREATE_PERMISSIONS))


def takes_claims(user) -> bool:
    """Whether claims can be assigned to this user (claims.selectors.assignable_users lists them all)."""
    return bool(
        user and user.is_active and (user.is_superuser or user.groups.filter(name__in=ASSIGNABLE_ROLES).exists())
    )


def holds_admin_powers(account) -> bool:
    """A superuser or a member of the admin group, active or not: an account only a superuser manages."""
    return bool(account.is_superuser or account.groups.filter(name=ADMIN).exists())


def may_manage_account(actor, account) -> bool:
    """Whether `actor` may change `account`: its details, roles, active flag and password.

    Superusers manage every account. Desk admins manage the desk's other users (create them, give them roles among
    ROLES, activate and deactivate them, reset their passwords) but no account that holds admin powers, their own
    included: a desk admin changes their own password on the password-change page, which asks for the old one.
    """
    if not (actor and actor.is_active):
        return False
    if actor.is_superuser:
        return True
    return actor.has_perm("auth.change_user") and not holds_admin_powers(account)
