"""People, clients and what each may see: drafts stay inside the gmina, operator reads are
audited, client secrets rotate, logins lock out, credentials are rate limited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import DatabaseError, transaction
from django.utils import timezone

from mozaika.audit.log import Actor
from mozaika.audit.models import AuditEntry
from mozaika.identity.models import ApiClientSecret, Role, Scope
from mozaika.identity.tokens import api_client_create, api_client_rotate, api_token_issue
from tests.factories import RoleGrantFactory, UserFactory
from tests.support import KRAKOW, TRZEBIEL, Api, adoption_form, complete_programme, put_programme

SYSTEM = Actor.system("test")


def person(username: str, role: Role, scope: str = "", password: str | None = None) -> Api:
    user = UserFactory(username=username, password=make_password(password))
    RoleGrantFactory(user=user, role=role, scope=scope)
    return Api(api_token_issue(user=user))


def test_drafts_are_seen_inside_the_gmina_only(trzebiel_admin: Api, created_plan: dict[str, Any]) -> None:
    reviewer = person("rev", Role.REGIONAL_REVIEWER, "08")
    analyst = person("ana", Role.NATIONAL_ANALYST)
    plans = f"/api/v1/gminas/{TRZEBIEL}/plans"
    plan_id = created_plan["id"]

    assert len(trzebiel_admin.get(plans).json()) == 2  # the demo plan and the new one, both drafts
    assert reviewer.get(plans).json() == []
    assert analyst.get(plans).json() == []
    assert reviewer.get(f"{plans}/{plan_id}").status_code == 404

    put_programme(trzebiel_admin, TRZEBIEL, plan_id, complete_programme(), created_plan["version"])
    assert trzebiel_admin.post_json(f"{plans}/{plan_id}/submission", {}).status_code == 200

    assert [p["id"] for p in reviewer.get(plans).json()] == [plan_id]  # submitted: the region sees it
    assert analyst.get(plans).json() == []  # the nation sees adopted plans only
    reviewer.post_json(f"{plans}/{plan_id}/review", {"decision": "accept"})
    trzebiel_admin.post_form(f"{plans}/{plan_id}/adoption", adoption_form())
    assert [p["id"] for p in analyst.get(plans).json()] == [plan_id]


def test_a_reviewer_of_one_voivodeship_is_refused_another_and_nothing_leaks(created_plan: dict[str, Any]) -> None:
    reviewer = person("rev", Role.REGIONAL_REVIEWER, "08")

    refused = reviewer.get(f"/api/v1/gminas/{KRAKOW}/plans")
    rollup = reviewer.get("/api/v1/regions/12/rollup")

    assert refused.status_code == rollup.status_code == 403
    assert set(refused.json()) == {"type", "title", "status", "code", "detail", "errors"}
    assert "Plan" not in refused.json()["detail"]


def test_operator_reads_of_a_gminas_data_are_audited(operator: Api) -> None:
    operator.get(f"/api/v1/gminas/{TRZEBIEL}/plans")

    entry = AuditEntry.objects.get(action="gmina.read", teryt=TRZEBIEL)
    assert (entry.actor_name, entry.role, entry.ip) == ("demo-operator", "operator", "127.0.0.1")


def test_gmina_reads_by_its_own_people_are_not_audited(trzebiel_admin: Api) -> None:
    trzebiel_admin.get(f"/api/v1/gminas/{TRZEBIEL}/plans")
    assert not AuditEntry.objects.filter(action="gmina.read").exists()


def test_changes_are_audited_with_role_and_before_after(trzebiel_admin: Api, accepted_plan: dict[str, Any]) -> None:
    created_plan = accepted_plan
    trzebiel_admin.post_form(f"/api/v1/gminas/{TRZEBIEL}/plans/{created_plan['id']}/adoption", adoption_form())

    entry = AuditEntry.objects.get(action="plan.adopt")
    assert (entry.actor_name, entry.role, entry.teryt, entry.object_id) == (
        "demo-trzebiel-admin",
        "gmina_admin",
        TRZEBIEL,
        str(created_plan["id"]),
    )
    assert entry.changes["status"] == ["accepted", "adopted"]
    assert entry.changes["act_number"] == ["", "XII/84/2024"]
    assert AuditEntry.objects.filter(action="plan.create", object_id=str(created_plan["id"])).exists()


@pytest.mark.parametrize("statement", ["UPDATE audit_auditentry SET action = 'x'", "DELETE FROM audit_auditentry"])
def test_the_audit_log_is_append_only(db: None, statement: str) -> None:
    from django.db import connection

    AuditEntry.objects.create(actor_name="x", actor_kind="system", role="system", action="a", object_type="t")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEntry.objects.filter(action="a").count() == 1


def test_audit_is_readable_by_operators_and_by_a_gmina_admin_for_its_gmina(
    operator: Api, trzebiel_admin: Api, created_plan: dict[str, Any]
) -> None:
    own = trzebiel_admin.get(f"/api/v1/gminas/{TRZEBIEL}/audit").json()
    assert {e["action"] for e in own["items"]} >= {"plan.create"}
    assert trzebiel_admin.get(f"/api/v1/gminas/{KRAKOW}/audit").status_code == 403
    assert trzebiel_admin.get("/api/v1/audit").status_code == 403
    assert operator.get("/api/v1/audit", teryt=TRZEBIEL).json()["count"] >= 1


def test_rotation_keeps_two_secrets_valid_then_retires_the_oldest(db: None) -> None:
    client, first = api_client_create(name="sowa", scopes=[Scope.ELIGIBILITY_READ], voivodeships=["08"], actor=SYSTEM)
    second = api_client_rotate(client_id=client.pk, actor=SYSTEM)

    assert Api(first).get(f"/api/v1/eligibility/{TRZEBIEL}", area="seniors", on="2025-01-01").status_code == 200
    assert Api(second).get(f"/api/v1/eligibility/{TRZEBIEL}", area="seniors", on="2025-01-01").status_code == 200
    oldest = ApiClientSecret.objects.filter(client=client).order_by("created_at").first()
    assert oldest is not None
    assert oldest.expires_at <= timezone.now() + timedelta(days=7)

    third = api_client_rotate(client_id=client.pk, actor=SYSTEM)

    assert Api(first).get("/api/v1/me").status_code == 401
    assert Api(second).get("/api/v1/me").status_code == 200
    assert Api(third).get("/api/v1/me").status_code == 200


def test_a_client_is_limited_to_its_scopes_and_voivodeships(db: None) -> None:
    _, secret = api_client_create(name="sowa", scopes=[Scope.ELIGIBILITY_READ], voivodeships=["08"], actor=SYSTEM)
    client = Api(secret)

    assert client.get(f"/api/v1/eligibility/{TRZEBIEL}", area="seniors", on="2025-01-01").status_code == 200
    assert client.get(f"/api/v1/eligibility/{KRAKOW}", area="seniors", on="2025-01-01").status_code == 403
    assert client.get("/api/v1/regions/08/rollup").status_code == 403  # no rollups:read scope
    assert client.get(f"/api/v1/gminas/{TRZEBIEL}/plans").status_code == 403


def test_sign_in_with_a_password_and_lockout_after_repeated_failures(db: None, settings: Any) -> None:
    settings.LOGIN_MAX_FAILURES = 3
    user = User.objects.create_user(username="wojt", password="correct horse battery staple")
    assert user.password.startswith("argon2")
    anonymous = Api(None)

    good = anonymous.post_json("/api/v1/auth/token", {"username": "wojt", "password": "correct horse battery staple"})
    assert good.status_code == 200
    assert Api(good.json()["token"]).get("/api/v1/me").json()["name"] == "wojt"
    for _ in range(3):
        assert anonymous.post_json("/api/v1/auth/token", {"username": "wojt", "password": "nope"}).status_code == 401

    locked = anonymous.post_json("/api/v1/auth/token", {"username": "wojt", "password": "correct horse battery staple"})

    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"
    assert int(locked["Retry-After"]) > 0


def test_requests_over_the_rate_limit_get_429_with_retry_after(trzebiel_admin: Api, settings: Any) -> None:
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    settings.API_RATE_LIMIT_WINDOW_SECONDS = 86400  # a fixed window: the run must not straddle two
    statuses = [trzebiel_admin.get("/api/v1/me").status_code for _ in range(4)]

    assert statuses[:3] == [200, 200, 200]
    assert statuses[3] == 429
    last = trzebiel_admin.get("/api/v1/me")
    assert 0 < int(last["Retry-After"]) <= 86400


def test_revoking_the_current_token(trzebiel_admin: Api) -> None:
    assert trzebiel_admin.post_json("/api/v1/auth/revoke", {}).status_code == 204
    assert trzebiel_admin.get("/api/v1/me").status_code == 401


def test_revoking_the_current_client_secret_takes_effect_at_once(db: None) -> None:
    _, secret = api_client_create(name="sowa", scopes=[Scope.ELIGIBILITY_READ], voivodeships=["08"], actor=SYSTEM)
    client = Api(secret)
    assert client.get("/api/v1/me").status_code == 200

    assert client.post_json("/api/v1/auth/revoke", {}).status_code == 204

    assert client.get("/api/v1/me").status_code == 401
    assert client.get(f"/api/v1/eligibility/{TRZEBIEL}", area="seniors").status_code == 401


def test_an_operator_revoking_a_client_secret_takes_effect_at_once(operator: Api) -> None:
    created, secret = api_client_create(name="sowa", scopes=[Scope.ELIGIBILITY_READ], voivodeships=["08"],
                                        actor=SYSTEM)  # fmt: skip
    client = Api(secret)
    assert client.get("/api/v1/me").status_code == 200
    [row] = created.secrets.all()

    assert operator.client.delete(f"/api/v1/clients/{created.pk}/secrets/{row.pk}",
                                  headers=operator._headers()).status_code in (200, 204)  # fmt: skip

    assert client.get("/api/v1/me").status_code == 401


def test_a_gmina_admin_manages_its_gminas_people(trzebiel_admin: Api) -> None:
    User.objects.create(username="sekretarz")

    added = trzebiel_admin.post_json(
        f"/api/v1/gminas/{TRZEBIEL}/members", {"username": "sekretarz", "role": "gmina_editor"}
    )
    escalate = trzebiel_admin.post_json(
        f"/api/v1/gminas/{TRZEBIEL}/members", {"username": "sekretarz", "role": "operator"}
    )

    assert added.status_code == 201
    assert escalate.status_code == 422
    members = trzebiel_admin.get(f"/api/v1/gminas/{TRZEBIEL}/members").json()
    assert {"username": "sekretarz", "role": "gmina_editor"} in members
    assert AuditEntry.objects.filter(action="role.grant", object_id="sekretarz", teryt=TRZEBIEL).exists()


def test_a_refusal_names_the_roles_that_may(trzebiel_admin: Api, created_plan: dict[str, Any]) -> None:
    editor = person("trzebiel-editor", Role.GMINA_EDITOR, TRZEBIEL)

    refused = editor.post_json(f"/api/v1/gminas/{TRZEBIEL}/plans/{created_plan['id']}/submission", {})

    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        f"Not allowed: plan.submit in {TRZEBIEL}. Allowed for: gmina admin in {TRZEBIEL}."
    )
