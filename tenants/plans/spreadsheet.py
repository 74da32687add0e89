"""Plans as XLSX workbooks, because gmina staff live in Excel: one sheet per part of the plan.
An import is checked whole first: every problem is reported with its sheet, row and column,
and nothing is written unless everything is right. Export then import gives the same plan."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import BaseModel, ValidationError

from mozaika.errors import FieldError, UnsupportedMediaType, ValidationFailed
from tenants.plans.documents.inspection import workbook_checked
from tenants.plans.models import IndicatorDirection, InterventionArea, Plan
from tenants.plans.programme.values import (
    ActionValue,
    AreaValue,
    EuProjectValue,
    FundingValue,
    GeneralGoalValue,
    Programme,
    ServiceValue,
    SpecificGoalValue,
    programme_of,
)
from tenants.plans.selectors import current_values

PLAN_SHEET = "Plan"
ACTIONS_SHEET = "Cele i działania"
SERVICES_SHEET = "Usługi"
FUNDING_SHEET = "Finansowanie"
PROJECTS_SHEET = "Projekty UE"
INDICATORS_SHEET = "Wskaźniki"

ACTION_COLUMNS = [
    "area_code", "area_name", "goal_number", "goal_text", "specific_number", "specific_text",
    "action_number", "action_text", "institutions", "institutions_other", "timeframe", "estimated_cost",
    "funding_sources",
]  # fmt: skip
SERVICE_COLUMNS = ["type", "name", "area", "capacity", "unit", "copayment_percent", "exemption_groups"]
FUNDING_COLUMNS = ["source", "description", "year", "amount"]
PROJECT_COLUMNS = ["call_code", "title", "value", "status"]
INDICATOR_COLUMNS = [
    "area", "number", "name", "unit", "direction", "standard_code",
    "baseline_value", "baseline_year", "target_value", "target_year",
]  # fmt: skip
LIST_SEPARATOR = "; "


@dataclass(frozen=True)
class IndicatorRow:
    area: str
    number: str
    name: str
    unit: str
    direction: str
    standard_code: str
    baseline_value: Decimal | None
    baseline_year: int | None
    target_value: Decimal | None
    target_year: int | None
    values: dict[int, Decimal]


@dataclass(frozen=True)
class ImportedPlan:
    title: str
    period_start: int
    period_end: int
    programme: Programme
    indicators: list[IndicatorRow]


# --- export ---------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)  # exact: a float would not round-trip 83 885 600,00
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return value


def _sheet(workbook: Workbook, title: str, columns: list[str], rows: list[list[Any]]) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(columns)
    for row in rows:
        sheet.append([_cell(v) for v in row])


def plan_workbook(plan: Plan) -> bytes:
    programme = programme_of(plan)
    workbook = Workbook()
    header = workbook.active
    assert header is not None
    header.title = PLAN_SHEET
    for row in (["title", plan.title], ["period_start", plan.period_start], ["period_end", plan.period_end]):
        header.append(row)
    action_rows: list[list[Any]] = []
    for area in programme.areas:
        base = [area.code.value if area.code else "", area.name]
        if not area.goals:
            action_rows.append(base)
        for goal in area.goals:
            if not goal.specific_goals:
                action_rows.append([*base, goal.number, goal.text])
            for specific in goal.specific_goals:
                if not specific.actions:
                    action_rows.append([*base, goal.number, goal.text, specific.number, specific.text])
                for action in specific.actions:
                    action_rows.append([
                        *base, goal.number, goal.text, specific.number, specific.text, action.number, action.text,
                        [i.value for i in action.institutions], action.institutions_other, action.timeframe,
                        action.estimated_cost, [f.value for f in action.funding_sources],
                    ])  # fmt: skip
    _sheet(workbook, ACTIONS_SHEET, ACTION_COLUMNS, action_rows)
    _sheet(workbook, SERVICES_SHEET, SERVICE_COLUMNS, [
        [s.type.value, s.name, s.area.value if s.area else "", s.capacity, s.unit, s.copayment_percent,
         s.exemption_groups] for s in programme.services
    ])  # fmt: skip
    _sheet(workbook, FUNDING_SHEET, FUNDING_COLUMNS, [
        [f.source.value, f.description, f.year, f.amount] for f in programme.funding
    ])  # fmt: skip
    _sheet(workbook, PROJECTS_SHEET, PROJECT_COLUMNS, [
        [p.call_code, p.title, p.value, p.status.value] for p in programme.eu_projects
    ])  # fmt: skip
    years = list(range(plan.period_start, plan.period_end + 1))
    indicator_rows = []
    for i in plan.indicators.all():
        values = {v.year: v.value for v in current_values().filter(indicator=i)}
        indicator_rows.append([
            i.area, i.number, i.name, i.unit, i.direction, i.standard_code, i.baseline_value, i.baseline_year,
            i.target_value, i.target_year, *[values.get(year) for year in years],
        ])  # fmt: skip
    _sheet(workbook, INDICATORS_SHEET, [*INDICATOR_COLUMNS, *map(str, years)], indicator_rows)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- import ---------------------------------------------------------------------------------


# Bounds of a workbook import, enforced while it is read: a sheet may declare any dimension
# (`A1:G100000000`) and put a cell at row 100 000 000; openpyxl would fill every row between.
MAX_ROWS = 20_000
MAX_CELLS = 400_000
READ_SECONDS = 10.0


class _Budget:
    """Rows, cells and time left for reading one workbook; exhausted, the import is refused."""

    def __init__(self) -> None:
        self.rows, self.cells = MAX_ROWS, MAX_CELLS
        self.deadline = time.monotonic() + READ_SECONDS

    def rows_of(self, sheet: Any, *, min_row: int = 1) -> Iterator[tuple[Any, ...]]:
        sheet.reset_dimensions()  # read what the sheet holds, not the size it claims
        for row in sheet.iter_rows(min_row=min_row, values_only=True):
            self.rows -= 1
            self.cells -= len(row)
            if self.rows < 0 or self.cells < 0:
                raise ValidationFailed(
                    "The workbook is larger than a plan's workbook can be; nothing was imported.",
                    errors=[FieldError("workbook", f"at most {MAX_ROWS} rows and {MAX_CELLS} cells in all sheets "
                                                   f"(sheet '{sheet.title}' goes past it)")],
                )  # fmt: skip
            if time.monotonic() > self.deadline:
                raise ValidationFailed(
                    "The workbook took too long to read; nothing was imported.",
                    errors=[FieldError("workbook", f"reading stopped after {READ_SECONDS:.0f} s")],
                )
            yield row


class _Rows:
    """A sheet's rows as dicts by header, with the problems found in them."""

    def __init__(
        self, workbook: Any, title: str, columns: list[str], errors: list[FieldError], budget: _Budget
    ) -> None:
        self.title = title
        self.errors = errors
        self.rows: list[tuple[int, dict[str, Any]]] = []
        if title not in workbook.sheetnames:
            errors.append(FieldError(f"sheet '{title}'", "the sheet is missing"))
            return
        sheet: Worksheet = workbook[title]
        rows = budget.rows_of(sheet)
        header = [str(v).strip() if v is not None else "" for v in next(rows, ())]
        self.header = header
        missing = [c for c in columns if c not in header]
        if missing:
            errors.append(FieldError(f"sheet '{title}', row 1", f"missing columns: {', '.join(missing)}"))
            return
        for number, row in enumerate(rows, start=2):
            values = {header[i]: v for i, v in enumerate(row) if i < len(header) and header[i]}
            if any(v not in (None, "") for v in values.values()):
                self.rows.append((number, values))

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(FieldError(f"sheet '{self.title}', row {row}, column '{column}'", message))

    def value(self, row: int, values: dict[str, Any], model: type[BaseModel], fields: dict[str, Any]) -> Any:
        try:
            return model.model_validate(fields)
        except ValidationError as invalid:
            for problem in invalid.errors():
                column = str(problem["loc"][0]) if problem["loc"] else "(row)"
                self.error(row, column, problem["msg"])
            return None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _list(value: Any) -> list[str]:
    return [part.strip() for part in _text(value).split(";") if part.strip()]


