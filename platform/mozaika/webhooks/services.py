"""Webhook endpoints and deliveries: registration, secret rotation, the fan-out of public events
and each delivery attempt with its retries. API modules and actors call these and nothing else.

Retries: an attempt that fails is tried again after `WEBHOOK_RETRY_DELAYS` (the last delay
repeats) until `WEBHOOK_GIVE_UP_SECONDS` after the delivery's first attempt, then given up. An
endpoint answering 410 Gone is disabled at once; one whose every attempt failed for
`WEBHOOK_GIVE_UP_SECONDS` is disabled too."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mozaika.audit.log import Actor, audit_record
from mozaika.errors import Conflict, FieldError, NotFound, ValidationFailed
from mozaika.events.bus import EventEnvelope
from mozaika.events.catalogue import public_event_names
from mozaika.events.models import Event
from mozaika.identity.models import Scope
from mozaika.identity.principal import Principal
from mozaika.tenancy import Teryt
from mozaika.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from mozaika.webhooks.signing import webhook_secret_new, webhook_signature
from mozaika.webhooks.urls import CheckedUrl, UnsafeUrl, webhook_url_check

logger = logging.getLogger(__name__)

PING = "webhook.ping"
CLOUDEVENT_TYPE_PREFIX = "pl.mozaika."
# After a rotation the previous secret signs too, this long, so receivers can switch over.
ROTATION_OVERLAP = timedelta(hours=24)
# An attempt holds its delivery this long (longer than its timeout): a worker dying mid-attempt
# leaves the delivery due again after it, for the sweeper to send.
ATTEMPT_LEASE = timedelta(seconds=60)
_VOIVODESHIP = re.compile(r"^\d{2}$")
_OPEN = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)


def _send_later(delivery_ids: list[str], *, delay: timedelta = timedelta(0)) -> None:
    from mozaika.webhooks.actors import delivery_send  # the actors call these services

    ids = list(delivery_ids)

    def send() -> None:
        for delivery_id in ids:
            delivery_send(delivery_id, delay=delay)

    transaction.on_commit(send)


def _cloud_event(
    *, event_id: str, type_: str, source: str, subject: str, time_: datetime, data: dict[str, Any], seq: int | None
) -> str:
    """A CloudEvents 1.0 structured JSON body."""
    body: dict[str, Any] = {
        "specversion": "1.0",
        "id": event_id,
        "source": source,
        "type": CLOUDEVENT_TYPE_PREFIX + type_,
        "time": time_.isoformat(),
        "subject": subject,
        "datacontenttype": "application/json",
        "data": data,
    }
    if seq is not None:
        body["sequence"] = str(seq)  # the CloudEvents sequence extension: the feed's cursor
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def webhook_of(*, owner: Principal, webhook_id: int, for_update: bool = False) -> WebhookEndpoint:
    """The caller's endpoint; another client's is as absent as one that never was."""
    endpoints = WebhookEndpoint.objects.filter(pk=webhook_id, owner_id=owner.id)
    endpoint = (endpoints.select_for_update() if for_update else endpoints).first()
    if endpoint is None:
        raise NotFound(f"Webhook {webhook_id} does not exist.")
    return endpoint


MAX_ENDPOINTS_PER_CLIENT = 10


def webhook_create(
    *, owner: Principal, url: str, event_types: list[str], voivodeships: list[str], actor: Actor
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; its signing secret is returned (to be shown once)."""
    errors: list[FieldError] = []
    try:
        webhook_url_check(url)
    except UnsafeUrl as problem:
        errors.append(FieldError("url", str(problem)))
    readable = set(public_event_names())
    if not event_types:
        errors.append(FieldError("event_types", "name at least one event type"))
    errors += [
        FieldError(f"event_types[{i}]", "not an event type API clients may read (see the catalogue)")
        for i, name in enumerate(event_types)
        if name not in readable
    ]
    served = owner.voivodeships
    errors += [
        FieldError(f"voivodeships[{i}]", f"not one of this client's voivodeships ({', '.join(sorted(served or ()))})")
        if _VOIVODESHIP.match(code) and served is not None
        else FieldError(f"voivodeships[{i}]", "a voivodeship code has 2 digits")
        for i, code in enumerate(voivodeships)
        if not _VOIVODESHIP.match(code) or (served is not None and code not in served)
    ]
    if errors:
        raise ValidationFailed("The webhook cannot be registered.", errors=errors)
    secret = webhook_secret_new()
    with transaction.atomic():
        # Each endpoint is a POST per event: a client with thousands would make Mozaika an amplifier.
        registered = WebhookEndpoint.objects.select_for_update().filter(owner_id=owner.id, is_active=True)
        if len(registered) >= MAX_ENDPOINTS_PER_CLIENT:
            raise Conflict(f"An API client has at most {MAX_ENDPOINTS_PER_CLIENT} active webhooks; delete one first.")
        endpoint = WebhookEndpoint.objects.create(
            owner_id=owner.id,
            url=url,
            event_types=sorted(set(event_types)),
            voivodeships=sorted(set(voivodeships)),
            secret=secret,
        )
        audit_record(
            actor=actor,
            action="webhook.create",
            object_type="webhook",
            object_id=endpoint.pk,
            changes={"url": [None, url], "event_types": [None, endpoint.event_types]},
        )
    return endpoint, secret


