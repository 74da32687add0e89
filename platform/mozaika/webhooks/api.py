"""Webhooks for API clients with the events:read scope: register endpoints, rotate their
signing secret, ping them, read and replay deliveries. A client sees only its own endpoints
(another's is a 404); people use the event feed instead (403)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.params.functions import Query
from pydantic import Field

from mozaika.audit.log import Actor, actor_for
from mozaika.errors import PermissionDenied
from mozaika.identity.auth import principal_of
from mozaika.identity.authz import Action, authorize_platform
from mozaika.identity.principal import PrincipalKind
from mozaika.webhooks.models import WebhookDelivery, WebhookEndpoint
from mozaika.webhooks.selectors import deliveries_of
from mozaika.webhooks.services import (
    delivery_replay,
    webhook_create,
    webhook_delete,
    webhook_of,
    webhook_ping,
    webhook_secret_rotate,
)

router = Router(tags=["webhooks"])


class WebhookIn(Schema):
    url: str = Field(min_length=1, max_length=2000, description="https:// only; a public host")
    event_types: list[str] = Field(min_length=1, max_length=100, description="public event types (the catalogue)")
    voivodeships: list[str] = Field(
        default_factory=list, max_length=16, description="some of the client's voivodeships; empty: all of them"
    )


class WebhookOut(Schema):
    id: int
    url: str
    event_types: list[str]
    voivodeships: list[str]
    is_active: bool
    disabled_reason: str
    created_at: dt.datetime
    first_failure_at: dt.datetime | None
    previous_secret_expires_at: dt.datetime | None = Field(
        None, description="until then, deliveries are also signed with the secret before the last rotation"
    )


class WebhookSecretOut(WebhookOut):
    secret: str = Field(description="`whsec_…`: the signing secret, shown only in this answer")


class AttemptOut(Schema):
    at: dt.datetime
    status_code: int | None
    error: str
    duration_ms: int


class DeliveryOut(Schema):
    id: uuid.UUID = Field(description="the `webhook-id` header, the same on every attempt and replay")
    event_id: uuid.UUID | None
    event_seq: int | None
    event_type: str
    status: str = Field(description="pending, failed (a retry is due at next_attempt_at), succeeded or gave_up")
    attempts: int
    next_attempt_at: dt.datetime | None
    last_status_code: int | None
    last_error: str
    created_at: dt.datetime
    attempt_log: list[AttemptOut]


def _client(request: HttpRequest) -> tuple[Actor, int]:
    """The calling API client (with events:read) and its actor; people are refused."""
    decision = authorize_platform(principal=principal_of(request), action=Action.EVENTS_READ)
    if decision.principal.kind is not PrincipalKind.CLIENT:
        raise PermissionDenied(
            "Not allowed: webhooks are registered by API clients with the events:read scope; "
            "people read the event feed (GET /api/v1/events)."
        )
    return actor_for(request, decision), decision.principal.id


def _out(endpoint: WebhookEndpoint) -> WebhookOut:
    return WebhookOut(
        id=endpoint.pk,
        url=endpoint.url,
        event_types=endpoint.event_types,
        voivodeships=endpoint.voivodeships,
        is_active=endpoint.is_active,
        disabled_reason=endpoint.disabled_reason,
        created_at=endpoint.created_at,
        first_failure_at=endpoint.first_failure_at,
        previous_secret_expires_at=endpoint.previous_secret_expires_at if endpoint.previous_secret else None,
    )


def _delivery_out(delivery: WebhookDelivery) -> DeliveryOut:
    return DeliveryOut(
        id=delivery.id,
        event_id=delivery.event_id,
        event_seq=delivery.event_seq,
        event_type=delivery.event_type,
        status=delivery.status,
        attempts=delivery.attempts,
        next_attempt_at=delivery.next_attempt_at,
        last_status_code=delivery.last_status_code,
        last_error=delivery.last_error,
        created_at=delivery.created_at,
        attempt_log=[
            AttemptOut(at=a.at, status_code=a.status_code, error=a.error, duration_ms=a.duration_ms)
            for a in delivery.attempt_log.all()
        ],
    )


@router.post(
    "/webhooks",
    operation_id="createWebhook",
    response={201: WebhookSecretOut},
    summary="Register a webhook endpoint; its signing secret is shown once",
)
def create_webhook(request: HttpRequest, payload: WebhookIn) -> Status[WebhookSecretOut]:
    actor, _ = _client(request)
    endpoint, secret = webhook_create(
        owner=principal_of(request),
        url=payload.url,
        event_types=payload.event_types,
        voivodeships=payload.voivodeships,
        actor=actor,
    )
    return Status(201, WebhookSecretOut(**_out(endpoint).model_dump(), secret=secret))


@router.get("/webhooks", operation_id="listWebhooks", response=list[WebhookOut], summary="This client's webhooks")
def list_webhooks(request: HttpRequest) -> list[WebhookOut]:
    _, client_id = _client(request)
    return [_out(e) for e in WebhookEndpoint.objects.filter(owner_id=client_id).order_by("pk")]


@router.get("/webhooks/{id}", operation_id="getWebhook", response=WebhookOut, summary="One of this client's webhooks")
def get_webhook(request: HttpRequest, id: int) -> WebhookOut:
    _client(request)
    return _out(webhook_of(owner=principal_of(request), webhook_id=id))


@router.delete("/webhooks/{id}", operation_id="deleteWebhook", response={204: None}, summary="Delete a webhook")
def delete_webhook(request: HttpRequest, id: int) -> Status[None]:
    actor, _ = _client(request)
    webhook_delete(owner=principal_of(request), webhook_id=id, actor=actor)
    return Status(204, None)


@router.post(
    "/webhooks/{id}/secret",
    operation_id="rotateWebhookSecret",
    response={201: WebhookSecretOut},
    summary="A new signing secret (shown once); the previous one also signs for 24 hours",
)
def rotate_webhook_secret(request: HttpRequest, id: int) -> Status[WebhookSecretOut]:
    actor, _ = _client(request)
    endpoint, secret = webhook_secret_rotate(owner=principal_of(request), webhook_id=id, actor=actor)
    return Status(201, WebhookSecretOut(**_out(endpoint).model_dump(), secret=secret))


@router.post(
    "/webhooks/{id}/ping",
    operation_id="pingWebhook",
    response={202: DeliveryOut},
    summary="Send a webhook.ping delivery to the endpoint",
)
def ping_webhook(request: HttpRequest, id: int) -> Status[DeliveryOut]:
    _client(request)
    return Status(202, _delivery_out(webhook_ping(owner=principal_of(request), webhook_id=id)))


@router.get(
    "/webhooks/{id}/deliveries",
    operation_id="listWebhookDeliveries",
    response=list[DeliveryOut],
    summary="A webhook's deliveries, newest first, with their attempts",
)
def list_webhook_deliveries(
    request: HttpRequest,
    id: int,
    status: str | None = Query(None, pattern="^(pending|failed|succeeded|gave_up)$"),
    limit: int = Query(100, ge=1, le=500),
) -> list[DeliveryOut]:
    _client(request)
    endpoint = webhook_of(owner=principal_of(request), webhook_id=id)
    return [_delivery_out(d) for d in deliveries_of(endpoint=endpoint, status=status, limit=limit)]


@router.post(
    "/webhooks/{id}/deliveries/{delivery_id}/replay",
    operation_id="replayWebhookDelivery",
    response={202: DeliveryOut},
    summary="Send a delivery again (same webhook-id), whatever its state",
)
def replay_webhook_delivery(request: HttpRequest, id: int, delivery_id: uuid.UUID) -> Status[DeliveryOut]:
    _client(request)
    delivery = delivery_replay(owner=principal_of(request), webhook_id=id, delivery_id=delivery_id)
    return Status(202, _delivery_out(delivery))