def _optional(value: Any) -> Any:
    return None if value in (None, "") else value


def workbook_plan(source: IO[bytes]) -> ImportedPlan:
    """Read and check a whole workbook; raises with every problem found, or returns the plan.
    The file is checked as a ZIP (inflated size, ratio, entries) before openpyxl opens it, and
    read within a budget of rows, cells and time."""
    workbook_checked(source, field="workbook")
    budget = _Budget()
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as error:  # zipfile.BadZipFile, KeyError, InvalidFileException...
        raise UnsupportedMediaType(
            "The file is not an XLSX workbook.", errors=[FieldError("workbook", type(error).__name__)]
        ) from error
    errors: list[FieldError] = []
    header = _header(workbook, errors, budget)
    programme = Programme(
        areas=_areas(_Rows(workbook, ACTIONS_SHEET, ACTION_COLUMNS, errors, budget)),
        services=_values(
            _Rows(workbook, SERVICES_SHEET, SERVICE_COLUMNS, errors, budget),
            ServiceValue,
            list_columns={"exemption_groups"},
        ),
        funding=_values(_Rows(workbook, FUNDING_SHEET, FUNDING_COLUMNS, errors, budget), FundingValue),
        eu_projects=_values(_Rows(workbook, PROJECTS_SHEET, PROJECT_COLUMNS, errors, budget), EuProjectValue),
    )
    indicators = _indicators(_Rows(workbook, INDICATORS_SHEET, INDICATOR_COLUMNS, errors, budget))
    if errors:
        raise ValidationFailed(f"The workbook has {len(errors)} problem(s); nothing was imported.", errors=errors)
    title, start, end = header
    return ImportedPlan(title=title, period_start=start, period_end=end, programme=programme, indicators=indicators)


