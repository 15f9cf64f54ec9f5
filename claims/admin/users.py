"""The desk's user accounts and API tokens in the admin: what a desk admin may change, and what only a superuser may.

Superusers see Django's own user admin. A desk admin (the admin role: auth.add_user / change_user / view_user)
creates users, gives them roles among the desk's three groups, activates and deactivates them and resets their
passwords, but never touches the superuser flag, user permissions, groups outside the three roles, or an account
that holds admin powers (claims.roles.may_manage_account): those pages are read-only to them, and a POST to them,
or to their password page, is refused (403). Fields a desk admin is not shown are not in the form, so a crafted
POST of them is ignored.

API tokens (django-rest-knox) are kept as digests: the page that creates one shows the token once, on the page itself
(never in a message, which may travel in a cookie), and a token is never edited, only created or deleted.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from knox.admin import AuthTokenAdmin
from knox.models import AuthToken

import factcheck.api.authentication  # noqa: F401 - a token deleted here leaves the API's cache too

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


admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class ApiTokenAdmin(AuthTokenAdmin):
    list_display = ("token_key", "user", "created", "expiry")
    list_select_related = ("user",)
    search_fields = ("token_key", "user__username")
    shown_fields = ("token_key", "user", "created", "expiry")

    def get_fields(self, request, obj=None):
        return ("user", "expiry") if obj is None else self.shown_fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.shown_fields

    def has_change_permission(self, request, obj=None):
        return False  # a token is created or deleted, never edited

    def save_model(self, request, obj, form, change):
        super(AuthTokenAdmin, self).save_model(request, obj, form, change)  # knox's would put the token in a message
        request.created_api_token = form.token

    def response_add(self, request, obj, post_url_continue=None):
        context = {
            **self.admin_site.each_context(request),
            "title": "API token created",
            "opts": self.opts,
            "token_user": obj.user,
            "token": request.created_api_token,
        }
        response = TemplateResponse(request, "admin/knox/authtoken/created.html", context)
        add_never_cache_headers(response)
        return response
