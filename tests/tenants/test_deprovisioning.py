"""Deprovisioning keeps data safe: export first, then deactivate; the schema is dropped only in
an explicit second step, and only when the export exists."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from mozaika.audit.log import Actor
from mozaika.errors import Conflict
from mozaika.tenancy import Teryt
from tenants.models import Tenant
from tenants.tenancy.deprovisioning import tenant_deprovision, tenant_schema_drop
from tests.support import TRZEBIEL, Api

TEST_ACTOR = Actor.system("test")


def schema_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [name])
        return cursor.fetchone() is not None


def test_deprovisioning_exports_every_row_then_deactivates(
    db: None, created_plan: dict[str, Any], operator: Api, local_archive: Path
) -> None:
    tenant = Tenant.objects.get(code=TRZEBIEL)

    export = tenant_deprovision(tenant=tenant, actor=TEST_ACTOR)

    exported = json.loads((local_archive / export.archive_key).read_text())
    titles = {row["fields"]["title"] for row in exported if row["model"] == "plans.plan"}
    assert created_plan["title"] in titles
    assert export.rows == len(exported)
    assert sum(1 for row in exported if row["model"] == "plans.indicator") == 29 + 1
    tenant.refresh_from_db()
    assert tenant.is_active is False
    assert schema_exists(Teryt(TRZEBIEL).schema_name)
    gone = operator.get(f"/api/v1/gminas/{TRZEBIEL}/plans")
    assert gone.status_code == 410
    assert gone.json()["code"] == "gone"


def test_the_schema_cannot_be_dropped_while_active_or_unexported(db: None) -> None:
    tenant = Tenant.objects.get(code=TRZEBIEL)
    with pytest.raises(Conflict, match="deprovision"):
        tenant_schema_drop(tenant=tenant, actor=TEST_ACTOR)

    Tenant.objects.filter(pk=tenant.pk).update(is_active=False)  # deactivated without an export
    tenant.refresh_from_db()
    with pytest.raises(Conflict, match="no export"):
        tenant_schema_drop(tenant=tenant, actor=TEST_ACTOR)
    assert schema_exists(Teryt(TRZEBIEL).schema_name)


def test_dropping_after_deprovisioning_removes_the_schema(db: None) -> None:
    tenant = Tenant.objects.get(code=TRZEBIEL)
    tenant_deprovision(tenant=tenant, actor=TEST_ACTOR)
    tenant.refresh_from_db()

    tenant_schema_drop(tenant=tenant, actor=TEST_ACTOR)

    assert not schema_exists(Teryt(TRZEBIEL).schema_name)
    tenant.refresh_from_db()
    assert tenant.schema_dropped_at is not None