def _header(workbook: Any, errors: list[FieldError], budget: _Budget) -> tuple[str, int, int]:
    if PLAN_SHEET not in workbook.sheetnames:
        errors.append(FieldError(f"sheet '{PLAN_SHEET}'", "the sheet is missing"))
        return "", 0, 0
    fields = {_text(row[0]): row[1] if len(row) > 1 else None
              for row in budget.rows_of(workbook[PLAN_SHEET]) if row and row[0]}  # fmt: skip
    title = _text(fields.get("title"))
    if not title:
        errors.append(FieldError(f"sheet '{PLAN_SHEET}', row 1, column 'B'", "the title is empty"))
    years = []
    for row, name in ((2, "period_start"), (3, "period_end")):
        try:
            years.append(int(fields.get(name)))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            errors.append(FieldError(f"sheet '{PLAN_SHEET}', row {row}, column 'B'", f"{name} must be a year"))
            years.append(0)
    return title, years[0], years[1]


def _areas(rows: _Rows) -> list[AreaValue]:
    areas: list[AreaValue] = []
    for number, values in rows.rows:
        code, name = _text(values.get("area_code")), _text(values.get("area_name"))
        area_key: dict[str, Any] = {"code": code or None, "name": name, "goals": []}
        if not areas or (areas[-1].code.value if areas[-1].code else None, areas[-1].name) != (code or None, name):
            area = rows.value(number, values, AreaValue, area_key)
            if area is None:
                continue
            areas.append(area)
        area = areas[-1]
        if _text(values.get("goal_text")):
            goal_fields = {"number": _text(values.get("goal_number")), "text": _text(values.get("goal_text"))}
            if not area.goals or (area.goals[-1].number, area.goals[-1].text) != tuple(goal_fields.values()):
                goal = rows.value(number, values, GeneralGoalValue, goal_fields)
                if goal is None:
                    continue
                area.goals.append(goal)
        if _text(values.get("specific_text")) and area.goals:
            goal = area.goals[-1]
            fields = {"number": _text(values.get("specific_number")), "text": _text(values.get("specific_text"))}
            if not goal.specific_goals or (goal.specific_goals[-1].number, goal.specific_goals[-1].text) != tuple(
                fields.values()
            ):
                specific = rows.value(number, values, SpecificGoalValue, fields)
                if specific is None:
                    continue
                goal.specific_goals.append(specific)
        if _text(values.get("action_text")) and area.goals and area.goals[-1].specific_goals:
            action = rows.value(number, values, ActionValue, {
                "number": _text(values.get("action_number")),
                "text": _text(values.get("action_text")),
                "institutions": _list(values.get("institutions")),
                "institutions_other": _text(values.get("institutions_other")),
                "timeframe": _text(values.get("timeframe")),
                "estimated_cost": _optional(values.get("estimated_cost")),
                "funding_sources": _list(values.get("funding_sources")),
            })  # fmt: skip
            if action is not None:
                area.goals[-1].specific_goals[-1].actions.append(action)
    return areas


def _values(rows: _Rows, model: type[BaseModel], list_columns: frozenset[str] | set[str] = frozenset()) -> list[Any]:
    result = []
    for number, values in rows.rows:
        fields = {
            key: _list(value)
            if key in list_columns
            else (_optional(value) if not isinstance(value, str) else value.strip() or None)
            for key, value in values.items()
            if key in model.model_fields
        }
        fields = {k: v for k, v in fields.items() if v is not None}
        value = rows.value(number, values, model, fields)
        if value is not None:
            result.append(value)
    return result


def _decimal(rows: _Rows, number: int, column: str, value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        rows.error(number, column, "not a number")
        return None


def _year(rows: _Rows, number: int, column: str, value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        rows.error(number, column, "not a year")
        return None


def _indicators(rows: _Rows) -> list[IndicatorRow]:
    result = []
    year_columns = [c for c in getattr(rows, "header", []) if c.isdigit()]
    for number, values in rows.rows:
        for column in ("area", "name", "unit"):
            if not _text(values.get(column)):
                rows.error(number, column, "required")
        if _text(values.get("area")) and _text(values.get("area")) not in InterventionArea.values:
            rows.error(number, "area", f"one of {', '.join(InterventionArea.values)}")
        if _text(values.get("direction")) and _text(values.get("direction")) not in IndicatorDirection.values:
            rows.error(number, "direction", f"one of {', '.join(IndicatorDirection.values)}")
        yearly = {int(c): _decimal(rows, number, c, values.get(c)) for c in year_columns}
        result.append(
            IndicatorRow(
                area=_text(values.get("area")),
                number=_text(values.get("number")),
                name=_text(values.get("name")),
                unit=_text(values.get("unit")),
                direction=_text(values.get("direction")) or "increase",
                standard_code=_text(values.get("standard_code")),
                baseline_value=_decimal(rows, number, "baseline_value", values.get("baseline_value")),
                baseline_year=_year(rows, number, "baseline_year", values.get("baseline_year")),
                target_value=_decimal(rows, number, "target_value", values.get("target_value")),
                target_year=_year(rows, number, "target_year", values.get("target_year")),
                values={year: value for year, value in yearly.items() if value is not None},
            )
        )
    return result
