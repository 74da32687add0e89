"""Reading the audit log: operators everything, a gmina admin its own gmina."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.params.functions import Query

from mozaika.audit.models import AuditEntry
from mozaika.identity.auth import principal_of
from mozaika.identity.authz import Action, authorize_gmina, authorize_platform
from mozaika.pagination import BoundedPageNumberPagination
from mozaika.params import GminaTerytPath
from mozaika.tenancy import TERYT_GMINA_PATTERN

router = Router(tags=["audit"])


class AuditEntryOut(Schema):
    id: int
    at: dt.datetime
    actor_name: str
    actor_kind: str
    role: str
    ip: str | None
    action: str
    object_type: str
    object_id: str
    teryt: str
    changes: dict[str, Any]


@router.get("/audit", operation_id="listAuditLog", response=list[AuditEntryOut], summary="The audit log (operator)")
@paginate(BoundedPageNumberPagination, page_size=100, max_page_size=1000)
def audit_log(
    request: HttpRequest, teryt: str | None = Query(None, pattern=TERYT_GMINA_PATTERN)
) -> QuerySet[AuditEntry]:
    authorize_platform(principal=principal_of(request), action=Action.AUDIT_READ)
    entries = AuditEntry.objects.all()
    return entries.filter(teryt=teryt) if teryt else entries


@router.get(
    "/gminas/{teryt}/audit",
    operation_id="listGminaAuditLog",
    response=list[AuditEntryOut],
    summary="The gmina's audit log (gmina admin)",
)
@paginate(BoundedPageNumberPagination, page_size=100, max_page_size=1000)
def gmina_audit_log(request: HttpRequest, teryt: str = GminaTerytPath) -> QuerySet[AuditEntry]:
    authorize_gmina(principal=principal_of(request), teryt=teryt, action=Action.GMINA_AUDIT_READ)
    return AuditEntry.objects.filter(teryt=teryt)
