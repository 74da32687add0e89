"""The request path's caches: a known credential reads no database, and every change to who may
do what shows on the very next request (issue 18). Each test warms the cache first, so a test
would fail if the cached principal were served after the change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mozaika.audit.log import Actor
from mozaika.identity import gate
from mozaika.identity.models import ApiClient, ApiClientSecret, Role, RoleGrant, Scope
from mozaika.identity.tokens import api_token_issue, credential_revoke
from tenants.models import TENANT_GMINA_KINDS, Gmina, Tenant
from tenants.tenancy.provisioning import tenant_provision
from tests.factories import ApiClientFactory, RoleGrantFactory
from tests.support import TRZEBIEL, Api

ME = "/api/v1/me"
TRZEBIEL_PLANS = f"/api/v1/gminas/{TRZEBIEL}/plans"


def warm(api: Api, path: str = ME) -> None:
    for _ in range(3):
        response = api.get(path)
        assert response.status_code == 200, response.content


def test_a_known_credential_and_a_registry_entry_are_served_without_the_database(operator: Api) -> None:
    warm(operator, f"/api/v1/gminas/{TRZEBIEL}")

    with CaptureQueriesContext(connection) as queries:
        response = operator.get(f"/api/v1/gminas/{TRZEBIEL}")

    assert response.status_code == 200
    assert response.json()["name"] == "Trzebiel"
    assert [q["sql"] for q in queries.captured_queries] == []


@pytest.fixture
def gmina_admin(db: None) -> tuple[Api, str, Any]:
    grant = RoleGrantFactory(role=Role.GMINA_ADMIN, scope=TRZEBIEL)
    secret = api_token_issue(user=grant.user)
    api = Api(secret)
    warm(api, TRZEBIEL_PLANS)
    return api, secret, grant


def _revoke_the_token(operator: Api, secret: str, grant: Any) -> None:
    assert Api(secret).post_json("/api/v1/auth/revoke", {}).status_code == 204


def _revoke_the_role(operator: Api, secret: str, grant: Any) -> None:
    path = f"/api/v1/users/{grant.user.username}/roles/{Role.GMINA_ADMIN.value}?scope={TRZEBIEL}"
    assert operator.client.delete(path, headers=operator._headers()).status_code == 204


def _delete_the_grant_as_the_admin_does(operator: Api, secret: str, grant: Any) -> None:
    RoleGrant.objects.get(pk=grant.pk).delete()


def _deactivate_the_person_as_the_admin_does(operator: Api, secret: str, grant: Any) -> None:
    user = get_user_model().objects.get(pk=grant.user.pk)
    user.is_active = False
    user.save()


def _revoke_through_the_service(operator: Api, secret: str, grant: Any) -> None:
    assert credential_revoke(secret=secret) is True


@pytest.mark.parametrize(
    ("change", "refused_with"),
    [
        (_revoke_the_token, 401),
        (_revoke_through_the_service, 401),
        (_revoke_the_role, 403),
        (_delete_the_grant_as_the_admin_does, 403),
        (_deactivate_the_person_as_the_admin_does, 401),
    ],
)
def test_a_change_to_a_persons_access_shows_on_the_next_request(
    operator: Api, gmina_admin: tuple[Api, str, Any], change: Callable[[Api, str, Any], None], refused_with: int
) -> None:
    api, secret, grant = gmina_admin

    change(operator, secret, grant)

    assert api.get(TRZEBIEL_PLANS).status_code == refused_with


@pytest.fixture
def client_system(db: None) -> tuple[Api, ApiClient, str]:
    client, secret = ApiClientFactory(scopes=[Scope.ELIGIBILITY_READ], voivodeships=["08"])
    api = Api(secret)
    warm(api, f"/api/v1/eligibility/{TRZEBIEL}?area=seniors")
    return api, client, secret


def test_an_api_clients_changes_show_on_the_next_request(operator: Api, client_system: Any) -> None:
    api, client, _secret = client_system
    eligibility = f"/api/v1/eligibility/{TRZEBIEL}?area=seniors"

    row = ApiClient.objects.get(pk=client.pk)
    row.voivodeships = ["32"]  # as the admin would
    row.save()
    assert api.get(eligibility).status_code == 403

    secret_row = ApiClientSecret.objects.get(client=client)
    path = f"/api/v1/clients/{client.pk}/secrets/{secret_row.pk}"
    assert operator.client.delete(path, headers=operator._headers()).status_code == 204
    assert api.get(eligibility).status_code == 401


def test_a_deactivated_client_is_refused_at_once(operator: Api, client_system: Any) -> None:
    api, client, _ = client_system

    assert operator.client.delete(f"/api/v1/clients/{client.pk}", headers=operator._headers()).status_code == 204

    assert api.get(f"/api/v1/eligibility/{TRZEBIEL}?area=seniors").status_code == 401


def test_a_cached_credential_still_expires_with_its_credential(
    gmina_admin: tuple[Api, str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    api, _, _ = gmina_admin
    later = timezone.now() + timedelta(days=365)
    monkeypatch.setattr(gate.timezone, "now", lambda: later)

    assert api.get(TRZEBIEL_PLANS).status_code == 401


def test_a_change_committed_while_a_principal_is_read_is_not_cached_over(
    gmina_admin: tuple[Api, str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    api, _secret, grant = gmina_admin
    gate.principal_cache.clear()
    read = gate.credential_lookup

    def read_then_another_process_revokes(bearer: str) -> Any:
        found = read(bearer)  # the old grants...
        RoleGrant.objects.get(pk=grant.pk).delete()  # ...while the grant goes, before caching
        return found

    monkeypatch.setattr(gate, "credential_lookup", read_then_another_process_revokes)
    assert api.get(TRZEBIEL_PLANS).status_code == 200  # answered from what it read
    monkeypatch.setattr(gate, "credential_lookup", read)

    assert api.get(TRZEBIEL_PLANS).status_code == 403


def test_a_new_tenant_shows_as_provisioned_on_the_next_registry_read(operator: Api) -> None:
    taken = Tenant.objects.values("code")
    teryt = Gmina.objects.filter(voivodeship_id="08", kind__in=TENANT_GMINA_KINDS).exclude(teryt__in=taken)[0].teryt
    warm(operator, f"/api/v1/gminas/{teryt}")
    assert operator.get(f"/api/v1/gminas/{teryt}").json()["provisioned"] is False

    tenant_provision(code=teryt, actor=Actor.system("test"))

    assert operator.get(f"/api/v1/gminas/{teryt}").json()["provisioned"] is True


def test_an_eligibility_answer_follows_its_gminas_new_snapshot_on_the_next_request(
    db: None, funding_system: Api, fresh_gmina_admin: Any
) -> None:
    from aggregation.views.refresh import gmina_views_refresh
    from mozaika.tenancy import in_gmina
    from tests.factories import AdoptedPlanFactory

    teryt = fresh_gmina_admin.teryt
    path = f"/api/v1/eligibility/{teryt}?area=seniors"
    with in_gmina(teryt):
        gmina_views_refresh(teryt=teryt)
    warm(funding_system, path)
    before = funding_system.get(path).json()
    assert before["eligible"] is False  # no plan yet

    with in_gmina(teryt):
        AdoptedPlanFactory(teryt=teryt, period_end=2030)
        gmina_views_refresh(teryt=teryt)

    after = funding_system.get(path).json()
    assert after["data_as_of"] != before["data_as_of"]
    assert after["eligible"] is True
