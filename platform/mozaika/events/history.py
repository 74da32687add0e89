"""An aggregate's history as its events tell it: what the gmina sees of its plan's changes and
of the marshal's office's decisions on it."""

from __future__ import annotations

from mozaika.events.models import Event


def aggregate_history(*, teryt: str, aggregate: str, aggregate_id: int | str) -> list[Event]:
    return list(Event.objects.filter(teryt=teryt, aggregate=aggregate, aggregate_id=str(aggregate_id)).order_by("seq"))
