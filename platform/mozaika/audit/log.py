"""Writing the audit log. Services call `audit_record` inside their own transaction, so an entry
exists exactly when the change it describes does."""

from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from mozaika.audit.models import AuditEntry
from mozaika.identity.authz import Decision


@dataclass(frozen=True)
class Actor:
    """Who does something, as recorded in events and the audit log."""

    name: str
    kind: str
    role: str
    ip: str | None = None

    @classmethod
    def system(cls, name: str) -> Actor:
        return cls(name=name, kind="system", role="system")


def actor_for(request: HttpRequest, decision: Decision) -> Actor:
    # REMOTE_ADDR: the proxy in front sets it from X-Forwarded-For only when configured to.
    return Actor(
        name=decision.principal.name,
        kind=decision.principal.kind.value,
        role=decision.role,
        ip=request.META.get("REMOTE_ADDR") or None,
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.datetime | decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """`{field: [before, after]}` for the fields that differ."""
    return {
        key: [_jsonable(before.get(key)), _jsonable(after.get(key))]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def audit_record(
    *,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: str | int = "",
    teryt: str = "",
    changes: dict[str, list[Any]] | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor_name=actor.name,
        actor_kind=actor.kind,
        role=actor.role,
        ip=actor.ip,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        teryt=teryt,
        changes=changes or {},
    )
