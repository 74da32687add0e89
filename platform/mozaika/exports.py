"""Lists and reports as CSV or XLSX for people who open them in Excel.

CSV: UTF-8 with a BOM and `;` between fields, decimal commas: what Excel in a Polish locale
opens without an import wizard. XLSX: numbers as numbers, dates as dates, a bold header row."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from mozaika.downloads import attachment_disposition
from mozaika.errors import ErrorCode, FieldError, problem_response

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ExportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


# The API operations (their view names) that answer in CSV or XLSX too. The site fills it when
# it builds the API; any other operation asked for a `format` other than JSON refuses (422).
EXPORTING_VIEWS: set[str] = set()


def format_refusal(request: HttpRequest, view_name: str) -> HttpResponse | None:
    """A 422 naming `format` when the operation answers JSON only: never a silent JSON."""
    wanted = request.GET.get("format")
    if wanted is None or wanted == ExportFormat.JSON or view_name in EXPORTING_VIEWS:
        return None
    return problem_response(
        status=HTTPStatus.UNPROCESSABLE_ENTITY,
        code=ErrorCode.VALIDATION_FAILED,
        detail=f"This operation answers JSON only, not {wanted[:20]!r}.",
        errors=[FieldError("format", "only json here; CSV and XLSX are offered by the list operations")],
    )


class ColumnKind(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    PERCENT = "percent"  # a share (0..1) shown as a percentage
    DATE = "date"
    BOOLEAN = "boolean"


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # Polish: the people reading the file are Polish officials
    kind: ColumnKind = ColumnKind.TEXT
    # Polish names of the codes a text column holds (a code not named is shown as it is).
    names: Mapping[str, str] | None = None

    def shown(self, value: Any) -> Any:
        if self.names is None or value is None:
            return value
        if isinstance(value, list):
            return [self.names.get(str(v), v) for v in value]
        return self.names.get(str(value), value)


def _csv_value(value: Any, kind: ColumnKind) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if kind is ColumnKind.BOOLEAN:
        return "tak" if value else "nie"
    if kind is ColumnKind.NUMBER:
        return f"{value}".replace(".", ",")
    if kind is ColumnKind.PERCENT:
        return f"{float(value) * 100:.2f}%".replace(".", ",")
    if kind is ColumnKind.DATE:
        return value.isoformat() if isinstance(value, date) else str(value)
    return str(value)


def table_csv(columns: Sequence[Column], rows: Iterable[Mapping[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.label for c in columns])
    for row in rows:
        writer.writerow([_csv_value(c.shown(row.get(c.key)), c.kind) for c in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_value(value: Any, kind: ColumnKind) -> Any:
    if value is None:
        return None
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if kind is ColumnKind.BOOLEAN:
        return "tak" if value else "nie"
    if kind in (ColumnKind.NUMBER, ColumnKind.PERCENT):
        return float(value)
    if kind is ColumnKind.INTEGER:
        return int(value)
    if kind is ColumnKind.DATE:
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    return str(value)


def table_xlsx(columns: Sequence[Column], rows: Iterable[Mapping[str, Any]], *, sheet: str) -> bytes:
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(worksheet, value=column.label)
        cell.font = bold
        header.append(cell)
    worksheet.append(header)
    for row in rows:
        cells = []
        for column in columns:
            cell = WriteOnlyCell(worksheet, value=_xlsx_value(column.shown(row.get(column.key)), column.kind))
            if column.kind is ColumnKind.DATE:
                cell.number_format = "yyyy-mm-dd"
            elif column.kind is ColumnKind.PERCENT:
                cell.number_format = "0.00%"
            cells.append(cell)
        worksheet.append(cells)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def table_response(
    columns: Sequence[Column], rows: Iterable[Mapping[str, Any]], *, export: ExportFormat, name: str
) -> HttpResponse:
    """The table as a downloadable CSV or XLSX file named `name`.csv/.xlsx."""
    if export is ExportFormat.CSV:
        response = HttpResponse(table_csv(columns, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(table_xlsx(columns, rows, sheet=name), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = attachment_disposition(f"{name}.{export.value}")
    return response
