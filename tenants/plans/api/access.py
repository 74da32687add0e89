"""How a request enters a gmina: the TERYT path parameter, authorisation then the gmina's schema
(audited for readers from outside), and the plan version a writer read (`If-Match`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.http import HttpRequest, HttpResponse

from mozaika.audit.log import actor_for, audit_record
from mozaika.errors import FieldError, PreconditionRequired
from mozaika.identity.auth import principal_of
from mozaika.identity.authz import Action, Decision, authorize_gmina
from mozaika.tenancy import in_gmina
from tenants.models import Tenant
from tenants.plans.models import Plan
from tenants.tenancy.selectors import tenant_get


@contextmanager
def gmina_scope(request: HttpRequest, teryt: str, action: Action) -> Iterator[tuple[Tenant, Decision]]:
    """Authorise first, then run the block in the gmina's schema; public again afterwards.
    Reads of a gmina's data by someone outside it are written to the audit log."""
    decision = authorize_gmina(principal=principal_of(request), teryt=teryt, action=action)
    tenant = tenant_get(code=teryt)
    if decision.audit_read:
        audit_record(
            actor=actor_for(request, decision),
            action=action.value,
            object_type="gmina",
            object_id=teryt,
            teryt=teryt,
            # The path read, of any length (an object id column has a width, a path none).
            changes={"path": [None, request.path]},
        )
    with in_gmina(tenant.code):
        yield tenant, decision


def tagged(response: HttpResponse, plan: Plan) -> Plan:
    """The plan, with its version as the answer's ETag: what the next write sends in If-Match."""
    response["ETag"] = f'"{plan.version}"'
    return plan


# The OpenAPI entry of every operation that reads `expected_version`: integrators see the header
# (and the 409/428 answers it brings, added with the other errors in mozaika.site.openapi).
IF_MATCH_HEADER = {
    "parameters": [
        {
            "in": "header",
            "name": "If-Match",
            "required": True,
            "schema": {"type": "string", "examples": ['"3"']},
            "description": "The plan's ETag (its version) as read; a plan changed since is a 409, none is a 428.",
        }
    ]
}


def expected_version(request: HttpRequest) -> int:
    """The plan version named by `If-Match` (an ETag, quoted or weak)."""
    header = request.headers.get("If-Match", "")
    digits = header.removeprefix("W/").strip().strip('"')
    if not digits.isdigit():
        raise PreconditionRequired(
            "Send If-Match with the plan's ETag (its version) to change it.",
            errors=[FieldError("If-Match", 'required: the ETag you read, e.g. "3"')],
        )
    return int(digits)
