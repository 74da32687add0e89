"""Reading a plan workbook back. The whole file is checked first: every problem of every row is
reported (one wrong cell never hides the others), named by sheet, row and the header the clerk
sees, in Polish and English, with the value found and what is expected; nothing is written
unless everything is right. Labels or codes, decimal commas and numbers as text are accepted.
Goals are told apart by their numbers: a changed text changes the goal."""

from __future__ import annotations

import datetime as dt
import functools
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from openpyxl import load_workbook
from pydantic import BaseModel, Field, ValidationError

from mozaika.errors import FieldError, UnsupportedMediaType, ValidationFailed
from tenants.plans.documents.inspection import workbook_checked
from tenants.plans.labels import LABELS_PL
from tenants.plans.models import PlanKind
from tenants.plans.programme.values import (
    ActionValue,
    AreaValue,
    EuProjectValue,
    FundingValue,
    GeneralGoalValue,
    Programme,
    ServiceValue,
    SpecificGoalValue,
)
from tenants.plans.spreadsheet.layout import (
    ACTION_COLUMNS,
    ACTIONS_SHEET,
    FIGURE_COLUMNS,
    FIGURES_SHEET,
    FUNDING_COLUMNS,
    FUNDING_SHEET,
    INDICATOR_COLUMNS,
    INDICATORS_SHEET,
    PLAN_FIELDS,
    PLAN_SHEET,
    PROJECT_COLUMNS,
    PROJECTS_SHEET,
    SECTION_COLUMNS,
    SECTIONS_SHEET,
    SERVICE_COLUMNS,
    SERVICES_SHEET,
    CellKind,
    Column,
)

_KIND = next(c for c in PLAN_FIELDS if c.code == "kind")

# Bounds of a workbook import, enforced while it is read: a sheet may declare any dimension
# (`A1:G100000000`) and put a cell at row 100 000 000; openpyxl would fill every row between.
MAX_ROWS = 20_000
MAX_CELLS = 400_000
READ_SECONDS = 10.0


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
class SectionRow:
    title: str
    text: str


@dataclass(frozen=True)
class FigureRow:
    name: str
    value: Decimal
    unit: str
    year: int
    source: str


@dataclass(frozen=True)
class ImportedPlan:
    title: str
    period_start: int
    period_end: int
    programme: Programme
    indicators: list[IndicatorRow]
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    sections: list[SectionRow] = field(default_factory=list)
    kind: str = PlanKind.LPRUSID
    figures: list[FigureRow] = field(default_factory=list)


class _Budget:
    """Rows, cells and time left for reading one workbook; exhausted, the import is refused."""

    def __init__(self) -> None:
        self.rows, self.cells = MAX_ROWS, MAX_CELLS
        self.deadline = time.monotonic() + READ_SECONDS

    def rows_of(self, sheet: Any) -> Iterator[tuple[Any, ...]]:
        sheet.reset_dimensions()  # read what the sheet holds, not the size it claims
        for row in sheet.iter_rows(values_only=True):
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


def _problem(pl: str, en: str, found: Any = None, expected: str = "") -> str:
    shown = "" if found in (None, "") else f" (jest / found: {str(found)[:80]!r})"
    wanted = f"; oczekiwano / expected: {expected}" if expected else ""
    return f"{pl} / {en}{shown}{wanted}"


# Pydantic's error types in the clerk's words.
_PYDANTIC_PL = {
    "missing": "brak wartości",
    "string_too_short": "pusta wartość",
    "string_too_long": "za długi tekst",
    "greater_than_equal": "za mała wartość",
    "less_than_equal": "za duża wartość",
    "decimal_max_digits": "za dużo cyfr",
    "decimal_max_places": "za dużo miejsc po przecinku",
    "string_pattern_mismatch": "zły zapis",
    "value_error": "niepoprawna wartość",
}


