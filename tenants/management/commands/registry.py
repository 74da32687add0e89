from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mozaika.errors import ValidationFailed
from tenants.registry.populations import populations_load
from tenants.registry.standards import STANDARDS_FILE, indicator_standards_load
from tenants.registry.terc import TERC_2020, registry_import


class Command(BaseCommand):
    help = (
        "The territorial registry: `registry import [FILE] [--changes]` loads a TERC register or change file; "
        "`registry populations FILE [--year YYYY]` loads GUS's population figures (a BDL CSV export); "
        "`registry standards [FILE]` brings the standard indicators' catalogue to a file's edition."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser("import", help="import a full TERC register or, with --changes, a change file")
        load.add_argument("file", nargs="?", type=Path, default=TERC_2020)
        load.add_argument("--changes", action="store_true", help="the file lists changes (D/M/U)")
        people = actions.add_parser("populations", help="load the gminas' populations from a BDL CSV export")
        people.add_argument("file", type=Path)
        people.add_argument("--year", type=int, default=None, help="that year's figures (default: each gmina's latest)")
        standards = actions.add_parser("standards", help="bring the standard indicators' catalogue to a file's edition")
        standards.add_argument("file", nargs="?", type=Path, default=STANDARDS_FILE)

    def handle(self, *args: Any, action: str, file: Path, **options: Any) -> None:
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            if action == "standards":
                catalogue = indicator_standards_load(file)
                self.stdout.write(f"catalogue edition {catalogue.edition}: {catalogue.added} added, "
                                  f"{catalogue.changed} changed, {catalogue.retired} retired")  # fmt: skip
                return
            if action == "populations":
                loaded = populations_load(file, year=options["year"])
                self.stdout.write(f"populations of {loaded.gminas} gminas loaded (latest year {loaded.year})")
                if loaded.without_population:
                    self.stdout.write(f"{loaded.without_population} active gminas have no population figure yet")
                return
            summary = registry_import(file, changes=options["changes"])
        except ValidationFailed as error:
            for problem in error.errors:
                self.stderr.write(f"{problem.path}: {problem.message}")
            raise CommandError(error.detail) from error
        for line in summary.lines() or ["nothing to do"]:
            self.stdout.write(line)
