"""The regional report as an HTML page: a Django template, its CSS a static file, and charts as
inline SVG drawn here, no JavaScript, only presentation attributes (the Content-Security-Policy
refuses inline styles and scripts)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from aggregation.views.report import AREA_NAMES, AREA_SHORT_NAMES, Bar, Chart, RegionReport, number, percent

BAR_COLOUR = "#2b6cb0"
TRACK_COLOUR = "#e2e8f0"
TEXT_COLOUR = "#1a202c"
FONT = "DejaVu Sans, Arial, sans-serif"

_LABEL_WIDTH, _BAR_WIDTH, _TEXT_WIDTH, _ROW = 260, 300, 120, 22
_COLUMN, _COLUMN_GAP, _PLOT_HEIGHT = 40, 14, 160


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: int = 11) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size}" fill="{TEXT_COLOUR}" '
        f'text-anchor="{anchor}">{escape(text)}</text>'
    )


def _shortened(label: str, limit: int = 36) -> str:  # 36 characters fit the label column
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _bars(chart: Chart) -> tuple[int, int, list[str]]:
    width = _LABEL_WIDTH + _BAR_WIDTH + _TEXT_WIDTH
    parts = []
    for i, bar in enumerate(chart.bars):
        y = i * _ROW
        length = max(0.0, min(1.0, bar.share)) * _BAR_WIDTH
        parts += [
            _text(_LABEL_WIDTH - 6, y + 15, _shortened(bar.label), anchor="end"),
            f'<rect x="{_LABEL_WIDTH}" y="{y + 4}" width="{_BAR_WIDTH}" height="{_ROW - 8}" fill="{TRACK_COLOUR}"/>',
            f'<rect x="{_LABEL_WIDTH}" y="{y + 4}" width="{length:.1f}" height="{_ROW - 8}" fill="{BAR_COLOUR}"/>',
            _text(_LABEL_WIDTH + _BAR_WIDTH + 6, y + 15, bar.text),
        ]
    return width, max(1, len(chart.bars)) * _ROW, parts


def _columns(chart: Chart) -> tuple[int, int, list[str]]:
    step = _COLUMN + _COLUMN_GAP
    width = max(1, len(chart.bars)) * step + 40
    top = 18
    parts = [
        f'<line x1="30" y1="{top + _PLOT_HEIGHT}" x2="{width}" y2="{top + _PLOT_HEIGHT}" stroke="{TEXT_COLOUR}"/>',
        _text(26, top + 4, percent(chart.axis_max).replace(",0", ""), anchor="end", size=9),
        _text(26, top + _PLOT_HEIGHT, "0%", anchor="end", size=9),
    ]
    for i, bar in enumerate(chart.bars):
        x = 36 + i * step
        height = max(0.0, min(1.0, bar.share / chart.axis_max)) * _PLOT_HEIGHT
        parts += [
            f'<rect x="{x}" y="{top + _PLOT_HEIGHT - height:.1f}" width="{_COLUMN}" height="{height:.1f}" '
            f'fill="{BAR_COLOUR}"/>',
            _text(
                x + _COLUMN / 2,
                top + _PLOT_HEIGHT - height - 4,
                bar.text.split(" ")[-1].strip("()"),
                anchor="middle",
                size=9,
            ),
            _text(x + _COLUMN / 2, top + _PLOT_HEIGHT + 14, bar.label, anchor="middle", size=10),
        ]
    return width, top + _PLOT_HEIGHT + 22, parts


def chart_svg(chart: Chart) -> SafeString:
    """The chart as an `<svg>` element; every label is escaped."""
    width, height, parts = _columns(chart) if chart.columns else _bars(chart)
    body = "".join(parts)
    return mark_safe(  # noqa: S308 - built here from escaped text and numbers
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{escape(chart.title)}"><title>{escape(chart.title)}</title>'
        f"{body}</svg>"
    )


def progress_chart(report: RegionReport) -> Chart | None:
    """Progress of the standards that add up as sums (a mean's progress is read from its years)."""
    bars = [
        Bar(f"{i.code} {i.name}", i.progress, percent(i.progress)) for i in report.indicators if i.progress is not None
    ]
    return Chart("Postęp do wartości docelowych", bars) if bars else None


def report_context(report: RegionReport) -> dict[str, Any]:
    """What the template shows, formatted the Polish way."""
    progress = progress_chart(report)
    return {
        "report": report,
        "share": percent(report.share),
        "population_share": percent(report.population_share),
        "area_labels": [AREA_SHORT_NAMES[a] for a in AREA_NAMES],
        "powiat_rows": [
            {
                "name": p.name,
                "gminas": p.gminas,
                "with_plan": p.with_plan,
                "share": percent(p.share),
                "areas": [p.areas[a] for a in AREA_NAMES],
            }
            for p in report.powiats
        ],
        "indicator_rows": [
            {
                "code": i.code,
                "name": i.name,
                "unit": i.unit,
                "gminas": i.gminas,
                "baseline": number(i.baseline),
                "target": number(i.target),
                "latest": number(i.latest),
                "progress": percent(i.progress) if i.progress is not None else "–",
            }
            for i in report.indicators
        ],
        "charts": {
            "over_time": chart_svg(report.over_time),
            "population_over_time": chart_svg(report.population_over_time) if report.population_over_time else "",
            "areas": chart_svg(report.areas),
            "powiats": chart_svg(report.powiat_chart),
            "progress": chart_svg(progress) if progress else "",
        },
    }


def report_html(report: RegionReport) -> str:
    return render_to_string("aggregation/region_report.html", report_context(report))
