"""The desk's user accounts in the admin: what a desk admin may change, and what only a superuser may.

Superusers see Django's own user admin. A desk admin (the admin role: auth.add_user / change_user / view_user)
creates users, gives them roles among the desk's three groups, activates and deactivates them and resets their
passwords, but never touches the superuser flag, user permissions, groups outside the three roles, or an account
that holds admin powers (claims.roles.may_manage_account): those pages are read-only to them, and a POST to them,
or to their password page, is refused (403). Fields a desk admin is not shown are not in the form, so a crafted
POST of them is ignored.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User

from ..roles import ROLES, may_manage_account

DESK_ADMIN_FIELDSETS = (
    (None, {"fields": ("username", "password")}),
    ("Personal info", {"fields": ("first_name", "last_name", "email")}),
    (
        "Role",
        {
            "fields": ("is_active", "is_staff", "groups"),
            "description": "Roles are the desk's groups: " + ", ".join(ROLES) + ".",
        },
    ),
    ("Important dates", {"fields": ("last_login", "date_joined")}),
)


admin.site.unregister(User)


@admin.register(User)
class DeskUserAdmin(UserAdmin):
    def get_fieldsets(self, request, obj=None):
        if obj is None or request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return DESK_ADMIN_FIELDSETS

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ("last_login", "date_joined")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=ROLES).order_by("name")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_manage_account(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or may_manage_account(request.user, obj))

    def save_related(self, request, form, formsets, change):
        # A desk admin's form offers the three roles only: groups outside them, which a superuser gave, stay.
        kept = []
        if change and not request.user.is_superuser:
            kept = list(form.instance.groups.exclude(name__in=ROLES))
        super().save_related(request, form, formsets, change)
        if kept:
            form.instance.groups.add(*kept)
