"""Test data by factory-boy: each factory builds through Mozaika's own services (so a test's data
passes the same rules as a user's), and a test names only what matters to it.

    plan = PlanFactory(teryt=gmina.teryt, areas=[InterventionArea.SENIORS])
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import factory
from django.contrib.auth import get_user_model

from mozaika.audit.log import Actor
from mozaika.identity.models import ApiClient, Role, RoleGrant, Scope
from mozaika.identity.services import role_grant
from mozaika.identity.tokens import api_client_create
from mozaika.tenancy import in_gmina
from tenants.models import Tenant
from tenants.plans.lifecycle.acts import ActSpec, plan_register_adopted
from tenants.plans.models import AdoptingActKind, InterventionArea, Plan
from tenants.plans.programme.services import IndicatorSpec, plan_create, plan_programme_replace
from tenants.plans.programme.values import Programme
from tenants.tenancy.provisioning import tenant_provision

FACTORY = Actor.system("factory")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user-{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.gov.pl")


class RoleGrantFactory(factory.Factory):
    """A role granted by `role_grant`, so the scope is checked as for any grant."""

    class Meta:
        model = RoleGrant

    user = factory.SubFactory(UserFactory)
    role = Role.GMINA_ADMIN
    scope = "0811082"

    @classmethod
    def _create(cls, model_class: type[RoleGrant], *args: Any, user: Any, **kwargs: Any) -> RoleGrant:
        return role_grant(username=user.username, actor=FACTORY, **kwargs)


class TenantFactory(factory.Factory):
    """A gmina provisioned as a tenant (its own schema, replayed DDL), by `tenant_provision`."""

    class Meta:
        model = Tenant

    code = "0811092"

    @classmethod
    def _create(cls, model_class: type[Tenant], *args: Any, code: str, **kwargs: Any) -> Tenant:
        tenant, _ = tenant_provision(code=code, actor=FACTORY)
        return tenant


class IndicatorSpecFactory(factory.Factory):
    class Meta:
        model = IndicatorSpec

    area = InterventionArea.SENIORS
    number = factory.Sequence(lambda n: str(n + 1))
    name = "Liczba osób objętych usługami opiekuńczymi"
    unit = "osoby"
    baseline_value = Decimal("12")
    baseline_year = 2025
    target_value = Decimal("30")
    target_year = 2027


class PlanFactory(factory.Factory):
    """A draft plan of a gmina, created by `plan_create` in the gmina's schema."""

    class Meta:
        model = Plan

    teryt = "0811082"
    title = factory.Sequence(lambda n: f"Plan testowy {n}")
    period_start = 2025
    period_end = 2027
    areas = factory.LazyFunction(lambda: [InterventionArea.SENIORS])
    indicators = factory.LazyAttribute(lambda plan: [IndicatorSpecFactory(area=area) for area in plan.areas])

    @classmethod
    def _create(cls, model_class: type[Plan], *args: Any, teryt: str, **kwargs: Any) -> Plan:
        with in_gmina(teryt):
            return plan_create(teryt=teryt, actor=FACTORY, **kwargs)


class ApiClientFactory(factory.Factory):
    """A funding application system's client and its secret: `(client, secret)`."""

    class Meta:
        model = ApiClient

    name = factory.Sequence(lambda n: f"system-{n}")
    scopes = factory.LazyFunction(lambda: [Scope.ELIGIBILITY_READ])
    voivodeships = factory.LazyFunction(lambda: ["08"])

    @classmethod
    def _create(cls, model_class: type[ApiClient], *args: Any, **kwargs: Any) -> tuple[ApiClient, str]:  # type: ignore[override]
        return api_client_create(actor=FACTORY, **kwargs)


class AdoptedPlanFactory(PlanFactory):
    """A plan a council adopted, registered after the fact (`plan_register_adopted`); with a
    `programme`, that programme is written before the adoption freezes its version."""

    act_number = factory.Sequence(lambda n: f"XX/{n + 1}/2025")
    act_date = date(2025, 6, 1)
    in_force_from = None
    programme = None

    @classmethod
    def _create(  # type: ignore[override]
        cls,
        model_class: type[Plan],
        *args: Any,
        teryt: str,
        act_number: str,
        act_date: date,
        in_force_from: date | None,
        programme: Programme | None,
        **kwargs: Any,
    ) -> Plan:
        plan = super()._create(model_class, teryt=teryt, **kwargs)
        with in_gmina(teryt):
            if programme is not None:
                plan = plan_programme_replace(
                    teryt=teryt, plan_id=plan.pk, programme=programme, expected_version=plan.version, actor=FACTORY
                )
            return plan_register_adopted(
                teryt=teryt,
                plan_id=plan.pk,
                act_kind=AdoptingActKind.COUNCIL_RESOLUTION,
                spec=ActSpec(act_number, act_date, in_force_from),
                actor=FACTORY,
            )
