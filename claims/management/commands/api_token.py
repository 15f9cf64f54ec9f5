"""Create, rotate or revoke a user's API token (for scripts: `Authorization: Token <token>`).

python manage.py api_token alice            # creates alice's token and prints it, once
python manage.py api_token alice --rotate   # replaces it (prints the new one): the old token stops working at once
python manage.py api_token alice --revoke   # deletes it

Only a digest of the token is kept (django-rest-knox), so a token can't be shown again: a lost one is rotated.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from knox.models import AuthToken

import factcheck.api.authentication  # noqa: F401 - a rotated or revoked token leaves the API's cache too


class Command(BaseCommand):
    help = "Create a user's API token and print it once (--rotate replaces it, --revoke deletes it)."

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
        tokens = AuthToken.objects.filter(user=user)
        if revoke:
            deleted, _ = tokens.delete()  # each one's post_delete takes it out of the cache
            self.stdout.write(f"revoked {username}'s token" if deleted else f"{username} had no token")
            return
        with transaction.atomic():
            existing = list(tokens.select_for_update().order_by("created"))
            if existing and not rotate:
                first = existing[0]
                raise CommandError(
                    f"{username} already has a token (starting {first.token_key}…, created {first.created:%Y-%m-%d}); "
                    "only its digest is kept, so it can't be shown again: --rotate replaces it"
                )
            tokens.delete()
            _, token_text = AuthToken.objects.create(user=user, expiry=None)
        if rotate and existing:
            self.stderr.write(f"rotated {username}'s token; the old one no longer works. It is shown this once:")
        else:
            self.stderr.write(f"created a token for {username}. It is shown this once:")
        self.stdout.write(token_text)
