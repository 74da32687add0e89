"""Retiring a tenant without losing anything: export its whole schema to the archive, then mark
it inactive; dropping the schema is a separate, explicit step that needs both."""

from __future__ import annotations

import hashlib
import tempfile
from typing import IO, cast

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.db import connection, transaction
from django.utils import timezone

from mozaika.archive import get_archive
from mozaika.audit.log import Actor, audit_record
from mozaika.errors import Conflict
from mozaika.events.bus import event_record
from mozaika.tenancy import in_gmina, quoted_schema
from tenants.events import TENANT_DEPROVISIONED, TENANT_SCHEMA_DROPPED
from tenants.models import Tenant, TenantExport
from tenants.registry.cache import registry_changed


def _tenant_models() -> list[type]:
    labels = [apps.get_app_config(name.rsplit(".", 1)[-1]).label for name in settings.TENANT_APPS]
    return [model for label in labels for model in apps.get_app_config(label).get_models()]


def tenant_export(*, tenant: Tenant, actor: Actor) -> TenantExport:
    """Every row of every tenant table, as Django's JSON serialisation, into the archive."""
    archive = get_archive()
    rows = 0
    with tempfile.TemporaryFile() as spool:
        text = _TextToBytes(spool)
        with in_gmina(tenant.code):
            text.write("[")
            first = True
            for model in _tenant_models():
                for obj in model._default_manager.order_by("pk").iterator(chunk_size=500):  # type: ignore[attr-defined]
                    text.write(("" if first else ",\n") + serializers.serialize("json", [obj])[1:-1])
                    first = False
                    rows += 1
            text.write("]\n")
        spool.seek(0)
        digest = hashlib.sha256()
        while chunk := spool.read(1 << 20):
            digest.update(chunk)
        size = spool.tell()
        spool.seek(0)
        staged = archive.stage(cast(IO[bytes], spool))
    stored = archive.store(
        staging_key=staged,
        teryt=tenant.code,
        sha256=digest.hexdigest(),
        metadata={"teryt": tenant.code, "kind": "tenant-export", "exported-by": actor.name},
    )
    return TenantExport.objects.create(
        tenant=tenant, archive_key=stored.key, sha256=stored.sha256, size=size, rows=rows, exported_by=actor.name
    )


class _TextToBytes:
    def __init__(self, target: IO[bytes]) -> None:
        self.target = target

    def write(self, text: str) -> None:
        self.target.write(text.encode())


def tenant_deprovision(*, tenant: Tenant, actor: Actor) -> TenantExport:
    """Export, then deactivate: the API answers 410 for it from then on. The schema stays."""
    if not tenant.is_active:
        raise Conflict(f"Tenant {tenant.code} is already inactive.")
    export = tenant_export(tenant=tenant, actor=actor)
    with transaction.atomic():
        Tenant.objects.filter(pk=tenant.pk).update(is_active=False, deactivated_at=timezone.now())
        registry_changed()
        event_record(
            type=TENANT_DEPROVISIONED,
            teryt=tenant.code,
            aggregate="tenant",
            aggregate_id=tenant.code,
            aggregate_version=2,
            actor=actor.name,
            payload={"export": export.archive_key, "sha256": export.sha256, "rows": export.rows},
        )
        audit_record(
            actor=actor,
            action="tenant.deprovision",
            object_type="tenant",
            object_id=tenant.code,
            teryt=tenant.code,
            changes={"is_active": [True, False], "export": [None, export.archive_key]},
        )
    return export


def tenant_schema_drop(*, tenant: Tenant, actor: Actor) -> None:
    """Drop the schema of a deprovisioned tenant whose export is in the archive."""
    if tenant.is_active:
        raise Conflict(f"Tenant {tenant.code} is active: deprovision it (export, deactivate) first.")
    if not tenant.exports.exists():
        raise Conflict(f"Tenant {tenant.code} has no export in the archive; refusing to drop its data.")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {quoted_schema(tenant.schema_name)} CASCADE")
        Tenant.objects.filter(pk=tenant.pk).update(schema_dropped_at=timezone.now())
        registry_changed()
        event_record(
            type=TENANT_SCHEMA_DROPPED,
            teryt=tenant.code,
            aggregate="tenant",
            aggregate_id=tenant.code,
            aggregate_version=3,
            actor=actor.name,
            payload={},
        )
        audit_record(
            actor=actor, action="tenant.drop_schema", object_type="tenant", object_id=tenant.code, teryt=tenant.code
        )
