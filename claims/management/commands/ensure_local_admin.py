"""`manage.py ensure_local_admin`: make sure a local development checkout has an admin login, and say how to use it.

Creates the superuser `admin` with a fresh random password (printed once) when no superuser exists; otherwise names
the existing superusers and how to reset a password. There is no fixed password: each checkout gets its own.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "admin"
LOGIN_URL = "http://127.0.0.1:8000/admin/"


class Command(BaseCommand):
    help = "Local development only: create the superuser 'admin' with a random password if no superuser exists."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url",
            default=LOGIN_URL,
            help=f"The admin's address as served, named in the output (default {LOGIN_URL}).",
        )

    def handle(self, *args, **options):
        login_url = options["url"]
        if not settings.DEBUG:
            raise CommandError(
                "ensure_local_admin is for local development only (settings.DEBUG is off); "
                "elsewhere create accounts with: python manage.py createsuperuser"
            )
        user_model = get_user_model()
        username_field = user_model.USERNAME_FIELD
        superusers = list(
            user_model.objects.filter(is_superuser=True)
            .order_by(username_field)
            .values_list(username_field, "is_active")
        )
        if superusers:
            names = ", ".join(name if active else f"{name} (inactive)" for name, active in superusers)
            self.stdout.write(
                f"Superuser(s) already exist: {names}. Log in at {login_url}; "
                "to set a new password: python manage.py changepassword <username>"
            )
            return
        if user_model.objects.filter(**{username_field: USERNAME}).exists():
            raise CommandError(
                f"a user {USERNAME!r} exists but is not a superuser; create one with: python manage.py createsuperuser"
            )
        password = secrets.token_urlsafe(12)
        user_model.objects.create_superuser(**{username_field: USERNAME}, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Log in at {login_url} as {USERNAME} / {password} "
                f"(shown once; change it with: python manage.py changepassword {USERNAME})"
            )
        )
