"""`python -m mozaika tenants provision|deprovision|drop|migrate ...`"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from mozaika.audit.log import Actor
from mozaika.errors import MozaikaError
from mozaika.tenancy import TERYT_PATTERN
from tenants.models import Tenant
from tenants.tenancy.deprovisioning import tenant_deprovision, tenant_schema_drop
from tenants.tenancy.provisioning import Outcome, provisionable_codes, tenants_provision
from tenants.tenancy.schema_migrations import tenants_migrate
from tenants.tenancy.selectors import tenant_get

CLI_ACTOR = Actor.system("cli")


class Command(BaseCommand):
    help = "Provision, deprovision, drop and migrate tenant schemas."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        provision = actions.add_parser("provision", help="create tenant schemas for registry entries lacking one")
        scope = provision.add_mutually_exclusive_group(required=True)
        scope.add_argument("--all", action="store_true", help="every active gmina in the registry")
        scope.add_argument("--voivodeship", help="the gminas of one voivodeship, e.g. 08")
        scope.add_argument("--teryt", nargs="+", help="gmina (7-digit) or powiat (4-digit) codes")
        deprovision = actions.add_parser("deprovision", help="export a tenant to the archive, then deactivate it")
        deprovision.add_argument("--teryt", required=True)
        drop = actions.add_parser("drop", help="drop the schema of a deprovisioned, exported tenant")
        drop.add_argument("--teryt", required=True)
        drop.add_argument("--confirm", required=True, help="repeat the code to confirm")
        actions.add_parser("migrate", help="apply new migrations to every tenant schema that lacks them")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, f"_{action}")(**options)
        except MozaikaError as error:
            raise CommandError(error.detail) from error

    def _provision(self, *, all: bool, voivodeship: str | None, teryt: list[str] | None, **_: Any) -> None:
        import re

        for code in teryt or []:
            if not re.match(TERYT_PATTERN, code):
                raise CommandError(f"not a gmina or powiat TERYT code: {code!r}")
        codes = provisionable_codes(voivodeship=voivodeship, teryt=teryt)
        with tqdm(total=len(codes), unit="tenant", file=sys.stderr, disable=None) as bar:

            def progress(code: str, outcome: Outcome) -> None:
                bar.set_postfix_str(f"{code} {outcome}", refresh=False)
                bar.update()

            summary = tenants_provision(codes=codes, actor=CLI_ACTOR, progress=progress)
        self.stdout.write(", ".join(f"{outcome}: {n}" for outcome, n in summary.outcomes.items()))
        for code, reason in summary.failures.items():
            self.stderr.write(f"FAILED {code}: {reason}")
        if summary.failures:
            raise CommandError(f"{len(summary.failures)} tenant(s) failed; re-run to retry them")

    def _deprovision(self, *, teryt: str, **_: Any) -> None:
        export = tenant_deprovision(tenant=tenant_get(code=teryt), actor=CLI_ACTOR)
        self.stdout.write(
            f"exported {export.rows} rows to {export.archive_key} (sha256 {export.sha256}); {teryt} is inactive"
        )

    def _drop(self, *, teryt: str, confirm: str, **_: Any) -> None:
        if confirm != teryt:
            raise CommandError("--confirm must repeat the code")
        tenant = Tenant.objects.filter(code=teryt).first()
        if tenant is None:
            raise CommandError(f"{teryt} is not a tenant")
        tenant_schema_drop(tenant=tenant, actor=CLI_ACTOR)
        self.stdout.write(f"dropped schema {tenant.schema_name}")

    def _migrate(self, **_: Any) -> None:
        with tqdm(unit="schema", file=sys.stderr, disable=None) as bar:
            summary = tenants_migrate(progress=lambda schema: bar.update())
        self.stdout.write(
            f"up to date: {summary.up_to_date}, migrated: {summary.migrated}, "
            f"replayed: {summary.replayed}, failed: {len(summary.failures)}"
        )
        for schema, reason in summary.failures.items():
            self.stderr.write(f"FAILED {schema}: {reason}")
        if summary.failures:
            raise CommandError(f"{len(summary.failures)} schema(s) failed")
