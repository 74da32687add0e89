"""XLSX round trip: export any plan, import it back as a new draft, get the same plan; a bad
workbook names sheet, row and column of every problem and changes nothing."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from mozaika.tenancy import in_gmina
from tenants.plans.lifecycle.versions import plan_document
from tenants.plans.models import Plan, PlanKind
from tenants.plans.programme.values import programme_of
from tests.factories import PlanFactory
from tests.samples import hostile_workbook
from tests.support import TRZEBIEL, Api

PLANS = f"/api/v1/gminas/{TRZEBIEL}/plans"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export(api: Api, plan_id: int) -> bytes:
    response = api.get(f"{PLANS}/{plan_id}/workbook")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    content: bytes = response.content
    return content


def upload(api: Api, content: bytes) -> Any:
    return api.post_form(
        f"/api/v1/gminas/{TRZEBIEL}/plan-workbooks", {"workbook": SimpleUploadedFile("plan.xlsx", content, XLSX)}
    )


def test_export_then_import_gives_the_same_plan(trzebiel_admin: Api, created_plan: dict[str, Any]) -> None:
    [demo] = [p for p in trzebiel_admin.get(PLANS).json() if p["id"] != created_plan["id"]]

    for source_id in (demo["id"], created_plan["id"]):
        imported = upload(trzebiel_admin, export(trzebiel_admin, source_id))

        assert imported.status_code == 201, imported.content
        with in_gmina(TRZEBIEL):
            original = Plan.objects.get(pk=source_id)
            copy = Plan.objects.get(pk=imported.json()["id"])
            assert plan_document(copy) == plan_document(original)
            assert programme_of(copy) == programme_of(original)
            values = {(i.number, v.year, v.value) for i in original.indicators.all() for v in i.values.all()}
            copied = {(i.number, v.year, v.value) for i in copy.indicators.all() for v in i.values.all()}
            assert copied == values
            assert copy.status == "draft"


def test_polish_text_survives_the_workbook(trzebiel_admin: Api) -> None:
    [demo] = trzebiel_admin.get(PLANS).json()
    workbook = load_workbook(io.BytesIO(export(trzebiel_admin, demo["id"])))

    texts = [c for row in workbook["Cele i działania"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "Uruchomienie TAXI dla seniora" in texts
    assert any("„złota rączka”" in t for t in texts)
    assert "Wskaźniki" in workbook.sheetnames


def test_a_bad_workbook_reports_every_problem_as_the_clerk_sees_it_and_changes_nothing(trzebiel_admin: Api) -> None:
    [demo] = trzebiel_admin.get(PLANS).json()
    workbook = load_workbook(io.BytesIO(export(trzebiel_admin, demo["id"])))
    actions = workbook["Cele i działania"]
    actions["I4"] = "OPS / MOPS / GOPS; czarodzieje"  # the second action's institutions: one is not on the list
    actions["L4"] = "dużo"  # and, on the same row, a cost that is no number
    workbook["Finansowanie"].append(["budżet gminy", "", 2025, "-5"])
    workbook["Wskaźniki"]["A3"] = "jednorożce"
    out = io.BytesIO()
    workbook.save(out)
    before = len(trzebiel_admin.get(PLANS).json())

    response = upload(trzebiel_admin, out.getvalue())

    assert response.status_code == 422
    errors = {e["path"]: e["message"] for e in response.json()["errors"]}
    institutions = "sheet 'Cele i działania', row 4, column 'Realizatorzy (oddzielone „; ”)'"
    assert "spoza listy / not on the list (jest / found: 'czarodzieje')" in errors[institutions]
    assert "OPS / MOPS / GOPS, Centrum Usług Społecznych" in errors[institutions]  # what the list offers
    assert "to nie liczba / not a number" in errors["sheet 'Cele i działania', row 4, column 'Szacunkowy koszt (zł)'"]
    assert "sheet 'Finansowanie', row 8, column 'Kwota (zł)'" in errors
    assert "sheet 'Wskaźniki', row 3, column 'Obszar interwencji'" in errors
    assert len(trzebiel_admin.get(PLANS).json()) == before


def test_the_template_is_a_workbook_a_clerk_can_fill(trzebiel_admin: Api) -> None:
    response = trzebiel_admin.get("/api/v1/plan-template.xlsx")
    assert (response.status_code, response["Content-Type"]) == (200, XLSX)
    workbook = load_workbook(io.BytesIO(response.content))

    assert workbook.sheetnames[0] == "Instrukcja"
    assert workbook["Listy"].sheet_state == "hidden"
    indicators = workbook["Wskaźniki"]
    assert [c.value for c in indicators[1]][:3] == ["Obszar interwencji", "Nr", "Wskaźnik"]
    assert indicators.row_dimensions[2].hidden
    assert indicators.freeze_panes == "A3"
    lists = {str(v.sqref).split(":")[0]: v for v in indicators.data_validations.dataValidation}
    assert lists["A3"].type == "list"
    assert lists["A3"].formula1.startswith("='Listy'!$A$2")
    institutions = {str(v.sqref).split(":")[0]: v for v in workbook["Cele i działania"].data_validations.dataValidation}
    assert institutions["I3"].type == "list"  # several labels may be typed, one picked from the list
    assert not institutions["I3"].showErrorMessage
    funding = workbook["Finansowanie"]
    assert funding.column_dimensions["D"].number_format == "#,##0.00"  # what a typed amount takes
    assert any(v.type == "list" for v in funding.data_validations.dataValidation)


def test_a_template_filled_as_a_clerk_would_imports_with_labels_and_decimal_commas(trzebiel_admin: Api) -> None:
    workbook = load_workbook(io.BytesIO(trzebiel_admin.get("/api/v1/plan-template.xlsx").content))
    plan = workbook["Plan"]
    plan["B1"], plan["B2"], plan["B3"] = "Plan gminy na lata 2026-2028", 2026, "2028"
    plan["B4"] = "01.07.2026"  # the first day of force, typed as a clerk types it
    workbook["Cele i działania"].append([
        "osoby starsze", None, "1", "Więcej usług w domu", "1.1", "Usługi opiekuńcze", "1.1.1", "Zatrudnić opiekunki",
        "OPS / MOPS / GOPS; urząd gminy / gmina", None, "2026-2028", "150 000,50", "budżet gminy",
    ])  # fmt: skip
    workbook["Finansowanie"].append(["budżet gminy", "usługi opiekuńcze", 2026, "150 000,50"])
    workbook["Wskaźniki"].append(["osoby starsze", "1", "Osoby z usługami", "osoby", "wzrost", None, "12", 2026,
                                  "30,5", 2028])  # fmt: skip
    out = io.BytesIO()
    workbook.save(out)

    response = upload(trzebiel_admin, out.getvalue())

    assert response.status_code == 201, response.content
    plan_id = response.json()["id"]
    programme = trzebiel_admin.get(f"{PLANS}/{plan_id}/programme").json()
    action = programme["areas"][0]["goals"][0]["specific_goals"][0]["actions"][0]
    assert (programme["areas"][0]["code"], action["institutions"]) == ("seniors", ["ops", "gmina_office"])
    assert (action["estimated_cost"], action["funding_sources"]) == ("150000.50", ["gmina_budget"])
    [indicator] = response.json()["indicators"]
    assert (indicator["target_value"], indicator["direction"]) == ("30.50", "increase")
    assert (response.json()["valid_from"], response.json()["valid_until"]) == ("2026-07-01", "2028-12-31")


def test_a_goal_is_its_number_so_a_changed_text_changes_that_goal(
    trzebiel_admin: Api, created_plan: dict[str, Any]
) -> None:
    [demo] = [p for p in trzebiel_admin.get(PLANS).json() if p["id"] != created_plan["id"]]
    workbook = load_workbook(io.BytesIO(export(trzebiel_admin, demo["id"])))
    actions = workbook["Cele i działania"]
    first_goal_row = next(r for r in range(3, actions.max_row + 1) if actions.cell(r, 4).value)
    actions.cell(first_goal_row, 4).value = "Cel ogólny nazwany inaczej"
    out = io.BytesIO()
    workbook.save(out)

    imported = upload(trzebiel_admin, out.getvalue())

    assert imported.status_code == 201, imported.content
    original = trzebiel_admin.get(f"{PLANS}/{demo['id']}/programme").json()
    changed = trzebiel_admin.get(f"{PLANS}/{imported.json()['id']}/programme").json()
    assert [len(a["goals"]) for a in changed["areas"]] == [len(a["goals"]) for a in original["areas"]]
    assert changed["areas"][0]["goals"][0]["text"] == "Cel ogólny nazwany inaczej"


def test_a_dry_run_answers_the_completeness_and_writes_nothing(trzebiel_admin: Api) -> None:
    [demo] = trzebiel_admin.get(PLANS).json()
    content = export(trzebiel_admin, demo["id"])
    before = len(trzebiel_admin.get(PLANS).json())

    response = trzebiel_admin.post_form(f"/api/v1/gminas/{TRZEBIEL}/plan-workbooks?dry_run=true",
                                        {"workbook": SimpleUploadedFile("plan.xlsx", content, XLSX)})  # fmt: skip

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["valid"] is True
    assert body["completeness"]["blocking"] > 0  # Trzebiel's document gives no baselines or targets
    assert len(trzebiel_admin.get(PLANS).json()) == before


def test_a_file_that_is_not_a_workbook_is_refused(trzebiel_admin: Api) -> None:
    response = upload(trzebiel_admin, b"%PDF-1.4 not a workbook")
    assert response.status_code == 415
    assert response.json()["errors"][0]["path"] == "workbook"


def test_a_sheet_declaring_a_hundred_million_rows_is_refused_at_its_bounds(trzebiel_admin: Api) -> None:
    before = len(trzebiel_admin.get(PLANS).json())

    response = upload(trzebiel_admin, hostile_workbook())

    assert response.status_code == 422, response.content
    [problem] = response.json()["errors"]
    assert problem["path"] == "workbook"
    assert "at most 20000 rows" in problem["message"]
    assert len(trzebiel_admin.get(PLANS).json()) == before


def test_a_workbook_that_inflates_out_of_proportion_is_refused_before_it_is_read(trzebiel_admin: Api) -> None:
    response = upload(trzebiel_admin, hostile_workbook(far_row=2, padding=b"\0" * (40 * 1024 * 1024)))

    assert response.status_code == 415, response.content
    assert response.json()["errors"][0]["path"] == "workbook"
    assert "decompression bomb" in response.json()["errors"][0]["message"]


def test_the_diagnosis_travels_in_the_workbook(trzebiel_admin: Api, created_plan: dict[str, Any]) -> None:
    url = f"{PLANS}/{created_plan['id']}/diagnosis"
    diagnosis = {
        "sections": [{"title": "Profil gminy", "text": "Gmina wiejska w powiecie żarskim."}],
        "figures": [{"name": "Mieszkańcy DPS", "value": "14.5", "unit": "osoby", "year": 2023, "source": "OZPS"}],
    }
    headers = {"Authorization": f"Bearer {trzebiel_admin.token}", "If-Match": trzebiel_admin.get(url)["ETag"]}
    assert (
        trzebiel_admin.client.put(url, diagnosis, content_type="application/json", headers=headers).status_code == 200
    )
    workbook = load_workbook(io.BytesIO(export(trzebiel_admin, created_plan["id"])))

    imported = upload(trzebiel_admin, export(trzebiel_admin, created_plan["id"]))

    assert [c.value for c in workbook["Diagnoza - dane"][1]] == ["Dana", "Wartość", "Jednostka", "Rok", "Źródło"]
    assert "Sprawozdania" in workbook.sheetnames
    assert workbook["Plan"]["B4"].is_date  # the first day of force, as a date
    assert imported.status_code == 201, imported.content
    copied = trzebiel_admin.get(f"{PLANS}/{imported.json()['id']}/diagnosis").json()
    assert copied["sections"] == diagnosis["sections"]
    assert [(f["name"], f["value"], f["year"]) for f in copied["figures"]] == [("Mieszkańcy DPS", "14.50", 2023)]


def test_cells_no_plan_can_hold_are_row_errors_not_crashes(trzebiel_admin: Api) -> None:
    workbook = load_workbook(io.BytesIO(trzebiel_admin.get("/api/v1/plan-template.xlsx").content))
    plan = workbook["Plan"]
    plan["B1"], plan["B2"], plan["B3"] = "Plan", 2026, "1e400"  # a last year that is no year
    workbook["Cele i działania"].append(["osoby starsze", None, None, None, None, None, "1", "Działanie bez celu"])
    workbook["Finansowanie"].append(["budżet gminy", "", 2026, "inf"])
    workbook["Wskaźniki"].append(["osoby starsze", "12345678901", "Wskaźnik", "osoby", None, None, "1", 1850])
    workbook["Diagnoza - dane"].append(["Mieszkańcy DPS", "nan", "osoby", 2024, ""])
    out = io.BytesIO()
    workbook.save(out)

    response = upload(trzebiel_admin, out.getvalue())

    assert response.status_code == 422, response.content
    paths = {e["path"] for e in response.json()["errors"]}
    assert "sheet 'Plan', row 3, column 'B'" in paths
    assert "sheet 'Cele i działania', row 3, column 'Działanie'" in paths
    assert "sheet 'Finansowanie', row 3, column 'Kwota (zł)'" in paths
    assert {"sheet 'Wskaźniki', row 3, column 'Nr'", "sheet 'Wskaźniki', row 3, column 'Rok bazowy'"} <= paths
    assert "sheet 'Diagnoza - dane', row 3, column 'Wartość'" in paths


def test_the_kind_of_document_travels_in_the_workbook(trzebiel_admin: Api) -> None:
    cus = PlanFactory(teryt=TRZEBIEL, kind=PlanKind.CUS_PROGRAMME)
    workbook = load_workbook(io.BytesIO(export(trzebiel_admin, cus.pk)))

    imported = upload(trzebiel_admin, export(trzebiel_admin, cus.pk))

    assert (workbook["Plan"]["B6"].value, workbook["Plan"]["C6"].value) == ("program usług społecznych (CUS)", "kind")
    assert imported.json()["kind"] == "cus_programme", imported.content
