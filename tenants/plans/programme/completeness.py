"""The completeness check: what the national framework guidelines ask of a plan, checked before
submission. Every finding carries its path in the plan, a severity and a message in Polish and
English; blocking findings stop submission. Real plans are messy, so the check reports what
looks wrong (numbering gaps, an action copied into another group) and never fixes it."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from tenants.plans.models import Indicator, Plan
from tenants.plans.programme.numbering import last_ordinal, missing_numbers, numbering_gap
from tenants.plans.programme.values import Programme, programme_of


class Severity(StrEnum):
    BLOCKING = "blocking"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    path: str
    severity: Severity
    code: str
    message_pl: str
    message_en: str


def is_blocking(severity: str) -> bool:
    """Whether a finding stops submission (also for a snapshot's copy, where it is text)."""
    return severity == Severity.BLOCKING


def blocking_findings(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if is_blocking(f.severity)]


def finding_counts(severities: Iterable[str]) -> tuple[int, int]:
    """(blocking, warnings) among findings' severities (a snapshot's copy holds them as text)."""
    counted = Counter(severities)
    return counted[Severity.BLOCKING], counted[Severity.WARNING]


def _gap_finding(path: str, labels: list[str], *, may_continue_from: int = 0) -> Finding:
    shown = ", ".join(labels)
    missing = ", ".join(missing_numbers(labels, may_continue_from=may_continue_from))
    if missing:
        return Finding(path, Severity.WARNING, "numbering_gap",
                       f"Numeracja nie jest ciągła: brak {missing} (jest: {shown}).",
                       f"The numbering is not consecutive: {missing} missing (present: {shown}).")  # fmt: skip
    # Nothing missing, yet out of order (a number repeated or going back).
    return Finding(path, Severity.WARNING, "numbering_gap",
                   f"Numeracja nie jest ciągła: {shown}.", f"The numbering is not consecutive: {shown}.")  # fmt: skip


def completeness_check(*, plan: Plan) -> list[Finding]:
    programme = programme_of(plan)
    indicators = list(plan.indicators.all())
    findings = [*_structure(programme), *_indicators(programme, indicators), *_funding(programme)]
    findings.extend(_copied_actions(programme))
    return findings


def _structure(programme: Programme) -> Iterable[Finding]:
    if not any(area.code for area in programme.areas):
        yield Finding(
            "areas", Severity.BLOCKING, "no_target_area",
            "Plan nie wskazuje żadnego obszaru interwencji (grupy docelowej).",
            "The plan names no intervention area (target group).",
        )  # fmt: skip
    for a, area in enumerate(programme.areas):
        where = f"areas[{a}]"
        if not area.goals:
            yield Finding(
                f"{where}.goals", Severity.BLOCKING, "area_without_goal",
                "Obszar nie ma celu ogólnego.", "The area has no general goal.",
            )  # fmt: skip
        last_specific = 0
        for g, goal in enumerate(area.goals):
            goal_path = f"{where}.goals[{g}]"
            if not goal.specific_goals:
                yield Finding(
                    f"{goal_path}.specific_goals", Severity.BLOCKING, "goal_without_specific_goal",
                    "Cel ogólny nie ma celów szczegółowych.", "The general goal has no specific goal.",
                )  # fmt: skip
            labels = [s.number for s in goal.specific_goals]
            gap = numbering_gap(labels, may_continue_from=last_specific)
            if gap:
                yield _gap_finding(f"{goal_path}.specific_goals", gap, may_continue_from=last_specific)
            last_specific = last_ordinal(labels)
            for s, specific in enumerate(goal.specific_goals):
                specific_path = f"{goal_path}.specific_goals[{s}]"
                if not specific.actions:
                    yield Finding(
                        f"{specific_path}.actions", Severity.BLOCKING, "specific_goal_without_action",
                        "Cel szczegółowy nie ma działań.", "The specific goal has no action.",
                    )  # fmt: skip
                gap = numbering_gap([action.number for action in specific.actions])
                if gap:
                    yield _gap_finding(f"{specific_path}.actions", gap)
                for x, action in enumerate(specific.actions):
                    if not action.institutions and not action.institutions_other.strip():
                        yield Finding(
                            f"{specific_path}.actions[{x}].institutions",
                            Severity.BLOCKING,
                            "action_without_institution",
                            "Działanie nie ma instytucji odpowiedzialnej.",
                            "The action has no responsible institution.",
                        )


def _indicators(programme: Programme, indicators: list[Indicator]) -> Iterable[Finding]:
    for a, area in enumerate(programme.areas):
        if area.code is None:
            continue
        own = [i for i in indicators if i.area == area.code]
        if not own:
            yield Finding(
                f"areas[{a}].indicators", Severity.BLOCKING, "area_without_indicator",
                "Obszar nie ma wskaźnika monitoringu.", "The area has no monitoring indicator.",
            )  # fmt: skip
            continue
        if not any(i.baseline_value is not None and i.target_value is not None for i in own):
            yield Finding(
                f"areas[{a}].indicators", Severity.BLOCKING, "indicator_without_baseline_or_target",
                "Żaden wskaźnik obszaru nie ma wartości bazowej i docelowej.",
                "No indicator of the area has both a baseline and a target.",
            )  # fmt: skip
        gap = numbering_gap([i.number for i in own])
        if gap:
            yield _gap_finding(f"areas[{a}].indicators", gap)


def _funding(programme: Programme) -> Iterable[Finding]:
    if not programme.funding:
        yield Finding(
            "funding", Severity.BLOCKING, "no_funding_source",
            "Plan nie wskazuje źródeł finansowania.", "The plan names no funding source.",
        )  # fmt: skip


def _copied_actions(programme: Programme) -> Iterable[Finding]:
    first_seen: dict[str, tuple[int, str]] = {}
    for a, area in enumerate(programme.areas):
        for g, goal in enumerate(area.goals):
            for s, specific in enumerate(goal.specific_goals):
                for x, action in enumerate(specific.actions):
                    key = re.sub(r"\W+", " ", action.text.lower()).strip()
                    path = f"areas[{a}].goals[{g}].specific_goals[{s}].actions[{x}]"
                    seen = first_seen.setdefault(key, (a, path))
                    if seen[0] != a:
                        yield Finding(
                            path, Severity.WARNING, "action_copied_from_another_area",
                            f"To samo działanie występuje w innym obszarze: {seen[1]}.",
                            f"The same action appears in another area: {seen[1]}.",
                        )  # fmt: skip
