"""Create an API token for a user; the token is the last line of the output (shown only once)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from minisentry.api.tokens import new_token
from minisentry.models import ApiToken


class Command(BaseCommand):
    help = "Create a bearer token for the API (minisentry.api.urls, sentry-cli); prints it as the last line."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="The user the token acts as (their permissions apply).")
        parser.add_argument("--scope", choices=ApiToken.Scope.values, default=ApiToken.Scope.READ,
                            help="read (the default), or write: resolve, ignore, assign, merge, delete.")
        parser.add_argument("--label", default="", help="A name to recognise the token by.")

    def handle(self, *args, user, scope, label, **options):
        User = get_user_model()
        try:
            owner = User.objects.get(**{User.USERNAME_FIELD: user})
        except User.DoesNotExist:
            raise CommandError(f"No user {user!r}.") from None
        if not owner.is_active:
            raise CommandError(f"User {user!r} is not active.")
        token, raw = new_token(owner, scope, label)
        self.stdout.write(f"A {scope} token for {user} (shown only now; it is kept as a digest):")
        self.stdout.write(raw)