def webhook_delete(*, owner: Principal, webhook_id: int, actor: Actor) -> None:
    with transaction.atomic():
        endpoint = webhook_of(owner=owner, webhook_id=webhook_id, for_update=True)
        audit_record(
            actor=actor,
            action="webhook.delete",
            object_type="webhook",
            object_id=endpoint.pk,
            changes={"url": [endpoint.url, None]},
        )
        endpoint.delete()


def webhook_secret_rotate(*, owner: Principal, webhook_id: int, actor: Actor) -> tuple[WebhookEndpoint, str]:
    """A new secret; the one it replaces keeps signing for `ROTATION_OVERLAP` (an older one stops)."""
    secret = webhook_secret_new()
    with transaction.atomic():
        endpoint = webhook_of(owner=owner, webhook_id=webhook_id, for_update=True)
        endpoint.previous_secret = endpoint.secret
        endpoint.previous_secret_expires_at = timezone.now() + ROTATION_OVERLAP
        endpoint.secret = secret
        endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at"])
        audit_record(actor=actor, action="webhook.secret.rotate", object_type="webhook", object_id=endpoint.pk)
    return endpoint, secret


def webhook_secrets_in_use(endpoint: WebhookEndpoint, *, at: datetime) -> list[str]:
    """The current secret, and the previous one while its overlap lasts."""
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret and expires is not None and expires > at:
        return [endpoint.secret, endpoint.previous_secret]
    return [endpoint.secret]


def _require_active(endpoint: WebhookEndpoint) -> None:
    if not endpoint.is_active:
        raise Conflict(
            f"Webhook {endpoint.pk} is disabled ({endpoint.disabled_reason}); "
            "register the endpoint again once it works."
        )


def webhook_ping(*, owner: Principal, webhook_id: int) -> WebhookDelivery:
    """A `webhook.ping` delivery to the endpoint, to try it out."""
    with transaction.atomic():
        endpoint = webhook_of(owner=owner, webhook_id=webhook_id)
        _require_active(endpoint)
        now = timezone.now()
        delivery_id = uuid.uuid4()
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint,
            event_type=PING,
            body=_cloud_event(
                event_id=str(delivery_id),
                type_=PING,
                source="/mozaika",
                subject=str(endpoint.pk),
                time_=now,
                data={"webhook_id": endpoint.pk},
                seq=None,
            ),
            next_attempt_at=now,
        )
        _send_later([str(delivery.id)])
    return delivery


def delivery_replay(*, owner: Principal, webhook_id: int, delivery_id: uuid.UUID) -> WebhookDelivery:
    """Send a delivery again, whatever its state, as a new attempt under the same `webhook-id`;
    failing, it is retried as a new delivery would be."""
    with transaction.atomic():
        endpoint = webhook_of(owner=owner, webhook_id=webhook_id)
        _require_active(endpoint)
        delivery = WebhookDelivery.objects.select_for_update().filter(id=delivery_id, endpoint=endpoint).first()
        if delivery is None:
            raise NotFound(f"Delivery {delivery_id} of webhook {webhook_id} does not exist.")
        delivery.status = DeliveryStatus.PENDING
        delivery.next_attempt_at = timezone.now()
        delivery.first_attempt_at = None  # a fresh retry window
        delivery.save(update_fields=["status", "next_attempt_at", "first_attempt_at"])
        _send_later([str(delivery.id)])
    return delivery


def _visible_to(endpoint: WebhookEndpoint, voivodeship: str | None) -> bool:
    """Whether the endpoint's client may read an event of `voivodeship` (None: no gmina's), and
    the endpoint asked for it. The client's voivodeships are read now: an operator may have
    narrowed them since the endpoint was registered."""
    for served in (endpoint.owner.voivodeships, endpoint.voivodeships):  # empty: all
        if served and voivodeship not in served:
            return False
    return True