@dataclass
class _Sheet:
    """A sheet's rows as cells by code, read with the header the clerk sees, and its problems."""

    title: str
    columns: list[Column]
    errors: list[FieldError]
    shown: dict[str, str] = field(default_factory=dict)  # code -> header
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)  # year columns of the indicators sheet

    def read(self, workbook: Any, budget: _Budget, *, optional: bool = False) -> _Sheet:
        if self.title not in workbook.sheetnames:
            if optional:
                return self
            self.errors.append(FieldError(f"sheet '{self.title}'", _problem("brak arkusza", "the sheet is missing")))
            return self
        lines = budget.rows_of(workbook[self.title])
        first = [_text(v) for v in next(lines, ())]
        codes = {c.code for c in self.columns}
        if codes <= set(first):  # a workbook from before the Polish headers: codes on the first row
            header, start = first, 2
        else:
            header, start = [_text(v) for v in next(lines, ())], 3
            self.shown = {code: shown for code, shown in zip(header, first, strict=False) if code}
        missing = [c.header for c in self.columns if c.code not in header]
        if missing:
            problem = _problem("brak kolumn", "missing columns", expected=", ".join(missing))
            self.errors.append(FieldError(f"sheet '{self.title}', row {start - 1}", problem))
            return self
        self.extra = [h for h in header if h.isdigit()]
        for number, line in enumerate(lines, start=start):
            values = {header[i]: v for i, v in enumerate(line) if i < len(header) and header[i]}
            if any(v not in (None, "") for v in values.values()):
                self.rows.append((number, values))
        return self

    def error(self, row: int, code: str, message: str) -> None:
        self.errors.append(
            FieldError(f"sheet '{self.title}', row {row}, column '{self.shown.get(code, code)}'", message)
        )

    def cells(self, row: int, values: dict[str, Any], columns: list[Column]) -> dict[str, Any]:
        """Every cell of the row converted (labels to codes, text to numbers); each one that
        cannot be is an error, and the others are still converted."""
        return {column.code: _converted(self, row, column, values.get(column.code)) for column in columns}

    def value(self, row: int, model: type[BaseModel], fields: dict[str, Any]) -> Any:
        try:
            return model.model_validate({k: v for k, v in fields.items() if v is not None})
        except ValidationError as invalid:
            for problem in invalid.errors():
                code = str(problem["loc"][0]) if problem["loc"] else ""
                found = fields.get(code)
                self.error(row, code, _problem(_PYDANTIC_PL.get(problem["type"], "niepoprawna wartość"),
                                               str(problem["msg"]), found))  # fmt: skip
            return None


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed into a text column: "1", not "1.0"
    return "" if value is None else str(value).strip()


def _number(value: Any) -> Decimal:
    """A number from a cell: a number, or text with a decimal comma, spaces or a currency."""
    if isinstance(value, bool):
        raise InvalidOperation
    if isinstance(value, int | float):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        cleaned = str(value).replace("\u00a0", "").replace(" ", "").replace("zł", "").replace("%", "").strip()
        number = Decimal(cleaned.replace(",", "."))
    if not number.is_finite() or abs(number) >= 10**15:  # "inf", "nan", "1e400": no amount is that
        raise InvalidOperation
    return number


@functools.cache
def _codes_by_label(choices: str) -> dict[str, str]:
    return {label.casefold(): code for code, label in LABELS_PL[choices].items()}


def _choice(column: Column, text: str) -> str | None:
    """The code a cell names, by its code or (any case) its Polish label."""
    assert column.choices is not None
    name = column.choices.__name__
    return text if text in LABELS_PL[name] else _codes_by_label(name).get(text.casefold())


