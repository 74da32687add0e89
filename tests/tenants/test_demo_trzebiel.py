"""Trzebiel's demo plan holds what its document says, read back through the API, and the
completeness check flags what the document gets wrong instead of fixing it."""

from __future__ import annotations

from typing import Any

from tests.support import TRZEBIEL, Api


def trzebiel_plan(api: Api) -> dict[str, Any]:
    [plan] = api.get(f"/api/v1/gminas/{TRZEBIEL}/plans").json()
    return plan


def test_the_programme_part_is_transcribed_whole(trzebiel_admin: Api) -> None:
    plan = trzebiel_plan(trzebiel_admin)
    programme = trzebiel_admin.get(f"/api/v1/gminas/{TRZEBIEL}/plans/{plan['id']}/programme").json()

    areas = programme["areas"]
    assert [a["code"] for a in areas] == ["seniors", "disability", "mental_health", "family"]
    assert [len(a["goals"]) for a in areas] == [2, 2, 1, 4]
    specific = [s for a in areas for g in a["goals"] for s in g["specific_goals"]]
    actions = [x for s in specific for x in s["actions"]]
    assert len(specific) == 22
    assert len(actions) == 47
    assert areas[0]["goals"][0]["specific_goals"][2]["actions"][0]["text"] == "Uruchomienie TAXI dla seniora"
    assert {i for x in actions for i in x["institutions"]} >= {"ops", "gmina_office", "ngo", "gkrpa", "culture_centre"}
    assert [f["source"] for f in programme["funding"]] == [
        "gmina_budget",
        "regional_eu",
        "fers",
        "national",
        "user_payments",
    ]
    assert "Lubuskiego" in programme["funding"][1]["description"]


def test_the_completeness_check_flags_the_documents_faults(trzebiel_admin: Api) -> None:
    plan = trzebiel_plan(trzebiel_admin)
    report = trzebiel_admin.get(f"/api/v1/gminas/{TRZEBIEL}/plans/{plan['id']}/completeness").json()
    findings = {(f["path"], f["code"]) for f in report["findings"]}

    # Family indicators go 1, 2, 4, ...; action "2)" stands alone; family actions skip 4).
    assert ("areas[3].indicators", "numbering_gap") in findings
    assert ("areas[0].goals[0].specific_goals[3].actions", "numbering_gap") in findings
    assert ("areas[3].goals[0].specific_goals[1].actions", "numbering_gap") in findings
    # The seniors' first action was copied into the disability group.
    assert ("areas[1].goals[0].specific_goals[0].actions[0]", "action_copied_from_another_area") in findings
    # The document gives no baselines or targets: blocking for every area.
    assert {p for p, c in findings if c == "indicator_without_baseline_or_target"} == {
        f"areas[{i}].indicators" for i in range(4)
    }
    # Specific goals numbered on across general goals (family 3., 4., 5.) are not a gap.
    assert ("areas[3].goals[1].specific_goals", "numbering_gap") not in findings