def deliveries_for_event(event: EventEnvelope) -> list[str]:
    """In the consumer's transaction: a delivery of a public event to every active endpoint that
    subscribed to it and whose client may read it; their messages leave after commit."""
    if event.type not in public_event_names():
        return []  # never: the consumer subscribes to public events only; a second lock on the door
    voivodeship = Teryt(event.teryt).voivodeship if event.teryt else None
    endpoints = WebhookEndpoint.objects.select_related("owner").filter(
        is_active=True,
        owner__is_active=True,
        owner__scopes__contains=[Scope.EVENTS_READ.value],
        event_types__contains=[event.type],
    )
    now = timezone.now()
    body = _cloud_event(
        event_id=event.id,
        type_=event.type,
        source=f"/mozaika/gminas/{event.teryt}" if event.teryt else "/mozaika",
        subject=event.aggregate_id,
        time_=event.occurred_at,
        data=event.payload,
        seq=event.seq,
    )
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            endpoint=endpoint,
            event_id=uuid.UUID(event.id),
            event_seq=event.seq,
            event_type=event.type,
            body=body,
            next_attempt_at=now,
        )
        for endpoint in endpoints
        if _visible_to(endpoint, voivodeship)
    )
    ids = [str(d.id) for d in deliveries]
    _send_later(ids)
    return ids


def deliveries_overdue(*, slack: timedelta, limit: int = 1000) -> list[str]:
    """Deliveries due for longer than `slack`: their message was lost (a crash, a broker
    restart), or their retry was too far ahead to be a delayed message."""
    due = WebhookDelivery.objects.filter(status__in=_OPEN, next_attempt_at__lte=timezone.now() - slack)
    return [str(i) for i in due.order_by("next_attempt_at").values_list("id", flat=True)[:limit]]


@dataclass(frozen=True)
class AttemptResult:
    delivery_id: str
    status: DeliveryStatus
    status_code: int | None
    error: str
    retry_in: timedelta | None


def _retry_delay(attempts: int) -> timedelta:
    delays: list[float] = settings.WEBHOOK_RETRY_DELAYS
    return timedelta(seconds=delays[min(attempts, len(delays)) - 1])


# What is read of a receiver's answer: its status matters, its body is not kept.
_ANSWER_BYTES = 64 * 1024


def _at_checked_address(checked: CheckedUrl) -> tuple[str, dict[str, str], dict[str, Any]]:
    """The URL with the checked address in place of the name, the Host header and the TLS
    server name to send: the connection goes where the check looked, the certificate is still
    verified for the name."""
    parts = urlsplit(checked.url)
    address = f"[{checked.address}]" if ":" in checked.address else checked.address
    netloc = f"{address}:{parts.port}" if parts.port else address
    host_header = f"{checked.host}:{parts.port}" if parts.port else checked.host
    extensions = {"sni_hostname": checked.host} if parts.scheme == "https" else {}
    return urlunsplit(parts._replace(netloc=netloc)), {"host": host_header}, extensions


def _post(endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> tuple[int | None, str]:
    """POST the delivery once: the answer's status, or why there is none."""
    try:
        checked = webhook_url_check(endpoint.url)  # again: the name may resolve elsewhere by now
    except UnsafeUrl as problem:
        return None, f"refused: {problem}"
    url, host, extensions = _at_checked_address(checked)
    at = timezone.now()
    headers = {
        **host,
        "content-type": "application/json",
        "user-agent": "Mozaika-Webhooks/1",
        "webhook-id": str(delivery.id),
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": webhook_signature(
            secrets_in_use=webhook_secrets_in_use(endpoint, at=at),
            msg_id=str(delivery.id),
            timestamp=at,
            body=delivery.body,
        ),
    }
    try:
        # No redirects (a 3xx is a failure: it could point inside the network); no proxies from
        # the environment, so what is checked above is what is called.
        # The answer is streamed and at most 64 KiB of it read: an endless body cannot fill the
        # worker's memory.
        with (
            httpx.Client(timeout=settings.WEBHOOK_TIMEOUT_SECONDS, follow_redirects=False, trust_env=False) as client,
            client.stream(
                "POST", url, content=delivery.body.encode(), headers=headers, extensions=extensions
            ) as answer,
        ):
            read = 0
            for chunk in answer.iter_raw():
                read += len(chunk)
                if read >= _ANSWER_BYTES:
                    break
            return answer.status_code, ""
    except httpx.HTTPError as error:
        return None, f"{type(error).__name__}: {error}"[:500]