def _converted(sheet: _Sheet, row: int, column: Column, value: Any) -> Any:
    text = _text(value)
    if text == "":
        return [] if column.kind is CellKind.CHOICES else None
    if column.kind in (CellKind.CHOICE, CellKind.CHOICES):
        assert column.choices is not None
        expected = ", ".join(LABELS_PL[column.choices.__name__].values())
        parts = [p.strip() for p in text.split(";") if p.strip()] if column.kind is CellKind.CHOICES else [text]
        codes = []
        for part in parts:
            code = _choice(column, part)
            if code is None:
                sheet.error(row, column.code, _problem("spoza listy", "not on the list", part, expected))
            else:
                codes.append(code)
        return codes if column.kind is CellKind.CHOICES else (codes[0] if codes else None)
    if column.kind in (CellKind.NUMBER, CellKind.MONEY, CellKind.YEAR):
        try:
            number = _number(value)
        except (InvalidOperation, ValueError):
            sheet.error(row, column.code, _problem("to nie liczba", "not a number", value,
                                                   "np. / e.g. 2025" if column.kind is CellKind.YEAR else "np. / e.g. 150 000,50"))  # fmt: skip  # noqa: E501
            return None
        if column.kind is CellKind.YEAR:
            if number != number.to_integral_value():
                sheet.error(row, column.code, _problem("to nie rok", "not a year", value, "np. / e.g. 2025"))
                return None
            return int(number)
        return number.quantize(Decimal("0.01")) if column.kind is CellKind.MONEY else number
    return text


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
        areas=_areas(_Sheet(ACTIONS_SHEET, ACTION_COLUMNS, errors).read(workbook, budget)),
        services=_values(_Sheet(SERVICES_SHEET, SERVICE_COLUMNS, errors).read(workbook, budget), ServiceValue),
        funding=_values(_Sheet(FUNDING_SHEET, FUNDING_COLUMNS, errors).read(workbook, budget), FundingValue),
        eu_projects=_values(_Sheet(PROJECTS_SHEET, PROJECT_COLUMNS, errors).read(workbook, budget), EuProjectValue),
    )
    indicators = _indicators(_Sheet(INDICATORS_SHEET, INDICATOR_COLUMNS, errors).read(workbook, budget))
    # A workbook from before the diagnosis sheets has none: the plan then has no diagnosis yet.
    sections = _sections(_Sheet(SECTIONS_SHEET, SECTION_COLUMNS, errors).read(workbook, budget, optional=True))
    figures = _figures(_Sheet(FIGURES_SHEET, FIGURE_COLUMNS, errors).read(workbook, budget, optional=True))
    if errors:
        raise ValidationFailed(f"The workbook has {len(errors)} problem(s); nothing was imported.", errors=errors)
    return ImportedPlan(title=header.title, period_start=header.period_start, period_end=header.period_end,
                        programme=programme, indicators=indicators, valid_from=header.valid_from,
                        valid_until=header.valid_until, sections=sections, figures=figures,
                        kind=header.kind)  # fmt: skip


