"""`manage.py create_user NAME --role fact-checker|journalist|admin`: a desk user in one role."""

import secrets
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from claims.roles import ROLES


class Command(BaseCommand):
    help = "Create a user with one of the desk's roles (or give an existing user that role)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=ROLES)
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from standard input instead of generating one",
        )

    def handle(self, *args, username, role, email, password_stdin, **options):
        User = get_user_model()
        password = sys.stdin.readline().rstrip("\n") if password_stdin else secrets.token_urlsafe(12)
        group = Group.objects.filter(name=role).first()
        if group is None:
            raise CommandError(f"the role {role!r} doesn't exist: run `python manage.py migrate` first")
        with transaction.atomic():
            user, created = User.objects.get_or_create(username=username, defaults={"email": email})
            if created:
                try:
                    validate_password(password, user)
                except ValidationError as exc:
                    raise CommandError("password refused: " + " ".join(exc.messages)) from exc
                user.set_password(password)
            user.is_staff = True  # the desk is the admin site; permissions come from the role
            user.save()
            user.groups.remove(*Group.objects.filter(name__in=ROLES).exclude(name=role))
            user.groups.add(group)
        if created:
            shown = "(the password you gave)" if password_stdin else password
            self.stdout.write(self.style.SUCCESS(f"Created {role} {username!r}. Password: {shown}"))
            if not password_stdin:
                self.stdout.write("It is shown once; change it with: python manage.py changepassword " + username)
        else:
            self.stdout.write(self.style.SUCCESS(f"{username!r} now has the role {role}; password unchanged."))
