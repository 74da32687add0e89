"""The event catalogue: every event type declared once, with its payload's shape and who may
read it. Producers record catalogue members (`event_record(type=PLAN_ADOPTED, ...)`), consumers
subscribe by them, and lists that used to be kept by hand (the views' inputs, the public feed)
are questions asked of the catalogue.

The kernel holds the mechanism; each domain package declares its own events in its `events`
module, which its app imports when it is ready, so the catalogue is complete once Django is set
up. A name declared twice is an error at import, not a silent second meaning.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Audience(StrEnum):
    """Who may read an event of a type, beyond the operators (who read every event). Each
    audience includes those after it: the gmina reads its review and public events too."""

    OPERATORS = "operators"  # platform housekeeping: tenants provisioned, calls' internal steps
    GMINA = "gmina"  # drafts being written, reminders: the gmina's own members
    # Submissions, reviews, reports on plans that were in force: and its voivodeship's reviewers.
    # (A value may be reported on a draft, which reviewers do not see: values stay GMINA.)
    REVIEW = "review"
    PUBLIC = "public"  # adopted plans' acts, eligibility: and analysts and API clients


@dataclass(frozen=True, eq=False)
class EventType:
    """One kind of event. `payload` is the TypedDict its payload follows (for readers and the
    API's documentation); `public`: API clients with the feed's scope may read it;
    `changes_snapshot`: it changes what a gmina's snapshot holds, so the views must consume it.
    A payload is checked against its TypedDict's keys when the event is recorded."""

    name: str
    aggregate: str
    payload: type[Any]
    description: str
    audience: Audience = Audience.GMINA
    changes_snapshot: bool = False

    @property
    def public(self) -> bool:
        return self.audience is Audience.PUBLIC

    def payload_problems(self, payload: Mapping[str, Any]) -> list[str]:
        """Keys the payload lacks or should not have, by its TypedDict."""
        required: frozenset[str] = getattr(self.payload, "__required_keys__", frozenset())
        optional: frozenset[str] = getattr(self.payload, "__optional_keys__", frozenset())
        missing = [f"missing {k}" for k in sorted(required - payload.keys())]
        unknown = [f"unknown {k}" for k in sorted(payload.keys() - required - optional)]
        return missing + unknown

    def __str__(self) -> str:
        return self.name

    def __hash__(self) -> int:
        return hash(self.name)


_CATALOGUE: dict[str, EventType] = {}


def event_type(
    name: str,
    *,
    aggregate: str,
    payload: type[Any],
    description: str,
    audience: Audience,
    changes_snapshot: bool = False,
) -> EventType:
    """Declare an event type (once: a second declaration of the name raises)."""
    if name in _CATALOGUE:
        raise ValueError(f"event type {name!r} is declared twice")
    declared = EventType(name, aggregate, payload, description, audience, changes_snapshot=changes_snapshot)
    _CATALOGUE[name] = declared
    return declared


def catalogue() -> list[EventType]:
    """Every declared event type, by name."""
    return [_CATALOGUE[name] for name in sorted(_CATALOGUE)]


def event_type_named(name: str) -> EventType | None:
    return _CATALOGUE.get(name)


def event_names_for(*audiences: Audience) -> list[str]:
    """The event types written for any of these audiences."""
    return [t.name for t in catalogue() if t.audience in audiences]


def public_event_names() -> list[str]:
    """What API clients with the feed's scope may read: events about adopted plans (their acts)
    and eligibility. Drafts being written, submissions and reviews stay inside the gmina, the
    region and the operators."""
    return [t.name for t in catalogue() if t.public]


def snapshot_changing() -> list[EventType]:
    """Every event that changes what a gmina's snapshot holds: the views' inputs."""
    return [t for t in catalogue() if t.changes_snapshot]
