"""Provisioning: a replayed schema is the schema migrations would build; half-created schemas are
repaired; only whole gminas and powiats become tenants; names never come from user input."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from mozaika.audit.log import Actor
from mozaika.errors import Conflict, NotFound
from mozaika.tenancy import Teryt, quoted_schema
from tenants.models import Tenant, TenantKind
from tenants.tenancy.ddl import expected_migrations, tenant_ddl_script
from tenants.tenancy.provisioning import Outcome, _schema_create_by_migrating, tenant_provision

TEST_ACTOR = Actor.system("test")

LEKNICA = "0811011"
BRODY = "0811032"


def catalog(schema: str) -> dict[str, Any]:
    """What a schema holds, with its own name taken out so two schemas compare."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type, is_nullable, coalesce(column_default, ''), "
            "coalesce(character_maximum_length, 0), is_identity FROM information_schema.columns "
            "WHERE table_schema = %s ORDER BY 1, 2",
            [schema],
        )
        columns = cursor.fetchall()
        cursor.execute(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = %s ORDER BY 2",
            [schema],
        )
        constraints = cursor.fetchall()
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %s ORDER BY 1", [schema])
        indexes = cursor.fetchall()
        cursor.execute(f"SELECT app, name FROM {quoted_schema(schema)}.django_migrations ORDER BY 1, 2")  # noqa: S608
        migrations = cursor.fetchall()
    text = repr((columns, constraints, indexes)).replace(f"{schema}.", "").replace(f'"{schema}".', "")
    return {"ddl": text, "migrations": migrations}


def test_a_replayed_schema_equals_a_migrated_one(db: None) -> None:
    tenant_provision(code=LEKNICA, actor=TEST_ACTOR)
    _schema_create_by_migrating(Teryt(BRODY).schema_name)

    replayed, migrated = catalog(Teryt(LEKNICA).schema_name), catalog(Teryt(BRODY).schema_name)

    assert replayed["ddl"] == migrated["ddl"]
    assert replayed["migrations"] == migrated["migrations"]
    assert "plans_plan" in replayed["ddl"]
    assert {tuple(m) for m in replayed["migrations"]} == expected_migrations()


def test_the_ddl_script_is_captured_once_per_migration_state(db: None) -> None:
    first = tenant_ddl_script()
    assert tenant_ddl_script() is first
    assert 'CREATE TABLE "plans_plan"' in first.script


def test_provisioning_twice_finds_the_tenant_complete(db: None) -> None:
    _, first = tenant_provision(code=LEKNICA, actor=TEST_ACTOR)
    tenant, second = tenant_provision(code=LEKNICA, actor=TEST_ACTOR)

    assert (first, second) == (Outcome.CREATED, Outcome.EXISTED)
    assert Tenant.objects.filter(code=LEKNICA).count() == 1
    assert tenant.schema_name == "g0811011"


def test_a_half_created_schema_is_repaired(db: None) -> None:
    with connection.cursor() as cursor:  # as if a crash stopped a schema's creation midway
        cursor.execute('CREATE SCHEMA "g0811011"; CREATE TABLE "g0811011"."plans_plan" (id int)')

    _, outcome = tenant_provision(code=LEKNICA, actor=TEST_ACTOR)

    assert outcome is Outcome.REPAIRED
    assert {tuple(m) for m in catalog("g0811011")["migrations"]} == expected_migrations()


def test_a_powiat_is_provisioned_the_same_way(db: None) -> None:
    tenant, outcome = tenant_provision(code="0811", actor=TEST_ACTOR)

    assert outcome is Outcome.CREATED
    assert (tenant.kind, tenant.schema_name, tenant.name) == (TenantKind.POWIAT, "p0811", "żarski")
    assert "plans_indicator" in catalog("p0811")["ddl"]


@pytest.mark.parametrize(
    ("code", "error"),
    [
        pytest.param("0201044", Conflict, id="town-part-of-urban-rural-gmina"),
        pytest.param("0811999", NotFound, id="not-in-registry"),
        pytest.param("1465088", Conflict, id="warsaw-district"),
        pytest.param("0899", NotFound, id="unknown-powiat"),
    ],
)
def test_only_whole_registered_gminas_and_powiats_become_tenants(db: None, code: str, error: type) -> None:
    with pytest.raises(error):
        tenant_provision(code=code, actor=TEST_ACTOR)
    assert not Tenant.objects.filter(code=code).exists()


@pytest.mark.parametrize("code", ['0811082"; DROP SCHEMA public; --', "08110820", "081108", "", "g0811082"])
def test_schema_names_come_only_from_valid_codes(code: str) -> None:
    with pytest.raises(ValueError, match="TERYT"):
        Teryt(code)


@pytest.mark.parametrize("name", ['g0811082"; --', "public", "pg_catalog", "g081108"])
def test_only_tenant_schema_names_are_quoted_into_sql(name: str) -> None:
    with pytest.raises(ValueError, match="not a tenant schema"):
        quoted_schema(name)
