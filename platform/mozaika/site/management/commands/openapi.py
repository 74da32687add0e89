"""`python -m mozaika openapi`: is the published contract (`docs/openapi-v1.json`) the API's?
`--write` stores the API's document there, refusing a breaking change within a major version."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mozaika.site.contract import CONTRACT_PATH, breaking_changes, contract_text, major_version


class Command(BaseCommand):
    help = "Compare the API's OpenAPI document with the published contract; --write stores it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", action="store_true", help="store the document as the contract")

    def handle(self, *args: Any, write: bool, **options: Any) -> None:
        from mozaika.site.api import api

        current = json.loads(contract_text(api.get_openapi_schema()))
        published = json.loads(CONTRACT_PATH.read_text()) if CONTRACT_PATH.exists() else None
        breaking = breaking_changes(published, current) if published else []
        if breaking and major_version(published or {}) == major_version(current):
            raise CommandError(
                "Breaking changes within major version "
                f"{major_version(current)} (keep the old shape, or raise info.version):\n  " + "\n  ".join(breaking)
            )
        if current == published:
            self.stdout.write(f"{CONTRACT_PATH.name} is the API's document.")
        elif write:
            CONTRACT_PATH.write_text(contract_text(current))
            self.stdout.write(f"stored {CONTRACT_PATH.name} ({len(current['paths'])} paths)")
        else:
            raise CommandError(
                f"{CONTRACT_PATH.name} is not the API's document: run `python -m mozaika openapi --write`."
            )
