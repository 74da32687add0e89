"""Migrating every tenant: the pre-check finds exactly the schemas that lack migrations; one is
migrated, the others replay its statements; up-to-date schemas are not touched."""

from __future__ import annotations

from django.db import connection

from mozaika.tenancy import quoted_schema
from tenants.tenancy.ddl import expected_migrations
from tenants.tenancy.schema_migrations import schemas_behind, tenants_migrate

BEHIND = ["g0811082", "g0862011"]
CURRENT = ["g1261011", "g3261011"]
# A migration whose operations do nothing in a tenant schema (auth is a shared app), so that
# forgetting it makes a schema "behind" without breaking its tables.
KEY = ("auth", "0012_alter_user_first_name_max_length")


def forget(schema: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quoted_schema(schema)}.django_migrations WHERE app = %s AND name = %s",  # noqa: S608
            list(KEY),
        )


def test_the_precheck_finds_exactly_the_schemas_behind(db: None) -> None:
    for schema in BEHIND:
        forget(schema)

    behind = schemas_behind(BEHIND + CURRENT, expected_migrations())

    assert behind == {schema: frozenset({KEY}) for schema in BEHIND}


def test_one_schema_is_migrated_the_rest_replay_and_current_ones_are_skipped(db: None) -> None:
    for schema in BEHIND:
        forget(schema)

    summary = tenants_migrate(schemas=BEHIND + CURRENT)

    assert (summary.up_to_date, summary.migrated, summary.replayed, summary.failures) == (2, 1, 1, {})
    assert schemas_behind(BEHIND + CURRENT, expected_migrations()) == {}


def test_a_failing_schema_is_reported_and_the_rest_go_on(db: None) -> None:
    for schema in BEHIND:
        forget(schema)
    with connection.cursor() as cursor:  # break the second schema's migration history table
        cursor.execute('ALTER TABLE "g0862011".django_migrations RENAME COLUMN "applied" TO "broken"')

    summary = tenants_migrate(schemas=BEHIND)

    assert list(summary.failures) == ["g0862011"]
    assert summary.migrated == 1


def test_a_shared_apps_python_migration_is_replayed_not_run_in_every_schema(db: None) -> None:
    # aggregation 0003 fills a public table with RunPython; in a tenant schema it is only
    # recorded, so the other schemas replay the first one's recording (with the later ones).
    shared_python = ("aggregation", "0003_snapshot_plan_facts")
    with connection.cursor() as cursor:
        for schema in BEHIND:
            cursor.execute(
                f"DELETE FROM {quoted_schema(schema)}.django_migrations WHERE app = %s AND name >= %s",  # noqa: S608
                list(shared_python),
            )

    summary = tenants_migrate(schemas=BEHIND + CURRENT)

    assert (summary.migrated, summary.replayed, summary.up_to_date) == (1, 1, 2)
    assert schemas_behind(BEHIND, expected_migrations()) == {}


def test_plans_stored_with_years_get_their_days_and_their_acts(db: None) -> None:
    """plans 0007 on a schema holding plans of the earlier shape: the period by the day from the
    years, the adopting act on record with the frozen version, a superseded plan's supersession
    by the next plan adopted after it."""
    from django.db.migrations.executor import MigrationExecutor
    from django_tenants.utils import schema_context

    from tenants.plans.models import Plan, PlanAct

    schema = "g0811082"
    with schema_context(schema):
        MigrationExecutor(connection).migrate([("plans", "0006_document_retention_kinds_corrections")])
        with connection.cursor() as cursor:
            insert = (
                "INSERT INTO plans_plan (title, period_start, period_end, status, areas, act_kind, act_number, "
                "act_date, in_force_from, version, created_at, updated_at) VALUES (%s, %s, %s, %s, '{seniors}', "
                "'council_resolution', %s, %s, %s, 3, now(), now()) RETURNING id"
            )
            cursor.execute(insert, ["Stary", 2018, 2023, "superseded", "I/1/2018", "2018-01-10", "2018-01-10"])
            old = cursor.fetchone()[0]  # type: ignore[index]
            cursor.execute(insert, ["Obecny", 2024, 2029, "adopted", "XII/84/2024", "2024-06-27", "2024-07-01"])
            current = cursor.fetchone()[0]  # type: ignore[index]
            cursor.execute(
                "INSERT INTO plans_planversion (plan_id, number, canonical, sha256, submitted_by, submitted_at) "
                "VALUES (%s, 1, '{}', %s, 'x', now())",
                [current, "ab" * 32],
            )
    forget(schema)  # and another migration, so that the schema counts as behind in any case

    summary = tenants_migrate(schemas=[schema])

    assert summary.failures == {}
    assert schemas_behind([schema], expected_migrations()) == {}
    with schema_context(schema):
        adopted = Plan.objects.get(pk=current)
        assert (adopted.valid_from.isoformat(), adopted.valid_until.isoformat()) == ("2024-01-01", "2029-12-31")
        [adoption] = PlanAct.objects.filter(plan_id=current)
        assert (adoption.kind, adoption.number, adoption.in_force_from.isoformat()) == ("adoption", "XII/84/2024",
                                                                                       "2024-07-01")  # fmt: skip
        assert (adoption.version_number, adoption.version_sha256) == (1, "ab" * 32)
        registered, supersession = PlanAct.objects.filter(plan_id=old).order_by("id")
        assert registered.kind == "registration"  # no frozen version: adopted outside Mozaika
        assert (supersession.kind, supersession.successor_plan_id) == ("supersession", current)
        assert supersession.in_force_from.isoformat() == "2024-07-01"
        assert not PlanAct.objects.filter(plan__status="draft").exists()
