"""Create, show or rotate a user's API token (for scripts: `Authorization: Token <key>`).

python manage.py api_token alice            # prints alice's token, creating one if she has none
python manage.py api_token alice --rotate   # replaces it: the old token stops working at once
python manage.py api_token alice --revoke   # deletes it
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

import factcheck.api.authentication  # noqa: F401 - a rotated or revoked token leaves the API's cache too


class Command(BaseCommand):
    help = "Print a user's API token, creating it if needed (--rotate replaces it, --revoke deletes it)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--rotate", action="store_true", help="replace the token; the old one stops working")
        group.add_argument("--revoke", action="store_true", help="delete the token")

    def handle(self, *args, username, rotate, revoke, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist as exc:
            raise CommandError(f"no user named {username!r} (create one with createsuperuser or the admin)") from exc
        if not user.is_active:
            raise CommandError(f"{username!r} is not active; activate the account first")
        if revoke:
            deleted, _ = Token.objects.filter(user=user).delete()
            self.stdout.write(f"revoked {username}'s token" if deleted else f"{username} had no token")
            return
        if rotate:
            Token.objects.filter(user=user).delete()
        token, created = Token.objects.get_or_create(user=user)
        if created and not rotate:
            self.stderr.write(f"created a token for {username}")
        elif rotate:
            self.stderr.write(f"rotated {username}'s token; the old one no longer works")
        self.stdout.write(token.key)
