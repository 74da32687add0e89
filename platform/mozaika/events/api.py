"""The event feed for integrators: events in order after a cursor, scoped to what the caller
may see (an API client sees its voivodeships' gminas, and only the public event types:
the catalogue's public ones: `mozaika.events.catalogue`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.params.functions import Query

from mozaika.errors import FieldError, ValidationFailed
from mozaika.events.catalogue import catalogue, public_event_names
from mozaika.events.models import Event
from mozaika.identity.auth import principal_of
from mozaika.identity.authz import Action, Visibility, authorize_platform
from mozaika.identity.principal import Principal
from mozaika.tenancy import in_voivodeships

router = Router(tags=["events"])


class EventOut(Schema):
    id: str
    seq: int
    type: str
    teryt: str
    aggregate: str
    aggregate_id: str
    aggregate_version: int
    occurred_at: dt.datetime
    payload: dict[str, Any]
    payload_version: int


class FeedOut(Schema):
    events: list[EventOut]
    next_cursor: int = 0


@router.get(
    "/events",
    operation_id="listEvents",
    response=FeedOut,
    summary="Events in order, after a cursor (the last seq you saw)",
)
def event_feed(
    request: HttpRequest,
    after: int = Query(0, ge=0, description="the `next_cursor` of the previous page"),
    type: list[str] | None = Query(None, description="only these event types"),
    limit: int = Query(100, ge=1, le=1000),
) -> FeedOut:
    decision = authorize_platform(principal=principal_of(request), action=Action.EVENTS_READ)
    who: Principal = principal_of(request)
    events = Event.objects.filter(seq__gt=after).order_by("seq")
    if decision.visibility is not Visibility.ALL:  # outsiders: what concerns adopted plans only
        events = events.filter(type__in=public_event_names())
    if type:
        known = {event_type.name for event_type in catalogue()}
        unknown = [FieldError(f"type[{i}]", "not an event type") for i, name in enumerate(type) if name not in known]
        if unknown:
            raise ValidationFailed("Unknown event type; the catalogue lists them (README).", errors=unknown)
        events = events.filter(type__in=type)
    if who.voivodeships is not None:
        events = events.filter(in_voivodeships(who.voivodeships))
    page = list(events[:limit])
    return FeedOut(
        events=[
            EventOut(
                id=str(e.id),
                seq=e.seq,
                type=e.type,
                teryt=e.teryt,
                aggregate=e.aggregate,
                aggregate_id=e.aggregate_id,
                aggregate_version=e.aggregate_version,
                occurred_at=e.occurred_at,
                payload=e.payload,
                payload_version=e.payload_version,
            )
            for e in page
        ],
        next_cursor=page[-1].seq if page else after,
    )