def _day(value: Any) -> dt.date:
    """A date cell, or text written as 2025-01-01 or 01.01.2025."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


@dataclass(frozen=True)
class _Header:
    title: str = ""
    period_start: int = 0
    period_end: int = 0
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    kind: str = PlanKind.LPRUSID


def _header(workbook: Any, errors: list[FieldError], budget: _Budget) -> _Header:
    """The Plan sheet, read once: title, period, days of force and kind (an LPRUSiD unless said)."""
    if PLAN_SHEET not in workbook.sheetnames:
        errors.append(FieldError(f"sheet '{PLAN_SHEET}'", _problem("brak arkusza", "the sheet is missing")))
        return _Header()
    # A row is (label, value, code); a workbook from before the Polish labels has (code, value).
    fields: dict[str, tuple[int, Any]] = {}
    codes = {f.code for f in PLAN_FIELDS}
    for line, cells in enumerate(budget.rows_of(workbook[PLAN_SHEET]), start=1):
        code = _text(cells[2]) if len(cells) > 2 and _text(cells[2]) in codes else _text(cells[0]) if cells else ""
        if code in codes:
            fields[code] = (line, cells[1] if len(cells) > 1 else None)
    title_row, title = fields.get("title", (1, None))
    if not _text(title):
        errors.append(FieldError(f"sheet '{PLAN_SHEET}', row {title_row}, column 'B'",
                                 _problem("brak tytułu", "the title is empty")))  # fmt: skip
    years = []
    for default_row, name, shown in ((2, "period_start", "pierwszy rok"), (3, "period_end", "ostatni rok")):
        line, value = fields.get(name, (default_row, None))
        try:
            year = _number(value)
            if year != year.to_integral_value() or not 1990 <= year <= 2100:
                raise InvalidOperation
            years.append(int(year))
        except (InvalidOperation, ValueError, TypeError):
            errors.append(FieldError(f"sheet '{PLAN_SHEET}', row {line}, column 'B'",
                                     _problem(f"{shown} okresu to nie rok", f"{name} must be a year", value,
                                              "np. / e.g. 2025")))  # fmt: skip
            years.append(0)
    days: list[dt.date | None] = []
    for name in ("valid_from", "valid_until"):
        line, value = fields.get(name, (0, None))
        if value in (None, ""):
            days.append(None)
            continue
        try:
            days.append(_day(value))
        except ValueError:
            problem = _problem("to nie data", "not a date", value, "np. / e.g. 2025-01-01")
            errors.append(FieldError(f"sheet '{PLAN_SHEET}', row {line}, column 'B'", problem))
            days.append(None)
    line, text = fields.get("kind", (0, None))
    kind = _choice(_KIND, _text(text)) if _text(text) else PlanKind.LPRUSID
    if kind is None:
        expected = ", ".join(LABELS_PL["PlanKind"].values())
        errors.append(FieldError(f"sheet '{PLAN_SHEET}', row {line}, column 'B'",
                                 _problem("spoza listy", "not on the list", text, expected)))  # fmt: skip
        kind = PlanKind.LPRUSID
    return _Header(_text(title), years[0], years[1], days[0], days[1], kind)


def _areas(sheet: _Sheet) -> list[AreaValue]:
    """Areas, goals, specific goals and actions from one row per action. A goal is its number
    (its text comes from the row that gives one); a goal without a number is its text."""
    areas: list[AreaValue] = []
    goal_rows: dict[tuple[int, str], int] = {}  # (area index, goal number) -> the row that gave its text
    for number, values in sheet.rows:
        cells = sheet.cells(number, values, ACTION_COLUMNS)
        code, name = cells["area_code"], cells["area_name"] or ""
        if code is None and not name and values.get("area_code") not in (None, ""):
            continue  # the area's label was wrong: reported; nothing below it can be placed
        key = (code, name)
        if not areas or (areas[-1].code.value if areas[-1].code else None, areas[-1].name) != key:
            area = sheet.value(number, AreaValue, {"code": code, "name": name})
            if area is None:
                continue
            areas.append(area)
        area = areas[-1]
        goal = _numbered(sheet, number, area.goals, GeneralGoalValue, cells["goal_number"], cells["goal_text"],
                         where=(len(areas), "goal"), seen=goal_rows)  # fmt: skip
        if goal is None:
            _action_checked(sheet, number, cells)
            continue
        specific = _numbered(sheet, number, goal.specific_goals, SpecificGoalValue, cells["specific_number"],
                             cells["specific_text"], where=(len(areas), f"goal {goal.number}"),
                             seen=goal_rows)  # fmt: skip
        action = _action_checked(sheet, number, cells)
        if specific is not None and action is not None:
            specific.actions.append(action)
    return areas


def _numbered(
    sheet: _Sheet,
    row: int,
    siblings: list[Any],
    model: type[BaseModel],
    number: Any,
    text: Any,
    *,
    where: tuple[int, str],
    seen: dict[tuple[int, str], int],
) -> Any:
    """The goal (or specific goal) a row names among its siblings, added when new."""
    number, text = _text(number), _text(text)
    if not number and not text:
        return siblings[-1] if siblings else None
    same = [s for s in siblings if (s.number == number if number else s.text == text)]
    if same:
        existing = same[-1]
        if number and text and text != existing.text:
            first = seen.get((where[0], f"{where[1]}/{number}"), row)
            sheet.error(row, "goal_text" if model is GeneralGoalValue else "specific_text",
                        _problem(f"nr {number} ma już inny tekst (wiersz {first}); tekst wpisz raz",
                                 f"number {number} already has another text (row {first}); give it once",
                                 text, existing.text[:60]))  # fmt: skip
        return existing
    created = sheet.value(row, model, {"number": number, "text": text})
    if created is not None:
        siblings.append(created)
        seen[(where[0], f"{where[1]}/{number}")] = row
    return created


def _action_checked(sheet: _Sheet, row: int, cells: dict[str, Any]) -> ActionValue | None:
    if not cells["action_text"] and not cells["action_number"]:
        return None
    if not cells["specific_text"] and not cells["specific_number"] and not cells["goal_number"]:
        sheet.error(row, "action_text", _problem("działanie bez celu: podaj nr celu ogólnego i szczegółowego",
                                                 "an action without its goals: give the goal numbers"))  # fmt: skip
    fields = {k: cells[k] for k in ("institutions", "institutions_other", "timeframe", "estimated_cost",
                                    "funding_sources")}  # fmt: skip
    value: ActionValue | None = sheet.value(row, ActionValue, {
        "number": cells["action_number"] or "", "text": cells["action_text"], **fields,
    })  # fmt: skip
    return value


def _values(sheet: _Sheet, model: type[BaseModel]) -> list[Any]:
    result = []
    for number, values in sheet.rows:
        cells = sheet.cells(number, values, sheet.columns)
        if model is ServiceValue:
            groups = _text(values.get("exemption_groups"))
            cells["exemption_groups"] = [p.strip() for p in groups.split(";") if p.strip()]
        value = sheet.value(number, model, cells)
        if value is not None:
            result.append(value)
    return result


class _IndicatorCells(BaseModel):
    """The widths and ranges the plan's indicator columns hold (as the API checks them)."""

    number: str = Field("", max_length=10)
    name: str = Field(min_length=1, max_length=500)
    unit: str = Field(min_length=1, max_length=50)
    standard_code: str = Field("", max_length=40)
    baseline_value: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    baseline_year: int | None = Field(None, ge=1990, le=2100)
    target_value: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    target_year: int | None = Field(None, ge=1990, le=2100)


