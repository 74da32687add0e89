"""When a plan is in force: the one function that decides it (`force_on`), over the plan's
programme period and the acts of its life, as Polish local law has them.

A plan is *in force* on a day when that day is
- on or after the entry into force of the act that adopted it (vacatio legis: the act may be
  dated earlier than its entry into force), and inside the programme period (`valid_from`..
  `valid_until`, day precision) set by the latest adopting or amending act already in force
  on that day;
- before the day its force ended by a repeal or a supersession (each records that day);
- and the plan was not annulled by the voivode's supervisory decision (void from the start).

An operator's withdrawal of a mistaken act removes that act from the plan's life (the act stays
on record, marked withdrawn), so a withdrawn act never counts here. Eligibility, rule kinds,
rollups, the expiry job and the evidence all call this module; nothing else compares dates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from enum import StrEnum
from typing import TypedDict

from django.db import models


class ActKind(models.TextChoices):
    """Acts in a plan's life; the label is how a Polish reader knows it."""

    ADOPTION = "adoption", "uchwała przyjmująca plan"
    REGISTRATION = "registration", "plan przyjęty przed dołączeniem do Mozaiki"
    AMENDMENT = "amendment", "uchwała zmieniająca"
    REPEAL = "repeal", "uchwała uchylająca"
    SUPERSESSION = "supersession", "zastąpienie nowym planem"
    ANNULMENT = "annulment", "rozstrzygnięcie nadzorcze stwierdzające nieważność"


ENACTING = frozenset({ActKind.ADOPTION, ActKind.REGISTRATION, ActKind.AMENDMENT})
ENDING = frozenset({ActKind.REPEAL, ActKind.SUPERSESSION})


class ActFacts(TypedDict):
    """One act as the snapshot carries it (dates as ISO strings)."""

    kind: str
    number: str
    date: str
    in_force_from: str  # entry into force; for a repeal or supersession, the first day without force
    valid_from: str | None  # the programme period an enacting act sets
    valid_until: str | None
    version: int | None  # the frozen version the act adopted (adoption, registration, amendment)
    version_sha256: str | None
    document: int | None  # the act's document in the plan's documents


def act_facts_of(
    kind: str,
    number: str,
    day: date,
    in_force_from: date,
    valid_from: date | None,
    valid_until: date | None,
    version: int | None,
    version_sha256: str,
    document: int | None,
) -> ActFacts:
    """An act as the snapshot carries it, from its stored columns (in this order)."""
    return {
        "kind": kind,
        "number": number,
        "date": day.isoformat(),
        "in_force_from": in_force_from.isoformat(),
        "valid_from": valid_from.isoformat() if valid_from else None,
        "valid_until": valid_until.isoformat() if valid_until else None,
        "version": version,
        "version_sha256": version_sha256 or None,
        "document": document,
    }


class ForceState(StrEnum):
    NOT_ADOPTED = "not_adopted"
    NOT_YET_IN_FORCE = "not_yet_in_force"  # adopted; its entry into force or period lies ahead
    IN_FORCE = "in_force"
    ENDED = "ended"  # period over, repealed or superseded
    VOID = "void"  # annulled: as if never in force


def _day(value: str) -> date:
    return date.fromisoformat(value)


def _enacting(acts: Iterable[ActFacts]) -> list[ActFacts]:
    """Adopting and amending acts in the order they enter into force."""
    return sorted((a for a in acts if a["kind"] in ENACTING), key=lambda a: (a["in_force_from"], a["date"]))


def governing_act(acts: Sequence[ActFacts], day: date) -> ActFacts | None:
    """The adopting or amending act whose text applies on `day`: the latest already in force."""
    applying = [a for a in _enacting(acts) if _day(a["in_force_from"]) <= day]
    return applying[-1] if applying else None


def force_ended_on(acts: Sequence[ActFacts]) -> date | None:
    """The first day without force because of a repeal or supersession, if any."""
    endings = [_day(a["in_force_from"]) for a in acts if a["kind"] in ENDING]
    return min(endings) if endings else None


def force_on(acts: Sequence[ActFacts], day: date) -> ForceState:
    """The plan's legal state on `day`, from its (not withdrawn) acts."""
    if any(a["kind"] == ActKind.ANNULMENT for a in acts):
        return ForceState.VOID
    enacting = _enacting(acts)
    if not enacting:
        return ForceState.NOT_ADOPTED
    ended = force_ended_on(acts)
    if ended is not None and day >= ended:
        return ForceState.ENDED
    governing = governing_act(acts, day)
    if governing is None:
        return ForceState.NOT_YET_IN_FORCE
    assert governing["valid_from"] is not None
    assert governing["valid_until"] is not None
    if day < _day(governing["valid_from"]):
        return ForceState.NOT_YET_IN_FORCE
    if day > _day(governing["valid_until"]):
        return ForceState.ENDED
    return ForceState.IN_FORCE


def in_force_on(acts: Sequence[ActFacts], day: date) -> bool:
    return force_on(acts, day) is ForceState.IN_FORCE


def force_begins(acts: Sequence[ActFacts]) -> date | None:
    """The first day the plan is in force (None: never, as its acts stand)."""
    spans = in_force_spans(acts)
    return spans[0][0] if spans else None


def force_ends(acts: Sequence[ActFacts]) -> date | None:
    """The last day the plan is in force (None: never, as its acts stand)."""
    spans = in_force_spans(acts)
    return spans[-1][1] if spans else None


def in_force_spans(acts: Sequence[ActFacts]) -> list[tuple[date, date]]:
    """The maximal runs of days on which the plan is in force, in order. The state can change
    only on the days the acts name, so checking those days is enough."""
    turns = {date.min}
    for act in acts:
        for value in (act["in_force_from"], act["valid_from"]):
            if value:
                turns.add(_day(value))
        if act["valid_until"]:
            until = _day(act["valid_until"])
            if until < date.max:
                turns.add(date.fromordinal(until.toordinal() + 1))
    spans: list[tuple[date, date]] = []
    ordered = sorted(turns)
    for begins, next_turn in zip(ordered, [*ordered[1:], None], strict=True):
        if not in_force_on(acts, begins):
            continue
        ends = date.max if next_turn is None else date.fromordinal(next_turn.toordinal() - 1)
        if spans and spans[-1][1].toordinal() + 1 == begins.toordinal():
            spans[-1] = (spans[-1][0], ends)
        else:
            spans.append((begins, ends))
    return spans
