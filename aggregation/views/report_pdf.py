"""The regional report as a PDF on A4 (reportlab): the same value and the same sections as the
HTML page, the charts drawn with reportlab's vector graphics. Polish letters need a font that
has them: DejaVu Sans is vendored beside this module (`fonts/`, with its licence), as the PDF's
standard fonts have no ą, ę, ł, ś, ż and a fresh machine may have no system fonts at all."""

from __future__ import annotations

import functools
import io
from pathlib import Path
from typing import Any

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from aggregation.views.report import AREA_NAMES, AREA_SHORT_NAMES, Chart, RegionReport, number, percent
from aggregation.views.report_html import BAR_COLOUR, TEXT_COLOUR, TRACK_COLOUR, progress_chart

FONTS = Path(__file__).parent / "fonts"
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
WIDTH = A4[0] - 30 * mm  # the text's width between the margins
CHART_WIDTH = WIDTH - 12  # inside the frame's padding: a wider drawing is pushed to the next page


@functools.cache
def _fonts() -> None:
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=9.5, leading=12.5)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=15, leading=19, spaceAfter=4),
        "lead": ParagraphStyle("lead", parent=body, fontSize=11.5, leading=15, spaceAfter=6),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=BOLD,
            fontSize=12.5,
            leading=16,
            spaceBefore=10,
            spaceAfter=5,
            textColor=colors.HexColor(BAR_COLOUR),
        ),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=colors.HexColor("#4a5568")),
        "cell": ParagraphStyle("cell", parent=body, fontSize=7.5, leading=9),
    }


def _shortened(label: str, limit: int = 42) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _rect(x: float, y: float, width: float, height: float, colour: str) -> Rect:
    # Set after construction: the stubs type Rect's keyword arguments wrongly.
    rect = Rect(x, y, width, height)
    rect.fillColor, rect.strokeColor = colors.HexColor(colour), None
    return rect


def _bars(chart: Chart) -> Drawing:
    row, label_width, bar_width = 15, 200, 180
    height = max(1, len(chart.bars)) * row
    drawing = Drawing(CHART_WIDTH, height)
    for i, bar in enumerate(chart.bars):
        y = height - (i + 1) * row
        drawing.add(
            String(
                label_width - 4,
                y + 4,
                _shortened(bar.label),
                fontName=REGULAR,
                fontSize=7.5,
                textAnchor="end",
                fillColor=colors.HexColor(TEXT_COLOUR),
            )
        )
        drawing.add(_rect(label_width, y + 2, bar_width, row - 5, TRACK_COLOUR))
        length = max(0.0, min(1.0, bar.share)) * bar_width
        drawing.add(_rect(label_width, y + 2, length, row - 5, BAR_COLOUR))
        drawing.add(String(label_width + bar_width + 4, y + 4, bar.text, fontName=REGULAR, fontSize=7.5))
    return drawing


def _columns(chart: Chart) -> Drawing:
    plot, column, gap, bottom = 110, 24, 10, 16
    drawing = Drawing(CHART_WIDTH, plot + bottom + 14)
    drawing.add(Line(24, bottom, CHART_WIDTH, bottom, strokeColor=colors.HexColor(TEXT_COLOUR)))
    top = percent(chart.axis_max).replace(",0", "")
    drawing.add(String(20, bottom + plot - 3, top, fontName=REGULAR, fontSize=6.5, textAnchor="end"))
    drawing.add(String(20, bottom - 2, "0%", fontName=REGULAR, fontSize=6.5, textAnchor="end"))
    for i, bar in enumerate(chart.bars):
        x = 30 + i * (column + gap)
        height = max(0.0, min(1.0, bar.share / chart.axis_max)) * plot
        drawing.add(_rect(x, bottom, column, height, BAR_COLOUR))
        drawing.add(
            String(
                x + column / 2,
                bottom + height + 3,
                bar.text.split(" ")[-1].strip("()"),
                fontName=REGULAR,
                fontSize=6.5,
                textAnchor="middle",
            )
        )
        drawing.add(String(x + column / 2, bottom - 10, bar.label, fontName=REGULAR, fontSize=7, textAnchor="middle"))
    return drawing


