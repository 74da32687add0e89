"""A call's results for the marshal's office: every gmina of its scope with its decision and
points, from the stored evaluations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from aggregation.calls.eligibility import EligibilityQuestion, eligibility_answers
from aggregation.calls.services import applicant_kind_of, call_scope
from aggregation.models import Call, CallEvaluation


class ResultSort(StrEnum):
    TERYT = "teryt"
    NAME = "name"
    POINTS = "points"


@dataclass(frozen=True)
class ResultFilter:
    eligible: bool | None = None
    powiat: str | None = None
    min_points: int | None = None
    sort: ResultSort = ResultSort.TERYT
    descending: bool = False


_ORDER = {ResultSort.TERYT: "gmina_id", ResultSort.NAME: "gmina__name", ResultSort.POINTS: "points"}


def call_results(
    call: Call, where: ResultFilter, *, limit: int | None, offset: int = 0
) -> tuple[int, list[dict[str, Any]]]:
    """(how many match, the page): evaluated gminas only; `call_counts` tells how many of the
    scope are still waiting for their first evaluation."""
    evaluations = CallEvaluation.objects.filter(call=call)
    if where.eligible is not None:
        evaluations = evaluations.filter(eligible=where.eligible)
    if where.powiat is not None:
        evaluations = evaluations.filter(gmina__powiat_id=where.powiat)
    if where.min_points is not None:
        evaluations = evaluations.filter(points__gte=where.min_points)
    order = ("-" if where.descending else "") + _ORDER[where.sort]
    evaluations = evaluations.order_by(order, "gmina_id")
    total = evaluations.count()
    page = evaluations if limit is None else evaluations[offset : offset + limit]
    rows = []
    for teryt, name, powiat, powiat_name, eligible, points, result, evaluated_on, updated_at in page.values_list(
        "gmina_id", "gmina__name", "gmina__powiat_id", "gmina__powiat__name", "eligible", "points", "result",
        "evaluated_on", "updated_at",
    ):  # fmt: skip
        rows.append(
            {
                "teryt": teryt,
                "name": name,
                "powiat": powiat,
                "powiat_name": powiat_name,
                "applicant_kind": applicant_kind_of(teryt).value,
                "eligible": eligible,
                "points": points,
                "failed_criteria": [c["code"] for c in result["criteria"] if not c["passed"]],
                "evaluated_on": evaluated_on,
                "updated_at": updated_at,
            }
        )
    return total, rows


def call_results_as_of(
    call: Call, where: ResultFilter, *, on: date | None, as_known_at: datetime | None, issued_to: str
) -> list[dict[str, Any]]:
    """Every gmina of the scope judged on `on` as known at `as_known_at` (computed now from the
    recorded snapshots, not stored), filtered and sorted like the stored results."""
    gminas = list(call_scope(call).values_list("teryt", "powiat_id", "powiat__name"))
    answers = eligibility_answers([EligibilityQuestion(teryt) for teryt, _, _ in gminas], call_code=call.code, on=on,
                                  issued_to=issued_to, as_known_at=as_known_at, links=False)  # fmt: skip
    rows = [
        {
            "teryt": answer.teryt,
            "name": answer.name,
            "powiat": powiat,
            "powiat_name": powiat_name,
            "applicant_kind": applicant_kind_of(answer.teryt).value,
            "eligible": answer.eligible,
            "points": answer.result["points"],
            "failed_criteria": [c["code"] for c in answer.result["criteria"] if not c["passed"]],
            "evaluated_on": answer.on,
            "updated_at": answer.as_known_at,
        }
        for answer, (_, powiat, powiat_name) in zip(answers, gminas, strict=True)
    ]
    rows = [
        r
        for r in rows
        if (where.eligible is None or r["eligible"] is where.eligible)
        and (where.powiat is None or r["powiat"] == where.powiat)
        and (where.min_points is None or r["points"] >= where.min_points)
    ]
    key = {ResultSort.TERYT: "teryt", ResultSort.NAME: "name", ResultSort.POINTS: "points"}[where.sort]
    rows.sort(key=lambda r: r["teryt"])
    rows.sort(key=lambda r: r[key], reverse=where.descending)
    return rows


def call_counts(call: Call) -> dict[str, int]:
    evaluations = CallEvaluation.objects.filter(call=call)
    return {
        "in_scope": call_scope(call).count(),
        "evaluated": evaluations.count(),
        "eligible": evaluations.filter(eligible=True).count(),
    }
