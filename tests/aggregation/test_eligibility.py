"""The eligibility answer: adopted, in force on the date, covering the area; with reasons."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from aggregation.calls.eligibility import EligibilityAnswer, EligibilityQuestion, eligibility_answer
from aggregation.views.refresh import snapshot_row, snapshots_store
from tests.support import TRZEBIEL, Api, with_acts

SHA = "ab" * 32


def plan(
    status: str = "adopted",
    areas: tuple[str, ...] = ("seniors", "family"),
    in_force_from: str = "2024-07-01",
    period: tuple[int, int] = (2024, 2029),
    document_status: str = "archived",
) -> dict[str, Any]:
    return with_acts(
        {
            "id": 1,
            "title": "LPRUSiD Trzebiel",
            "status": status,
            "version": 2,
            "period_start": period[0],
            "period_end": period[1],
            "areas": list(areas),
            "act": None
            if status == "draft"
            else {
                "kind": "council_resolution",
                "number": "XII/84/2024",
                "date": "2024-06-27",
                "in_force_from": in_force_from,
            },
            "documents": []
            if status == "draft"
            else [
                {
                    "id": 7,
                    "kind": "resolution",
                    "sha256": SHA,
                    "status": document_status,
                    "archive_key": f"{TRZEBIEL}/{SHA}" if document_status == "archived" else "",
                }
            ],
            "indicators": [],
            "programme_areas": [],
            "services": [],
            "funding": [],
            "latest_report_year": None,
            "yearly_report_years": [],
            "frozen_version": {"number": 3, "sha256": "cd" * 32},
            "findings": [],
        }
    )


def given_snapshot(*plans: dict[str, Any]) -> None:
    data: Any = {"teryt": TRZEBIEL, "plans": list(plans)}
    snapshots_store([snapshot_row(teryt=TRZEBIEL, data=data, read_at=timezone.now(), today=timezone.localdate())])


def ask(area: str, on: str) -> EligibilityAnswer:
    return eligibility_answer(
        EligibilityQuestion(TRZEBIEL, area), call_code=None, on=date.fromisoformat(on), issued_to="test"
    )


@pytest.mark.parametrize(
    ("plans", "area", "on", "reason_fragment"),
    [
        pytest.param((), "seniors", "2025-01-01", "has no adopted plan", id="no-snapshot-plans"),
        pytest.param((plan(status="draft"),), "seniors", "2025-01-01", "has no adopted plan", id="draft-only"),
        pytest.param(
            (plan(),), "seniors", "2024-06-30", "not yet in force (comes into force on 2024-07-01", id="before"
        ),
        pytest.param((plan(),), "seniors", "2030-01-01", "it was in force until 2029-12-31", id="after"),
        pytest.param((plan(),), "homelessness", "2025-01-01", "does not cover the area", id="area-not-covered"),
    ],
)
def test_not_eligible_with_a_reason(
    db: None, plans: tuple[dict[str, Any], ...], area: str, on: str, reason_fragment: str
) -> None:
    given_snapshot(*plans)

    answer = ask(area, on)

    assert answer.eligible is False
    assert reason_fragment in " ".join(answer.reasons)
    assert not all(c["passed"] for c in answer.result["criteria"])


@pytest.mark.parametrize("on", [pytest.param("2024-07-01", id="first-day"), pytest.param("2029-12-31", id="last-day")])
def test_eligible_on_the_edges_of_the_period_with_the_evidence(db: None, on: str) -> None:
    given_snapshot(plan())

    answer = ask("seniors", on)

    assert answer.eligible is True
    evidence = answer.result["evidence"]
    assert evidence is not None
    assert evidence["document_sha256"] == SHA
    assert evidence["document_key"] == f"{TRZEBIEL}/{SHA}"
    assert evidence["act_number"] == "XII/84/2024"
    assert (evidence["version"], evidence["version_sha256"]) == (3, "cd" * 32)
    assert all(c["passed"] for c in answer.result["criteria"])
    assert any("in force on" in reason for reason in answer.reasons)
    assert all(c["reason_pl"] for c in answer.result["criteria"])
    assert answer.document_link is not None


def test_no_download_link_while_the_document_is_not_archived(db: None) -> None:
    given_snapshot(plan(document_status="pending"))

    answer = ask("seniors", "2025-01-01")

    assert answer.eligible is True
    evidence = answer.result["evidence"]
    assert evidence is not None
    assert evidence["document_status"] == "pending"
    assert evidence["document_key"] is None
    assert answer.document_link is None


def test_the_api_serialises_the_answer(operator: Api) -> None:
    given_snapshot(plan())

    body = operator.get(f"/api/v1/eligibility/{TRZEBIEL}", area="seniors", on="2025-03-01").json()

    assert body["eligible"] is True
    assert body["decision"] == "eligible"
    assert body["evidence"]["document_sha256"] == SHA
    assert body["on"] == "2025-03-01"
    assert body["document_link"]["url"].startswith("http://testserver/api/v1/archive/links/")
