"""The plan workbook as a clerk opens it: instructions first, one sheet per part with Polish
headers, a frozen header, widths, drop-downs of Polish labels, numbers as numbers. Without a plan
it is the blank template for a new one."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from tenants.plans.labels import LABELS_PL
from tenants.plans.models import Plan, PlanKind
from tenants.plans.programme.values import Programme, programme_of
from tenants.plans.selectors import current_values
from tenants.plans.spreadsheet.layout import (
    ACTION_COLUMNS,
    ACTIONS_SHEET,
    DATE_FORMAT,
    FIGURE_COLUMNS,
    FIGURES_SHEET,
    FUNDING_COLUMNS,
    FUNDING_SHEET,
    HEADER_ROWS,
    INDICATOR_COLUMNS,
    INDICATORS_SHEET,
    INSTRUCTIONS,
    INSTRUCTIONS_SHEET,
    LIST_SEPARATOR,
    LISTED,
    LISTS_SHEET,
    MONEY_FORMAT,
    NUMBER_FORMAT,
    PLAN_FIELDS,
    PLAN_SHEET,
    PROJECT_COLUMNS,
    PROJECTS_SHEET,
    REPORT_COLUMNS,
    REPORTS_SHEET,
    SECTION_COLUMNS,
    SECTIONS_SHEET,
    SERVICE_COLUMNS,
    SERVICES_SHEET,
    YEAR_FORMAT,
    CellKind,
    Column,
)

# Drop-downs and formats reach this far down a sheet: far more rows than a plan has.
FILLED_ROWS = 2000
_BOLD = Font(bold=True)
_FORMATS = {CellKind.MONEY: MONEY_FORMAT, CellKind.NUMBER: NUMBER_FORMAT, CellKind.YEAR: YEAR_FORMAT}


def _shown(column: Column, value: Any) -> Any:
    """A value as the clerk sees it: labels for codes, numbers as numbers."""
    if value is None or value == "":
        return None
    if column.kind is CellKind.CHOICE and column.choices is not None:
        return LABELS_PL[column.choices.__name__].get(str(value), str(value))
    if column.kind is CellKind.CHOICES and column.choices is not None:
        names = LABELS_PL[column.choices.__name__]
        return LIST_SEPARATOR.join(names.get(str(v), str(v)) for v in value)
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(v) for v in value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _lists(workbook: Workbook) -> dict[str, str]:
    """The hidden sheet of drop-down lists; returns each list's cell range by its choices."""
    sheet = workbook.create_sheet(LISTS_SHEET)
    ranges: dict[str, str] = {}
    for index, (choices, title) in enumerate(LISTED, start=1):
        letter = get_column_letter(index)
        labels = list(LABELS_PL[choices.__name__].values())
        sheet.cell(row=1, column=index, value=title).font = _BOLD
        for row, name in enumerate(labels, start=2):
            sheet.cell(row=row, column=index, value=name)
        ranges[choices.__name__] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(labels) + 1}"
    sheet.sheet_state = "hidden"
    return ranges


def _table(
    workbook: Workbook,
    title: str,
    columns: list[Column],
    rows: list[list[Any]],
    lists: dict[str, str],
    extra_headers: tuple[str, ...] = (),
) -> Worksheet:
    sheet: Worksheet = workbook.create_sheet(title)
    headers = [c.header for c in columns] + list(extra_headers)
    codes = [c.code for c in columns] + list(extra_headers)
    sheet.append(headers)
    sheet.append(codes)
    for cell in sheet[1]:
        cell.font = _BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[2].hidden = True
    sheet.freeze_panes = f"A{HEADER_ROWS + 1}"
    for row in rows:
        sheet.append([_shown(c, v) for c, v in zip(columns, row, strict=False)] + row[len(columns) :])
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.kind in _FORMATS:
            # The column's own format (what a newly typed cell takes), and each written cell's.
            sheet.column_dimensions[letter].number_format = _FORMATS[column.kind]
            for (cell,) in sheet.iter_rows(min_row=HEADER_ROWS + 1, min_col=index, max_col=index):
                cell.number_format = _FORMATS[column.kind]
        if column.choices is not None:
            _drop_down(sheet, column, letter, lists[column.choices.__name__])
    for offset in range(len(extra_headers)):
        sheet.column_dimensions[get_column_letter(len(columns) + offset + 1)].width = 10
    return sheet


def _drop_down(sheet: Worksheet, column: Column, letter: str, cells: str) -> None:
    where = f"{letter}{HEADER_ROWS + 1}:{letter}{FILLED_ROWS}"
    if column.kind is CellKind.CHOICE:
        rule = DataValidation(type="list", formula1=f"={cells}", allow_blank=True, showErrorMessage=True,
                              errorTitle="Spoza listy", error="Wybierz wartość z listy.")  # fmt: skip
    else:  # several labels in one cell: the list offers one, and a typed "a; b" is let through
        rule = DataValidation(type="list", formula1=f"={cells}", allow_blank=True, showErrorMessage=False,
                              showInputMessage=True, promptTitle=column.header[:32],
                              prompt="Wybierz z listy; kilka wartości wpisz oddzielone „; ”.")  # fmt: skip
    rule.add(where)
    sheet.add_data_validation(rule)


