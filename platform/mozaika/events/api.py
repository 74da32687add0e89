"""The event feed: events in order after a cursor, only those the caller may read
(`mozaika.events.visibility`: by each event type's audience, the caller's roles and, for an API
client, its voivodeships)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.params.functions import Query

from mozaika.errors import FieldError, ValidationFailed
from mozaika.events.catalogue import catalogue
from mozaika.events.models import Event
from mozaika.events.visibility import readable_events
from mozaika.identity.auth import principal_of
from mozaika.identity.principal import Principal

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
    description="Only the events the caller may read: operators all; a gmina's members their gmina's "
    "(drafts included); a voivodeship's reviewers its submissions, reviews, reports and acts; "
    "analysts and API clients (with `events:read`, in their voivodeships) the public ones.",
)
def event_feed(
    request: HttpRequest,
    after: int = Query(0, ge=0, description="the `next_cursor` of the previous page"),
    type: list[str] | None = Query(None, description="only these event types"),
    limit: int = Query(100, ge=1, le=1000),
) -> FeedOut:
    who: Principal = principal_of(request)
    events = Event.objects.filter(readable_events(who), seq__gt=after).order_by("seq")
    if type:
        known = {event_type.name for event_type in catalogue()}
        unknown = [FieldError(f"type[{i}]", "not an event type") for i, name in enumerate(type) if name not in known]
        if unknown:
            raise ValidationFailed("Unknown event type; the catalogue lists them (README).", errors=unknown)
        events = events.filter(type__in=type)
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
