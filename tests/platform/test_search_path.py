"""`SET search_path` once per schema switch (`mozaika.database`), and never a query in the
wrong schema: across savepoint rollbacks and requests."""

from __future__ import annotations

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from mozaika.tenancy import Teryt, in_gmina
from tests.support import KRAKOW, TRZEBIEL, Api


def schema_now() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        row = cursor.fetchone()
    assert row is not None
    return str(row[0])


def search_path_statements(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SET search_path")]


def test_a_savepoint_rolled_back_inside_a_gmina_leaves_the_next_query_in_that_gmina(db: None) -> None:
    with in_gmina(TRZEBIEL):
        try:
            with transaction.atomic():  # a savepoint inside the test's transaction
                assert schema_now() == Teryt(TRZEBIEL).schema_name  # the SET ran inside the savepoint
                raise RuntimeError("the block fails")
        except RuntimeError:
            pass
        # PostgreSQL undid the SET with the savepoint; the next query must set it again.
        assert schema_now() == Teryt(TRZEBIEL).schema_name
    assert schema_now() == "public"


def test_a_savepoint_rolled_back_after_entering_another_gmina_returns_to_the_first(db: None) -> None:
    with in_gmina(TRZEBIEL):
        assert schema_now() == Teryt(TRZEBIEL).schema_name
        try:
            with transaction.atomic(), in_gmina(KRAKOW):
                assert schema_now() == Teryt(KRAKOW).schema_name
                raise RuntimeError("the block fails")
        except RuntimeError:
            pass
        assert schema_now() == Teryt(TRZEBIEL).schema_name


def test_the_search_path_is_set_once_per_switch_not_per_query(db: None) -> None:
    schema_now()  # the connection in public
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            schema_now()
        with in_gmina(TRZEBIEL):
            for _ in range(3):
                schema_now()
        schema_now()

    assert search_path_statements(queries) == [
        f'SET search_path = "{Teryt(TRZEBIEL).schema_name}","public"',
        'SET search_path = "public"',
    ]


def test_a_gmina_request_sets_the_path_into_the_gmina_and_back_once(trzebiel_admin: Api) -> None:
    trzebiel_admin.get(f"/api/v1/gminas/{TRZEBIEL}/plans")  # the credential cached

    with CaptureQueriesContext(connection) as queries:
        assert trzebiel_admin.get(f"/api/v1/gminas/{TRZEBIEL}/plans").status_code == 200
        assert trzebiel_admin.get(f"/api/v1/gminas/{TRZEBIEL}").status_code == 200

    # Back to public as the first request's first query (the warm-up left the gmina's path),
    # into the gmina for the plans, back to public for the registry read: one per switch.
    assert search_path_statements(queries) == [
        'SET search_path = "public"',
        f'SET search_path = "{Teryt(TRZEBIEL).schema_name}","public"',
        'SET search_path = "public"',
    ]


def test_a_schema_created_from_the_script_leaves_the_next_query_in_the_public_schema(db: None) -> None:
    from tenants.tenancy.ddl import schema_create_from_script, tenant_ddl_script

    schema_now()
    schema_create_from_script("g9999991", tenant_ddl_script())  # its own SET LOCAL search_path

    assert schema_now() == "public"
