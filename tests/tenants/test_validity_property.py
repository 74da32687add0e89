"""Property test: for random timelines of plans and acts (adoption with its entry into force,
amendments moving the period's end, repeal, supersession, annulment) and random days, "in force"
(`tenants.plans.lifecycle.validity`) and the plain eligibility answer equal an oracle written plainly here
from the timeline, as sets of days."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from aggregation.calls.compliance import PLAIN_CRITERIA, evaluate, plain_terms
from aggregation.calls.criteria import Applicant, ApplicantKind, Project, Situation
from aggregation.plan_facts import plan_facts
from tenants.plans.lifecycle.validity import force_begins, force_ends, in_force_on, in_force_spans

START = date(2023, 1, 1)
HORIZON = 4 * 366


def day(offset: int) -> date:
    return START + timedelta(days=offset)


@dataclass(frozen=True)
class Amendment:
    enters_into_force: int
    new_last_day: int


@dataclass(frozen=True)
class PlanTimeline:
    adopted_on: int
    vacatio: int  # days from the act to its entry into force
    first_day: int
    length: int
    area: str
    amendments: tuple[Amendment, ...] = ()
    repealed_from: int | None = None
    superseded_from: int | None = None
    annulled: bool = False
    days: set[int] = field(default_factory=set, compare=False)


plans = st.builds(
    PlanTimeline,
    adopted_on=st.integers(0, 700),
    vacatio=st.sampled_from([0, 0, 14, 30, 200]),
    first_day=st.integers(0, 900),
    length=st.integers(0, 700),
    area=st.sampled_from(["seniors", "family"]),
    amendments=st.lists(
        st.builds(Amendment, enters_into_force=st.integers(0, HORIZON), new_last_day=st.integers(0, HORIZON)),
        max_size=2,
    ).map(tuple),
    repealed_from=st.none() | st.integers(0, HORIZON),
    superseded_from=st.none() | st.integers(0, HORIZON),
    annulled=st.booleans(),
)


def oracle_days(plan: PlanTimeline) -> set[int]:
    """The days the plan is in force, by plain set arithmetic over the whole horizon."""
    if plan.annulled:
        return set()
    enters = plan.adopted_on + plan.vacatio
    # The period's last day on each day: the latest amendment already in force decides.
    last_day_on: dict[int, int] = {}
    for d in range(HORIZON + 1):
        last, latest_entry = plan.first_day + plan.length, -1
        for amendment in plan.amendments:  # the later in the list wins among equal entries into force
            entry = max(amendment.enters_into_force, enters)
            if entry <= d and entry >= latest_entry:
                last, latest_entry = amendment.new_last_day, entry
        last_day_on[d] = last
    days = {d for d in range(HORIZON + 1) if d >= enters and plan.first_day <= d <= last_day_on[d]}
    for ended in (plan.repealed_from, plan.superseded_from):
        if ended is not None:
            days -= set(range(ended, HORIZON + 1))
    return days


def acts_of(plan: PlanTimeline) -> list[dict[str, Any]]:
    enters = plan.adopted_on + plan.vacatio

    def act(kind: str, in_force: int, last: int | None) -> dict[str, Any]:
        return {"kind": kind, "number": "I/1/2023", "date": day(plan.adopted_on).isoformat(),
                "in_force_from": day(in_force).isoformat(),
                "valid_from": day(plan.first_day).isoformat() if last is not None else None,
                "valid_until": day(last).isoformat() if last is not None else None,
                "version": 1, "version_sha256": None, "document": None}  # fmt: skip

    acts = [act("adoption", enters, max(plan.first_day + plan.length, plan.first_day))]
    # An amendment cannot enter into force before the plan it amends (it is dated after it).
    acts += [act("amendment", max(a.enters_into_force, enters), max(a.new_last_day, plan.first_day))
             for a in plan.amendments]  # fmt: skip
    if plan.repealed_from is not None:
        acts.append(act("repeal", plan.repealed_from, None))
    if plan.superseded_from is not None:
        acts.append(act("supersession", plan.superseded_from, None))
    if plan.annulled:
        acts.append(act("annulment", enters, None))
    return acts


def snapshot_plan(index: int, plan: PlanTimeline) -> dict[str, Any]:
    acts = acts_of(plan)
    return {"id": index, "title": f"Plan {index}", "kind": "lprusid", "status": "adopted", "version": 2,
            "period_start": day(plan.first_day).year, "period_end": day(plan.first_day + plan.length).year,
            "valid_from": day(plan.first_day).isoformat(),
            "valid_until": day(plan.first_day + plan.length).isoformat(), "areas": [plan.area],
            "act": {"kind": "council_resolution", "number": "I/1/2023", "date": acts[0]["date"],
                    "in_force_from": acts[0]["in_force_from"]},
            "acts": acts, "programme_areas": [], "services": [], "funding": [], "indicators": [],
            "latest_report_year": None, "yearly_report_years": [], "frozen_version": None, "documents": [],
            "findings": []}  # fmt: skip


def normalised(plan: PlanTimeline) -> PlanTimeline:
    """Amendments' periods never end before the plan's first day (the API refuses such periods)."""
    amendments = tuple(Amendment(a.enters_into_force, max(a.new_last_day, plan.first_day)) for a in plan.amendments)
    return PlanTimeline(plan.adopted_on, plan.vacatio, plan.first_day, plan.length, plan.area, amendments,
                        plan.repealed_from, plan.superseded_from, plan.annulled)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(timeline=st.lists(plans, min_size=1, max_size=3), days=st.lists(st.integers(0, HORIZON), min_size=1, max_size=8))
def test_in_force_and_eligibility_equal_the_oracle(timeline: list[PlanTimeline], days: list[int]) -> None:
    timeline = [normalised(p) for p in timeline]
    expected = [oracle_days(p) for p in timeline]
    snapshots = [snapshot_plan(i, p) for i, p in enumerate(timeline, start=1)]

    for plan, in_force_days, snapshot in zip(timeline, expected, snapshots, strict=True):
        acts: Any = snapshot["acts"]
        for d in days:
            assert in_force_on(acts, day(d)) is (d in in_force_days), (plan, d)
        spans = [(s, e) for s, e in in_force_spans(acts) if s <= day(HORIZON)]
        covered = {(s - START).days + k for s, e in spans for k in range((min(e, day(HORIZON)) - s).days + 1)}
        assert covered == in_force_days, plan
        assert force_begins(acts) == (day(min(in_force_days)) if in_force_days else None)
        if in_force_days and max(in_force_days) < HORIZON:
            assert force_ends(acts) == day(max(in_force_days))

    applicant = Applicant("0811082", "Trzebiel", ApplicantKind.GMINA)
    facts: Any = [plan_facts(s) for s in snapshots]  # type: ignore[arg-type]
    for d in days:
        for area in ("seniors", "family"):
            situation = Situation(applicant, facts, day(d), plain_terms(day(d)), Project(areas=(area,)))
            result = evaluate(situation, PLAIN_CRITERIA)
            # Eligible when a plan in force that day covers the area; the one judged is the one in
            # force that entered into force last, so another plan in force does not rescue it.
            in_force = [(p, s) for p, s, days_ in zip(timeline, snapshots, expected, strict=True) if d in days_]
            judged = max(in_force, key=lambda ps: ps[1]["act"]["in_force_from"])[0] if in_force else None
            assert result["eligible"] is (judged is not None and judged.area == area), (timeline, d, area)
