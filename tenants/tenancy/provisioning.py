"""Creating tenants (a gmina or a powiat with its own schema), safely and fast.

Each tenant is created in one transaction under an advisory lock on its code: the registry row,
the schema with all its tables, and the `tenant.provisioned` event commit together or not at
all, and two processes provisioning the same tenant create it once. Re-running skips tenants
that are complete and repairs any half-created schema left by another path (see `tenants.tenancy.ddl`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from django.core.management import call_command
from django.db import connection, transaction

from mozaika.audit.log import Actor, audit_record
from mozaika.errors import Conflict, NotFound
from mozaika.events.bus import event_record
from mozaika.locks import advisory_xact_lock
from mozaika.tenancy import Teryt, quoted_schema
from tenants.events import TENANT_PROVISIONED
from tenants.models import TENANT_GMINA_KINDS, Gmina, Powiat, Tenant, TenantKind
from tenants.registry.selectors import gminas_in_scope
from tenants.tenancy.ddl import (
    DdlNotReplayable,
    DdlScript,
    schema_create_from_script,
    schema_is_complete,
    tenant_ddl_script,
)

logger = logging.getLogger(__name__)

# PostgreSQL caches catalog entries per connection (~14 KB per table touched): a long run over
# thousands of schemas must reopen its connection now and then.
RECYCLE_CONNECTION_EVERY = 200


class Outcome(StrEnum):
    CREATED = "created"
    REPAIRED = "repaired"
    EXISTED = "existed"
    FAILED = "failed"


@dataclass
class ProvisioningSummary:
    outcomes: dict[Outcome, int] = field(default_factory=lambda: dict.fromkeys(Outcome, 0))
    failures: dict[str, str] = field(default_factory=dict)

    def add(self, code: str, outcome: Outcome, reason: str = "") -> None:
        self.outcomes[outcome] += 1
        if outcome is Outcome.FAILED:
            self.failures[code] = reason


@dataclass(frozen=True)
class TenantUnit:
    """What the registry says about a unit that may become a tenant."""

    code: str
    kind: TenantKind
    name: str
    voivodeship_id: str


def tenant_unit(code: str) -> TenantUnit:
    """The registry unit behind a tenant code; only whole, active gminas and powiats qualify."""
    if Teryt(code).is_gmina:
        gmina = Gmina.objects.filter(teryt=code, is_active=True).first()
        if gmina is None:
            raise NotFound(f"{code} is not an active gmina in the registry.")
        if gmina.kind not in TENANT_GMINA_KINDS:
            raise Conflict(f"{code} is a part of a gmina ({gmina.get_kind_display()}), not a gmina.")
        return TenantUnit(code, TenantKind.GMINA, gmina.name, gmina.voivodeship_id)
    powiat = Powiat.objects.filter(code=code, is_active=True).first()
    if powiat is None:
        raise NotFound(f"{code} is not an active powiat in the registry.")
    return TenantUnit(code, TenantKind.POWIAT, powiat.name, powiat.voivodeship_id)


def _lock(code: str) -> None:
    advisory_xact_lock("tenant", code)


def tenant_provision(*, code: str, actor: Actor, ddl: DdlScript | None = None) -> tuple[Tenant, Outcome]:
    """Create the tenant `code` (a 7-digit gmina or 4-digit powiat TERYT code) if needed."""
    unit = tenant_unit(code)
    schema_name = Teryt(code).schema_name
    try:
        ddl = ddl or tenant_ddl_script()
    except DdlNotReplayable:
        ddl = None
    with transaction.atomic():
        _lock(code)
        tenant: Tenant | None = Tenant.objects.filter(code=code).first()
        state = schema_is_complete(schema_name, ddl) if ddl else None
        if tenant is not None and state:
            return tenant, Outcome.EXISTED
        outcome = Outcome.CREATED
        if state is not None:  # a schema without its tenant row, or a half-created one
            with connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA {quoted_schema(schema_name)} CASCADE")
            outcome = Outcome.REPAIRED
        if tenant is None:
            tenant = Tenant(
                code=code, kind=unit.kind, name=unit.name, voivodeship_id=unit.voivodeship_id, schema_name=schema_name
            )
            tenant.save(verbosity=0)
        if ddl is not None:
            schema_create_from_script(schema_name, ddl)
        else:
            _schema_create_by_migrating(schema_name)
        event_record(
            type=TENANT_PROVISIONED,
            teryt=code,
            aggregate="tenant",
            aggregate_id=code,
            aggregate_version=1,
            actor=actor.name,
            payload={"kind": unit.kind, "name": unit.name, "voivodeship": unit.voivodeship_id, "outcome": outcome},
        )
        audit_record(
            actor=actor, action=f"tenant.provision.{outcome}", object_type="tenant", object_id=code, teryt=code
        )
    return tenant, outcome


def _schema_create_by_migrating(schema_name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {quoted_schema(schema_name)}")
    call_command("migrate_schemas", schema_name=schema_name, interactive=False, verbosity=0)


def tenants_provision(
    *, codes: Iterable[str], actor: Actor, progress: Callable[[str, Outcome], None] | None = None
) -> ProvisioningSummary:
    """Provision many tenants, one transaction each: an interruption loses at most the one in
    flight, and a failure is reported without stopping the rest."""
    summary = ProvisioningSummary()
    ddl: DdlScript | None
    try:
        ddl = tenant_ddl_script()
    except DdlNotReplayable:
        ddl = None
    for done, code in enumerate(codes, start=1):
        try:
            _, outcome = tenant_provision(code=code, actor=actor, ddl=ddl)
            summary.add(code, outcome)
        except Exception as error:
            logger.exception("provisioning %s failed", code)
            outcome = Outcome.FAILED
            summary.add(code, outcome, f"{type(error).__name__}: {error}")
        if progress is not None:
            progress(code, outcome)
        if done % RECYCLE_CONNECTION_EVERY == 0:
            connection.close()
    return summary


def provisionable_codes(*, voivodeship: str | None = None, teryt: list[str] | None = None) -> list[str]:
    """Codes of the whole active gminas to provision: some, a voivodeship's, or all."""
    if teryt is not None:
        return list(teryt)
    return list(gminas_in_scope(voivodeship=voivodeship).order_by("teryt").values_list("teryt", flat=True))
