"""Shared fixtures: the demo gminas are created once per session in the test database (a real
PostgreSQL: the embedded one, or DATABASE_URL's server); each test runs in a transaction that
is rolled back, so the tenant schemas stay as the demo loader left them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from mozaika.counters import RedisCounters, caches_clear, counter_store
from mozaika.identity.cache import principal_cache
from mozaika.identity.models import Role, Scope
from mozaika.identity.tokens import api_token_issue
from mozaika.tenancy import Teryt
from tenants.demo.loader import OPERATOR_USERNAME, TRZEBIEL_ADMIN_USERNAME, demo_load
from tenants.models import TENANT_GMINA_KINDS, Gmina, Tenant
from tests.factories import ApiClientFactory, RoleGrantFactory, TenantFactory
from tests.support import (
    KRAKOW,
    TRZEBIEL,
    Api,
    MotoS3,
    admin_connection,
    broker_queues_delete,
    complete_programme,
    plan_body,
    put_programme,
    queue_prefix_of,
    token_for,
)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        demo_load()


_COUNTER_NAMESPACE = counter_store().namespace if isinstance(counter_store(), RedisCounters) else ""


@pytest.fixture(autouse=True)
def fresh_counters() -> None:
    """Each test counts its requests from zero and finds no principal or registry entry cached
    by another test, whose data was rolled back (database rows roll back; Redis keys and a
    process's memory do not)."""
    store = counter_store()
    if isinstance(store, RedisCounters):
        store.namespace = f"{_COUNTER_NAMESPACE}{uuid.uuid4().hex[:8]}:"
    principal_cache.clear()
    caches_clear()


@pytest.fixture(scope="session")
def moto_s3() -> Iterator[MotoS3]:
    server = MotoS3()
    yield server
    server.stop()


@pytest.fixture
def fresh_database() -> Iterator[str]:
    """An empty database on the tests' PostgreSQL server, for tests that run the product's
    commands as separate processes (they need committed data, unlike transactional tests)."""
    name = f"mozaika_t_{uuid.uuid4().hex[:10]}"
    with admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield name
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    broker_queues_delete(queue_prefix_of(name))


@pytest.fixture(scope="session", autouse=True)
def own_broker_queues() -> Iterator[None]:
    """This run's queues (see `tests/settings.py`) are removed when it ends."""
    yield
    broker_queues_delete(settings.BROKER_QUEUE_PREFIX)


@pytest.fixture(autouse=True)
def local_archive(settings: Any, tmp_path: Path) -> Path:
    """Each test archives into its own folder."""
    settings.ARCHIVE_S3_BUCKET = ""
    settings.ARCHIVE_LOCAL_DIR = tmp_path / "archive"
    return settings.ARCHIVE_LOCAL_DIR


@pytest.fixture
def operator(db: None) -> Api:
    return Api(token_for(OPERATOR_USERNAME))


@pytest.fixture
def trzebiel_admin(db: None) -> Api:
    return Api(token_for(TRZEBIEL_ADMIN_USERNAME))


@pytest.fixture
def krakow_viewer(db: None) -> Api:
    grant = RoleGrantFactory(user__username="krakow-viewer", role=Role.GMINA_VIEWER, scope=KRAKOW)
    return Api(api_token_issue(user=grant.user))


@dataclass(frozen=True)
class GminaAdmin:
    teryt: Teryt
    api: Api


@pytest.fixture
def fresh_gmina_admin(db: None) -> GminaAdmin:
    """The admin of a lubuskie gmina provisioned for this test alone: no demo data, no plans."""
    taken = Tenant.objects.values("code")
    gmina = Gmina.objects.filter(voivodeship_id="08", kind__in=TENANT_GMINA_KINDS).exclude(teryt__in=taken)
    tenant = TenantFactory(code=gmina.order_by("teryt").values_list("teryt", flat=True)[0])
    grant = RoleGrantFactory(role=Role.GMINA_ADMIN, scope=tenant.code)
    return GminaAdmin(Teryt(tenant.code), Api(api_token_issue(user=grant.user)))


@pytest.fixture
def voivodeship_reviewer(db: None) -> Api:
    """A marshal's office reviewer of lubuskie (08), not one of the demo people."""
    grant = RoleGrantFactory(role=Role.REGIONAL_REVIEWER, scope="08")
    return Api(api_token_issue(user=grant.user))


@pytest.fixture
def funding_system(db: None) -> Api:
    """A funding application system's client for lubuskie, with every scope."""
    _, secret = ApiClientFactory(scopes=list(Scope), voivodeships=["08"])
    return Api(secret)


@pytest.fixture
def anonymous() -> Api:
    return Api(None)


@pytest.fixture
def created_plan(trzebiel_admin: Api) -> dict[str, Any]:
    response = trzebiel_admin.post_json(f"/api/v1/gminas/{TRZEBIEL}/plans", plan_body())
    assert response.status_code == 201, response.content
    result: dict[str, Any] = response.json()
    return result


@pytest.fixture
def lubuskie_reviewer(db: None) -> Api:
    return Api(token_for("demo-lubuskie-reviewer"))


@pytest.fixture
def accepted_plan(trzebiel_admin: Api, lubuskie_reviewer: Api, created_plan: dict[str, Any]) -> dict[str, Any]:
    """The created plan made complete, submitted by the gmina and accepted by the region."""
    plan_id = created_plan["id"]
    written = put_programme(trzebiel_admin, TRZEBIEL, plan_id, complete_programme(), created_plan["version"])
    assert written.status_code == 200, written.content
    submitted = trzebiel_admin.post_json(f"/api/v1/gminas/{TRZEBIEL}/plans/{plan_id}/submission", {})
    assert submitted.status_code == 200, submitted.content
    accepted = lubuskie_reviewer.post_json(f"/api/v1/gminas/{TRZEBIEL}/plans/{plan_id}/review", {"decision": "accept"})
    assert accepted.status_code == 200, accepted.content
    result: dict[str, Any] = accepted.json()
    return result