def _disable(endpoint: WebhookEndpoint, reason: str) -> None:
    endpoint.is_active = False
    endpoint.disabled_reason = reason[:200]
    endpoint.save(update_fields=["is_active", "disabled_reason", "first_failure_at"])
    WebhookDelivery.objects.filter(endpoint=endpoint, status__in=_OPEN).update(
        status=DeliveryStatus.GAVE_UP, next_attempt_at=None, last_error=f"endpoint disabled: {reason}"[:500]
    )
    logger.warning("webhook endpoint=%s disabled: %s", endpoint.pk, reason)


def _not_sendable(delivery: WebhookDelivery) -> str | None:
    """Why the delivery may not be sent any more, if so: its endpoint was disabled, or its client
    was deactivated, lost the events:read scope or the event's voivodeship after it was made."""
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        return f"endpoint disabled: {endpoint.disabled_reason}"
    if not endpoint.owner.is_active or Scope.EVENTS_READ.value not in endpoint.owner.scopes:
        return "the API client was deactivated or no longer has the events:read scope"
    if delivery.event_id is None:
        return None  # a ping: no event to read
    teryt = Event.objects.filter(id=delivery.event_id).values_list("teryt", flat=True).first()
    if teryt and not _visible_to(endpoint, Teryt(teryt).voivodeship):
        return "the API client no longer serves the event's voivodeship"
    return None


def delivery_attempt(*, delivery_id: str) -> AttemptResult | None:
    """Attempt a due delivery once and record the outcome; None when it is not due (done, given
    up, held by another attempt, or its retry is later): a duplicate message changes nothing."""
    started = timezone.now()
    claimed = WebhookDelivery.objects.filter(id=delivery_id, status__in=_OPEN, next_attempt_at__lte=started).update(
        next_attempt_at=started + ATTEMPT_LEASE
    )
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint__owner").get(id=delivery_id)
    refused = _not_sendable(delivery)
    if refused is None:
        clock = time.monotonic()
        status_code, error = _post(delivery.endpoint, delivery)
        duration_ms = int((time.monotonic() - clock) * 1000)
    else:
        status_code, error, duration_ms = None, refused, 0
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().filter(id=delivery_id).first()  # type: ignore[assignment]
        if delivery is None:
            return None  # the endpoint was deleted meanwhile
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
        if refused is None:
            WebhookAttempt.objects.create(
                delivery=delivery, at=started, status_code=status_code, error=error, duration_ms=duration_ms
            )
            delivery.attempts += 1
        delivery.first_attempt_at = delivery.first_attempt_at or started
        delivery.last_status_code = status_code
        delivery.last_error = error
        delivery.next_attempt_at = None
        retry_in = None
        give_up_after = timedelta(seconds=settings.WEBHOOK_GIVE_UP_SECONDS)
        if refused is not None or not endpoint.is_active:  # not sent, or disabled while it was
            delivery.status = DeliveryStatus.GAVE_UP
        elif status_code is not None and 200 <= status_code < 300:
            delivery.status = DeliveryStatus.SUCCEEDED
            if endpoint.first_failure_at is not None:
                endpoint.first_failure_at = None
                endpoint.save(update_fields=["first_failure_at"])
        elif status_code == 410:
            delivery.status = DeliveryStatus.GAVE_UP
            _disable(endpoint, "the endpoint answered 410 Gone")
        else:
            if endpoint.first_failure_at is None:
                endpoint.first_failure_at = started
                endpoint.save(update_fields=["first_failure_at"])
            if started - endpoint.first_failure_at >= give_up_after:
                delivery.status = DeliveryStatus.GAVE_UP
                _disable(endpoint, f"every delivery failed since {endpoint.first_failure_at.isoformat()}")
            elif started - delivery.first_attempt_at >= give_up_after:
                delivery.status = DeliveryStatus.GAVE_UP
            else:
                delivery.status = DeliveryStatus.FAILED
                retry_in = _retry_delay(delivery.attempts)
                delivery.next_attempt_at = timezone.now() + retry_in
        delivery.save()
        if retry_in is not None:
            _send_later([str(delivery.id)], delay=retry_in)
    # Never the secret or the signature: the delivery, the answer and what follows.
    logger.info(
        "webhook attempt delivery=%s endpoint=%s event_type=%s attempt=%s status_code=%s error=%r "
        "duration_ms=%s outcome=%s retry_in_s=%s",
        delivery.id,
        endpoint.pk,
        delivery.event_type,
        delivery.attempts,
        status_code,
        error,
        duration_ms,
        delivery.status,
        retry_in.total_seconds() if retry_in else None,
    )
    return AttemptResult(str(delivery.id), DeliveryStatus(delivery.status), status_code, error, retry_in)
