"""XLSX round trip: export any plan, import it back as a new draft, get the same plan; a bad
workbook names sheet, row and column of every problem and changes nothing."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from mozaika.tenancy import in_gmina
from tenants.plans.lifecycle.versions import plan_document
from tenants.plans.models import Plan
from tenants.plans.programme.values import programme_of
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


def test_a_bad_workbook_reports_sheet_row_and_column_and_changes_nothing(trzebiel_admin: Api) -> None:
    [demo] = trzebiel_admin.get(PLANS).json()
    workbook = load_workbook(io.BytesIO(export(trzebiel_admin, demo["id"])))
    workbook["Cele i działania"]["I3"] = "ops; wizards"  # institutions of the second action
    workbook["Finansowanie"].append(["gmina_budget", "", 2025, "-5"])
    workbook["Wskaźniki"]["A2"] = "unicorns"
    out = io.BytesIO()
    workbook.save(out)
    before = len(trzebiel_admin.get(PLANS).json())

    response = upload(trzebiel_admin, out.getvalue())

    assert response.status_code == 422
    paths = [e["path"] for e in response.json()["errors"]]
    assert "sheet 'Cele i działania', row 3, column 'institutions'" in paths
    assert "sheet 'Finansowanie', row 7, column 'amount'" in paths
    assert "sheet 'Wskaźniki', row 2, column 'area'" in paths
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
