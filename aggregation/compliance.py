"""A call's criteria applied to one applicant: the decision, the points, and per criterion
whether it passed, why, in Polish and English. Plain functions over a `Situation`; the stored
results, the eligibility API and the batch all come through `evaluate`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, TypedDict

from aggregation.criteria import RULE_KINDS, ApplicantKind, CallTerms, Situation
from aggregation.plan_facts import PlanFacts


class CriterionType(StrEnum):
    ACCESS = "access"  # kryterium dostępu: 0/1, every one must pass
    BONUS = "bonus"  # kryterium premiujące: points


@dataclass(frozen=True)
class Criterion:
    code: str
    name: str
    type: CriterionType
    points: int
    rule: str
    params: Any  # the rule kind's parsed parameters

    @classmethod
    def parse(cls, raw: dict[str, Any]) -> Criterion:
        """A stored criterion (validated when its call was saved)."""
        return cls(
            code=raw["code"],
            name=raw["name"],
            type=CriterionType(raw["type"]),
            points=raw.get("points", 0),
            rule=raw["rule"],
            params=RULE_KINDS[raw["rule"]].parse(raw.get("params", {})),
        )


# Every call checks who applies, whether or not its definer listed it.
APPLICANT_CRITERION = Criterion(
    code="applicant",
    name="Wnioskodawca uprawniony w naborze",
    type=CriterionType.ACCESS,
    points=0,
    rule="applicant_kind",
    params=RULE_KINDS["applicant_kind"].parse({}),
)


def call_criteria(raw: list[dict[str, Any]]) -> tuple[Criterion, ...]:
    criteria = tuple(Criterion.parse(c) for c in raw)
    if not any(c.rule == "applicant_kind" for c in criteria):
        criteria = (APPLICANT_CRITERION, *criteria)
    return criteria


class CriterionResult(TypedDict):
    code: str
    name: str
    type: str
    rule: str
    passed: bool
    points: int
    reason_pl: str
    reason_en: str


class PlanEvidence(TypedDict):
    plan_id: int
    title: str
    period_start: int
    period_end: int
    status: str
    version: int | None  # the frozen version's number and hash (what the council adopted)
    version_sha256: str | None
    act_kind: str | None
    act_number: str | None
    act_date: str | None
    in_force_from: str | None
    document_sha256: str | None  # the adopting resolution's document
    document_status: str | None
    document_key: str | None


class EvaluationResult(TypedDict):
    eligible: bool
    points: int
    max_points: int
    criteria: list[CriterionResult]
    evidence: PlanEvidence | None


def plan_evidence(plan: PlanFacts | None) -> PlanEvidence | None:
    if plan is None:
        return None
    act, frozen, resolution = plan["act"], plan["frozen_version"], plan["resolution"]
    return {
        "plan_id": plan["id"],
        "title": plan["title"],
        "period_start": plan["period_start"],
        "period_end": plan["period_end"],
        "status": plan["status"],
        "version": frozen["number"] if frozen else None,
        "version_sha256": frozen["sha256"] if frozen else None,
        "act_kind": act["kind"] if act else None,
        "act_number": act["number"] if act else None,
        "act_date": act["date"] if act else None,
        "in_force_from": act["in_force_from"] if act else None,
        "document_sha256": resolution["sha256"] if resolution else None,
        "document_status": resolution["status"] if resolution else None,
        "document_key": (resolution["archive_key"] or None) if resolution else None,
    }


def evaluate(situation: Situation, criteria: tuple[Criterion, ...]) -> EvaluationResult:
    """Every access criterion must pass; bonus points count only for an eligible applicant."""
    results: list[CriterionResult] = []
    for criterion in criteria:
        outcome = RULE_KINDS[criterion.rule].check(situation, criterion.params)
        results.append(
            {
                "code": criterion.code,
                "name": criterion.name,
                "type": criterion.type.value,
                "rule": criterion.rule,
                "passed": outcome.passed,
                "points": criterion.points if outcome.passed and criterion.type is CriterionType.BONUS else 0,
                "reason_pl": outcome.reason_pl,
                "reason_en": outcome.reason_en,
            }
        )
    eligible = all(r["passed"] for r in results if r["type"] == CriterionType.ACCESS)
    return {
        "eligible": eligible,
        "points": sum(r["points"] for r in results) if eligible else 0,
        "max_points": sum(c.points for c in criteria if c.type is CriterionType.BONUS),
        "criteria": results,
        "evidence": plan_evidence(situation.plan),
    }


# The plain question, asked without a call: an adopted plan in force on the day, covering the area.
PLAIN_CRITERIA = (
    Criterion("in_force", "Plan przyjęty i w mocy w dniu wniosku", CriterionType.ACCESS, 0, "plan_in_force",
              RULE_KINDS["plan_in_force"].parse({})),
    Criterion("area", "Plan obejmuje obszar projektu", CriterionType.ACCESS, 0, "plan_covers_area",
              RULE_KINDS["plan_covers_area"].parse({})),
)  # fmt: skip


def plain_terms(on: date) -> CallTerms:
    """The terms of the plain question: no call, so no territory, kinds or dates of its own."""
    return CallTerms(
        code="", voivodeship=None, opens_on=on, deadline=on, applicant_kinds=tuple(ApplicantKind), areas=()
    )