def _heading(title: str, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    """A section's heading, on a new page when too little of this one is left for what follows."""
    return [CondPageBreak(45 * mm), Paragraph(title, styles["h2"])]


def _chart_section(title: str, chart: Chart, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    """A heading and its chart on one page (a heading alone at the foot of a page reads badly)."""
    height = (_columns(chart) if chart.columns else _bars(chart)).height
    return [CondPageBreak(height + 60), Paragraph(title, styles["h2"]), _chart(chart, styles)]


def _chart(chart: Chart, styles: dict[str, ParagraphStyle]) -> Flowable:
    caption = chart.title + (f": {chart.note}" if chart.note else "")
    drawing = _columns(chart) if chart.columns else _bars(chart)
    return KeepTogether([drawing, Spacer(1, 3), Paragraph(caption, styles["small"]), Spacer(1, 6)])


def _table(rows: list[list[Any]], styles: dict[str, ParagraphStyle], widths: list[float] | None = None) -> Table:
    cells = [[Paragraph(str(value), styles["cell"]) for value in row] for row in rows]
    table = Table(cells, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#cbd5e0")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#edf2f7")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _figures(rows: list[tuple[str, str]], styles: dict[str, ParagraphStyle]) -> Table:
    table = Table(
        [[Paragraph(k, styles["body"]), Paragraph(v, styles["body"])] for k, v in rows],
        colWidths=[80 * mm, CHART_WIDTH - 80 * mm],
        hAlign="LEFT",
    )
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _story(report: RegionReport) -> list[Flowable]:
    s = _styles()
    day = report.on.isoformat()
    as_of = report.data_as_of.strftime("%Y-%m-%d %H:%M") if report.data_as_of else "brak odświeżonego zestawienia"
    story: list[Flowable] = [
        Paragraph("Lokalne plany rozwoju usług społecznych i deinstytucjonalizacji", s["title"]),
        Paragraph(f"Województwo {report.name} ({report.voivodeship}), stan na dzień {day}", s["lead"]),
        _figures([("Wygenerowano", report.generated_at.strftime("%Y-%m-%d %H:%M")), ("Dane według stanu z", as_of)], s),
        Paragraph("1. Gminy z planem obowiązującym", s["h2"]),
        _figures(
            [
                ("Gminy w województwie", str(report.gminas)),
                ("Gminy z planem obowiązującym", f"{report.with_plan} ({percent(report.share)})"),
                ("Udział ludności objętej planem", percent(report.population_share)),
                ("Plany przyjęte, jeszcze nieobowiązujące", str(report.adopted_not_yet_in_force)),
                ("Plany złożone do oceny", str(report.submitted)),
            ],
            s,
        ),
        Spacer(1, 6),
        _chart(report.over_time, s),
    ]
    if report.population_over_time is not None:
        story.append(_chart(report.population_over_time, s))
    else:
        story.append(Paragraph("Udział ludności w czasie: brak danych o ludności.", s["small"]))
    story += _chart_section("2. Obszary interwencji", report.areas, s)
    story += _chart_section("3. Powiaty", report.powiat_chart, s)
    areas = [AREA_SHORT_NAMES[a] for a in AREA_NAMES]
    story.append(
        _table(
            [["Powiat", "Gminy", "Z planem", "Udział", *areas]]
            + [
                [p.name, p.gminas, p.with_plan, percent(p.share), *(p.areas[a] for a in AREA_NAMES)]
                for p in report.powiats
            ],
            s,
            [36 * mm, 13 * mm, 16 * mm, 15 * mm] + [(CHART_WIDTH - 80 * mm) / len(areas)] * len(areas),
        )
    )
    story += [
        *_heading("4. Białe plamy", s),
        Paragraph(
            "Rodzaje usług, których nie planuje żadna gmina powiatu (powiaty), i liczba gmin bez danej usługi.",
            s["body"],
        ),
        Spacer(1, 4),
    ]
    spots = [[w.service, w.powiats_shown, w.gminas] for w in report.white_spots]
    story.append(
        _table(
            [["Usługa", "Powiaty bez usługi", "Gminy bez usługi"], *spots], s, [50 * mm, CHART_WIDTH - 80 * mm, 30 * mm]
        )
        if spots
        else Paragraph("Brak białych plam.", s["body"])
    )
    story += _heading("5. Wskaźniki standardowe", s)
    if report.indicators:
        story.append(
            _table(
                [["Kod", "Wskaźnik", "Jedn.", "Gminy", "Bazowa", "Docelowa", "Ostatnia", "Postęp"]]
                + [
                    [
                        i.code,
                        i.name,
                        i.unit,
                        i.gminas,
                        number(i.baseline),
                        number(i.target),
                        number(i.latest),
                        percent(i.progress) if i.progress is not None else "–",
                    ]
                    for i in report.indicators
                ],
                s,
                [26 * mm, CHART_WIDTH - 125 * mm, 13 * mm, 14 * mm, 18 * mm, 18 * mm, 18 * mm, 18 * mm],
            )
        )
        progress = progress_chart(report)
        if progress is not None:
            story += [Spacer(1, 6), _chart(progress, s)]
    else:
        story.append(Paragraph("Żaden plan obowiązujący nie raportuje wskaźników standardowych.", s["body"]))
    story += [
        *_heading("6. Jakość danych", s),
        _table(
            [["Miara", "Wartość", "Objaśnienie"]] + [[q.label, q.value, q.detail] for q in report.quality],
            s,
            [60 * mm, 25 * mm, CHART_WIDTH - 85 * mm],
        ),
    ]
    return story


def report_pdf(report: RegionReport) -> bytes:
    """The report as PDF bytes, A4 portrait, page numbers in the footer."""
    _fonts()
    out = io.BytesIO()
    title = f"Raport: województwo {report.name}, stan na {report.on.isoformat()}"

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(REGULAR, 7.5)
        canvas.drawString(15 * mm, 10 * mm, f"Mozaika · województwo {report.name} · stan na {report.on.isoformat()}")
        canvas.drawRightString(A4[0] - 15 * mm, 10 * mm, f"strona {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=title,
        author="Mozaika",
        lang="pl",
    )
    doc.build(_story(report), onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
