from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mozaika.identity.tokens import api_token_issue


class Command(BaseCommand):
    help = "Issue a bearer token for USERNAME; the token is the last line of the output."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user named {username!r}")
        secret = api_token_issue(user=user)
        self.stderr.write(f"Bearer token for {username} (shown once; only its hash is stored):")
        self.stdout.write(secret)