def _action_rows(programme: Programme) -> list[list[Any]]:
    """One row per action; a goal's (and specific goal's) text only on its first row, its number
    on every row: the number is what the importer groups by."""
    rows: list[list[Any]] = []
    for area in programme.areas:
        base = [area.code.value if area.code else "", area.name]
        if not area.goals:
            rows.append(base)
        for goal in area.goals:
            goal_text = goal.text
            if not goal.specific_goals:
                rows.append([*base, goal.number, goal_text])
            for specific in goal.specific_goals:
                specific_text = specific.text
                if not specific.actions:
                    rows.append([*base, goal.number, goal_text, specific.number, specific_text])
                for action in specific.actions:
                    rows.append([
                        *base, goal.number, goal_text, specific.number, specific_text, action.number, action.text,
                        [i.value for i in action.institutions], action.institutions_other, action.timeframe,
                        action.estimated_cost, [f.value for f in action.funding_sources],
                    ])  # fmt: skip
                    specific_text = ""
                    goal_text = ""
                goal_text = ""
    return rows


def plan_workbook(plan: Plan | None) -> bytes:
    """The plan's workbook, or (without a plan) the blank template for a new one."""
    programme = programme_of(plan) if plan is not None else Programme()
    workbook = Workbook()
    instructions = workbook.active
    assert instructions is not None
    instructions.title = INSTRUCTIONS_SHEET
    for line in INSTRUCTIONS:
        instructions.append([line])
    instructions["A1"].font = Font(bold=True, size=14)
    instructions.column_dimensions["A"].width = 120
    lists = _lists(workbook)
    header = workbook.create_sheet(PLAN_SHEET, 1)
    values = {"title": plan.title, "kind": plan.kind, "period_start": plan.period_start,
              "period_end": plan.period_end, "valid_from": plan.valid_from, "valid_until": plan.valid_until,
              } if plan else {"kind": PlanKind.LPRUSID}  # fmt: skip
    for field in PLAN_FIELDS:
        header.append([field.header, _shown(field, values.get(field.code)), field.code])
        header.cell(row=header.max_row, column=1).font = _BOLD
        if field.kind is CellKind.DATE:
            header.cell(row=header.max_row, column=2).number_format = DATE_FORMAT
    header.column_dimensions["A"].width, header.column_dimensions["B"].width = 24, 70
    header.column_dimensions["C"].hidden = True
    _table(workbook, ACTIONS_SHEET, ACTION_COLUMNS, _action_rows(programme), lists)
    _table(workbook, SERVICES_SHEET, SERVICE_COLUMNS, [
        [s.type.value, s.name, s.area.value if s.area else "", s.capacity, s.unit, s.copayment_percent,
         s.exemption_groups] for s in programme.services
    ], lists)  # fmt: skip
    _table(workbook, FUNDING_SHEET, FUNDING_COLUMNS, [
        [f.source.value, f.description, f.year, f.amount] for f in programme.funding
    ], lists)  # fmt: skip
    _table(workbook, PROJECTS_SHEET, PROJECT_COLUMNS, [
        [p.call_code, p.title, p.value, p.status.value] for p in programme.eu_projects
    ], lists)  # fmt: skip
    years = list(range(plan.period_start, plan.period_end + 1)) if plan else []
    indicator_rows = []
    for i in plan.indicators.all() if plan else []:
        reported = {v.year: v.value for v in current_values().filter(indicator=i)}
        indicator_rows.append([
            i.area, i.number, i.name, i.unit, i.direction, i.standard_code, i.baseline_value, i.baseline_year,
            i.target_value, i.target_year, *[_shown(INDICATOR_COLUMNS[6], reported.get(year)) for year in years],
        ])  # fmt: skip
    year_headers = tuple(str(year) for year in years)
    _table(workbook, INDICATORS_SHEET, INDICATOR_COLUMNS, indicator_rows, lists, extra_headers=year_headers)
    sections = [[s.title, s.text] for s in plan.diagnostic_sections.all()] if plan else []
    _table(workbook, SECTIONS_SHEET, SECTION_COLUMNS, sections, lists)
    figures = [[f.name, f.value, f.unit, f.year, f.source] for f in plan.key_figures.all()] if plan else []
    _table(workbook, FIGURES_SHEET, FIGURE_COLUMNS, figures, lists)
    reports = plan.reports.order_by("year", "kind") if plan else []
    _table(workbook, REPORTS_SHEET, REPORT_COLUMNS, [
        [r.get_kind_display(), r.year, r.filed_at.strftime("%Y-%m-%d %H:%M"), r.narrative] for r in reports
    ], lists)  # fmt: skip
    workbook.move_sheet(LISTS_SHEET, offset=len(workbook.sheetnames))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
