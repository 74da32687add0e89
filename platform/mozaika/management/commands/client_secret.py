from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mozaika.audit.log import Actor
from mozaika.identity.models import ApiClient
from mozaika.identity.tokens import ROTATION_GRACE, api_client_rotate


class Command(BaseCommand):
    help = "Rotate an API client's secret: prints the new one as the last line; the previous stays valid a while."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")

    def handle(self, *args: Any, name: str, **options: Any) -> None:
        client = ApiClient.objects.filter(name=name, is_active=True).first()
        if client is None:
            raise CommandError(f"no active API client named {name!r}")
        secret = api_client_rotate(client_id=client.pk, actor=Actor.system("cli"))
        grace = f"{ROTATION_GRACE.days} days"
        self.stderr.write(f"New secret for {name} (shown once; the previous one stays valid for {grace}):")
        self.stdout.write(secret)
