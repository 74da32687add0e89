"""Tenants over HTTP: provision a gmina or a powiat (operators)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from mozaika.audit.log import actor_for
from mozaika.errors import FieldError, NotFound, ValidationFailed
from mozaika.identity.auth import principal_of
from mozaika.identity.authz import Action, authorize_platform
from tenants.models import Tenant
from tenants.tenancy.provisioning import Outcome, tenant_provision
from tenants.tenancy.schemas import TenantIn, TenantOut

router = Router(tags=["tenants"])


@router.post(
    "/tenants",
    operation_id="provisionTenant",
    response={200: TenantOut, 201: TenantOut},
    summary="Provision a gmina or powiat tenant",
)
def create_tenant(request: HttpRequest, payload: TenantIn) -> Status[Tenant]:
    decision = authorize_platform(principal=principal_of(request), action=Action.TENANT_MANAGE)
    try:
        tenant, outcome = tenant_provision(code=payload.code, actor=actor_for(request, decision))
    except NotFound as unknown:  # the code is a field of the body: a 422 naming it
        raise ValidationFailed(
            unknown.detail, errors=[FieldError("code", "not an active unit of the TERC registry")]
        ) from unknown
    return Status(200 if outcome is Outcome.EXISTED else 201, tenant)
