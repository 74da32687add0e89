"""The events of funding calls and their evaluations (`mozaika.events.catalogue`)."""

# No `from __future__ import annotations`: TypedDict reads NotRequired from real annotations.
from typing import TypedDict

from mozaika.events.catalogue import Audience, event_type


class Standing(TypedDict):
    eligible: bool
    points: int


class EligibilityChanged(TypedDict):
    call: str
    teryt: str
    evaluated_on: str
    before: Standing
    after: Standing
    criteria: dict[str, bool]


class CallDefinitionChanged(TypedDict):
    code: str
    version: int


ELIGIBILITY_CHANGED = event_type(
    "eligibility.changed",
    aggregate="call_evaluation",
    payload=EligibilityChanged,
    description="A gmina's decision or points in a call changed.",
    audience=Audience.PUBLIC,
)
# A call's evaluation of its whole scope follows these through the outbox: a broker that is
# down when the call is saved delays the evaluation, it does not lose it.
CALL_DEFINED = event_type(
    "call.defined",
    aggregate="call",
    payload=CallDefinitionChanged,
    description="A funding call was defined.",
    audience=Audience.OPERATORS,
)
CALL_CHANGED = event_type(
    "call.changed",
    aggregate="call",
    payload=CallDefinitionChanged,
    description="A call's definition changed.",
    audience=Audience.OPERATORS,
)