class _SectionCells(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    text: str = Field(min_length=1, max_length=100_000)


class _FigureCells(BaseModel):
    name: str = Field(min_length=1, max_length=300)
    value: Decimal = Field(max_digits=14, decimal_places=2)
    unit: str = Field(min_length=1, max_length=50)
    year: int = Field(ge=1990, le=2100)
    source: str = Field("", max_length=300)


def _sections(sheet: _Sheet) -> list[SectionRow]:
    result = []
    for number, values in sheet.rows:
        cells = sheet.cells(number, values, SECTION_COLUMNS)
        checked = sheet.value(number, _SectionCells, cells)
        if checked is not None:
            result.append(SectionRow(title=checked.title, text=checked.text))
    return result


def _figures(sheet: _Sheet) -> list[FigureRow]:
    result = []
    for number, values in sheet.rows:
        cells = sheet.cells(number, values, FIGURE_COLUMNS)
        converted = [c for c in ("value", "year") if cells[c] is None and values.get(c) not in (None, "")]
        checked = None if converted else sheet.value(number, _FigureCells, cells)  # bad numbers: reported
        if checked is not None:
            result.append(FigureRow(name=checked.name, value=checked.value, unit=checked.unit, year=checked.year,
                                    source=checked.source))  # fmt: skip
    return result


def _indicators(sheet: _Sheet) -> list[IndicatorRow]:
    result = []
    for number, values in sheet.rows:
        cells = sheet.cells(number, values, INDICATOR_COLUMNS)
        if not cells["area"] and values.get("area") in (None, ""):
            sheet.error(number, "area", _problem("brak wartości", "required"))
        sheet.value(number, _IndicatorCells, {k: v for k, v in cells.items() if k in _IndicatorCells.model_fields})
        yearly: dict[int, Decimal] = {}
        for year in sheet.extra:
            cell = values.get(year)
            if cell in (None, ""):
                continue
            try:
                yearly[int(year)] = _number(cell).quantize(Decimal("0.01"))
            except (InvalidOperation, ValueError):
                sheet.error(number, year, _problem("to nie liczba", "not a number", cell, "np. / e.g. 12,5"))
        result.append(IndicatorRow(
            area=cells["area"] or "", number=cells["number"] or "", name=cells["name"] or "",
            unit=cells["unit"] or "", direction=cells["direction"] or "increase",
            standard_code=cells["standard_code"] or "", baseline_value=cells["baseline_value"],
            baseline_year=cells["baseline_year"], target_value=cells["target_value"],
            target_year=cells["target_year"], values=yearly,
        ))  # fmt: skip
    return result
