"""The calls' consumer: a call defined or changed is evaluated for its whole scope."""

from __future__ import annotations

import logging

from aggregation.calls.events import CALL_CHANGED, CALL_DEFINED
from aggregation.calls.services import call_evaluate_all
from mozaika.events.bus import EventEnvelope, event_consumer

logger = logging.getLogger(__name__)


@event_consumer(
    CALL_DEFINED, CALL_CHANGED, name="aggregation.evaluate_call", transactional=False, queue_name="evaluations"
)
def evaluate_call(event: EventEnvelope) -> None:
    # Batches commit one by one under the call's lock, and evaluating again gives the same
    # results: safe to repeat if the worker dies before the event is marked consumed.
    code = event.payload["code"]
    run = call_evaluate_all(code=code)
    logger.info("call %s evaluated: %d gminas, %d decisions changed", code, run.evaluated, run.changed)
