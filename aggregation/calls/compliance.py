"""A call's criteria applied to one applicant: the decision, the points, and per criterion
whether it passed, why, in Polish and English. Plain functions over a `Situation`; the stored
results, the eligibility API and the batch all come through `evaluate`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field

# typing_extensions' TypedDict: pydantic reads it as the API's shape on Python 3.11 too.
from typing_extensions import TypedDict

from aggregation.calls.criteria import DEFAULT_PLAN_KINDS, RULE_KINDS, ApplicantKind, CallTerms, PlanParams, Situation
from aggregation.plan_facts import PlanFacts
from tenants.plans.lifecycle.validity import ENACTING, force_ended_on, force_ends, force_on, governing_act


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


class GoverningAct(TypedDict):
    kind: Annotated[str, Field(description="adoption, registration or amendment")]
    number: str
    date: str
    in_force_from: str


class PlanEvidence(TypedDict):
    plan_id: int
    title: str
    kind: Annotated[str, Field(description="lprusid, cus_programme, social_problems_strategy or regional_plan")]
    period_start: int
    period_end: int
    valid_from: str
    valid_until: str
    status: str
    # tenants.plans.lifecycle.validity.ForceState
    force: Annotated[
        str,
        Field(
            description="the plan's state on the day asked about: not_adopted, not_yet_in_force, in_force, ended, void"
        ),
    ]
    version: Annotated[
        int | None,
        Field(description="the version in force on the day (what the adopting or latest amending act adopted)"),
    ]
    version_sha256: str | None
    governing_act: Annotated[GoverningAct | None, Field(description="the adopting or amending act in force on the day")]
    force_ended_on: Annotated[str | None, Field(description="first day without force by a repeal or supersession")]
    in_force_until: Annotated[
        str | None, Field(description="the last day of force as the acts stand (null: never in force)")
    ]
    act_kind: str | None
    act_number: str | None
    act_date: str | None
    in_force_from: str | None
    document_sha256: Annotated[str | None, Field(description="the archived adopting resolution's document")]
    document_status: str | None
    document_key: str | None
    document_content_type: Annotated[str | None, Field(description="the resolution's type: a PDF or a signed XML")]


class EvaluationResult(TypedDict):
    eligible: bool
    points: int
    max_points: int
    criteria: list[CriterionResult]
    evidence: PlanEvidence | None


def plan_evidence(plan: PlanFacts | None, on: date) -> PlanEvidence | None:
    if plan is None:
        return None
    act, frozen, resolution = plan["act"], plan["frozen_version"], plan["resolution"]
    governing = governing_act(plan["acts"], on) or next((a for a in plan["acts"] if a["kind"] in ENACTING), None)
    ended = force_ended_on(plan["acts"])
    return {
        "plan_id": plan["id"],
        "title": plan["title"],
        "kind": plan["kind"],
        "period_start": plan["period_start"],
        "period_end": plan["period_end"],
        "valid_from": plan["valid_from"],
        "valid_until": plan["valid_until"],
        "status": plan["status"],
        "force": force_on(plan["acts"], on).value,
        "version": governing["version"] if governing else (frozen["number"] if frozen else None),
        "version_sha256": governing["version_sha256"] if governing else (frozen["sha256"] if frozen else None),
        "governing_act": {
            "kind": governing["kind"],
            "number": governing["number"],
            "date": governing["date"],
            "in_force_from": governing["in_force_from"],
        }
        if governing
        else None,
        "force_ended_on": ended.isoformat() if ended else None,
        "in_force_until": until.isoformat() if (until := force_ends(plan["acts"])) else None,
        "act_kind": act["kind"] if act else None,
        "act_number": act["number"] if act else None,
        "act_date": act["date"] if act else None,
        "in_force_from": act["in_force_from"] if act else None,
        "document_sha256": resolution["sha256"] if resolution else None,
        "document_status": resolution["status"] if resolution else None,
        "document_key": (resolution["archive_key"] or None) if resolution else None,
        "document_content_type": resolution["content_type"] if resolution else None,
    }


def judged_kinds(criteria: tuple[Criterion, ...]) -> tuple[str, ...]:
    """The kinds of plan a call's criteria accept (an LPRUSiD when none says)."""
    kinds = {str(k) for c in criteria if isinstance(c.params, PlanParams) for k in c.params.plan_kinds}
    return tuple(sorted(kinds)) or DEFAULT_PLAN_KINDS


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
        "evidence": plan_evidence(situation.plan_of(judged_kinds(criteria)), situation.on),
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
