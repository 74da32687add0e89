"""Creating a tenant schema by replaying captured DDL instead of running every migration.

Django can write a migration plan out as SQL (`sqlmigrate` does it per migration). For a fresh
tenant schema the plan is always the same, so it is captured once per migration state — the
tenant apps' DDL, the `django_migrations` table, and one row per migration, exactly what
`migrate` leaves in a new schema — stored in `TenantDdlScript`, and replayed per tenant in one
round trip. A migration that cannot be written as SQL (RunPython) makes the capture refuse, and
provisioning falls back to running the migrations.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import django
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django_tenants.routers import TenantSyncRouter

from mozaika.tenancy import quoted_schema, search_path_set_by_hand
from tenants.models import TenantDdlScript

NOT_SQL_MARKER = "THIS OPERATION CANNOT BE WRITTEN AS SQL"
# A name that is no tenant's: it only makes the router answer as for a tenant schema.
_CAPTURE_SCHEMA = "mozaika_ddl_capture"


class DdlNotReplayable(Exception):
    """The tenant migrations include an operation that has no SQL form."""


@dataclass(frozen=True)
class DdlScript:
    migration_state: str
    script: str
    migrations: list[tuple[str, str]]


_cache: dict[str, DdlScript] = {}


def _plan() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes(), clean_start=True)
    return [(migration.app_label, migration.name) for migration, _backwards in plan]


def expected_migrations() -> set[tuple[str, str]]:
    """Every migration a tenant schema records once it is up to date."""
    return set(_plan())


def migration_state() -> str:
    """Identifies the set of migrations (and the Django that renders them)."""
    keys = sorted(f"{app}.{name}" for app, name in _plan())
    return hashlib.sha256("\n".join([django.get_version(), *keys]).encode()).hexdigest()


def tenant_ddl_script() -> DdlScript:
    """The replayable script for the current migrations: from memory, the database, or captured."""
    state = migration_state()
    if state in _cache:
        return _cache[state]
    stored = TenantDdlScript.objects.filter(migration_state=state).first()
    if stored is None:
        script, migrations = _capture()
        stored, _ = TenantDdlScript.objects.get_or_create(
            migration_state=state, defaults={"script": script, "migrations": migrations}
        )
    _cache[state] = DdlScript(state, stored.script, [(app, name) for app, name in stored.migrations])
    return _cache[state]


def _capture() -> tuple[str, list[tuple[str, str]]]:
    router = TenantSyncRouter()
    previous = connection.schema_name  # type: ignore[attr-defined]
    connection.set_schema(_CAPTURE_SCHEMA)  # type: ignore[attr-defined]
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes(), clean_start=True)
        tenant_plan = [
            (migration, False)
            for migration, _ in plan
            if router.allow_migrate(connection.alias, migration.app_label) is not False
        ]
        statements = executor.loader.collect_sql(tenant_plan)  # type: ignore[attr-defined]  # not in django-stubs
        with connection.schema_editor(collect_sql=True, atomic=False) as editor:
            editor.create_model(MigrationRecorder.Migration)
            recorder_sql = editor.collected_sql
        migrations = [(m.app_label, m.name) for m, _ in plan]
        quote = connection.schema_editor().quote_value
    finally:
        connection.set_schema(previous)  # type: ignore[attr-defined]
    if any(NOT_SQL_MARKER in statement for statement in statements):
        raise DdlNotReplayable("a tenant migration has an operation with no SQL form")
    rows = ",\n".join(f"({quote(app)}, {quote(name)}, now())" for app, name in migrations)
    insert = f'INSERT INTO "django_migrations" ("app", "name", "applied") VALUES\n{rows};'
    script = "\n".join([*recorder_sql, *statements, insert])
    return script, migrations


def schema_create_from_script(schema_name: str, ddl: DdlScript) -> None:
    """Create the schema and everything in it, in the caller's transaction, in one round trip."""
    schema = quoted_schema(schema_name)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {schema};\nSET LOCAL search_path TO {schema}, public;\n{ddl.script}")
    search_path_set_by_hand()


def schema_is_complete(schema_name: str, ddl: DdlScript) -> bool | None:
    """None: no such schema. False: it exists but misses migrations (a half-created schema)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema_name])
        if cursor.fetchone() is None:
            return None
        cursor.execute("SELECT to_regclass(%s)", [f"{quoted_schema(schema_name)}.django_migrations"])
        row = cursor.fetchone()
        if row is None or row[0] is None:
            return False
        cursor.execute(f"SELECT app, name FROM {quoted_schema(schema_name)}.django_migrations")  # noqa: S608
        applied = {(app, name) for app, name in cursor.fetchall()}
    return applied >= set(ddl.migrations)
