from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.registry.terc import TERC_2020, RegistryImportError, registry_import


class Command(BaseCommand):
    help = "The territorial registry: `registry import [FILE] [--changes]` loads a TERC register or change file."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser("import", help="import a full TERC register or, with --changes, a change file")
        load.add_argument("file", nargs="?", type=Path, default=TERC_2020)
        load.add_argument("--changes", action="store_true", help="the file lists changes (D/M/U)")

    def handle(self, *args: Any, action: str, file: Path, changes: bool, **options: Any) -> None:
        try:
            summary = registry_import(file, changes=changes)
        except RegistryImportError as error:
            for problem in error.errors:
                self.stderr.write(f"{problem.path}: {problem.message}")
            raise CommandError(error.detail) from error
        for line in summary.lines() or ["nothing to do"]:
            self.stdout.write(line)
