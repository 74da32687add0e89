"""The voivodeship's report (`GET /api/v1/regions/{voivodeship}/report`): its figures hand-computed
from one adopted plan in Trzebiel (lubuskie: 82 gminas, powiat żarski: 10), the HTML page under
the site's Content-Security-Policy, the PDF's pages rendered and read back, who may read it and
what bad input answers."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode

import pypdfium2
import pytest
from django.test import Client
from django.utils import timezone

from aggregation.views.refresh import gmina_rows
from aggregation.views.report import Bar, Chart, QualityInput, data_quality_basic, region_report
from aggregation.views.report_html import chart_svg
from mozaika.identity.models import Role
from mozaika.identity.tokens import api_token_issue
from mozaika.tenancy import in_gmina
from tenants.plans.models import InterventionArea
from tests.aggregation.test_regional_views import refresh
from tests.factories import AdoptedPlanFactory, IndicatorSpecFactory, RoleGrantFactory
from tests.support import TRZEBIEL, Api

LUBUSKIE_GMINAS = 82
ZARSKI_GMINAS = 10
PATH = "/api/v1/regions/08/report"


@pytest.fixture
def trzebiel_plan(db: None) -> None:
    """Trzebiel's plan 2024-2030 for seniors and disability, adopted 2025-06-01 (in force from
    then on), with one standard indicator: 12 at the baseline, 30 targeted, 21 reached in 2025."""
    with in_gmina(TRZEBIEL):
        AdoptedPlanFactory(
            teryt=TRZEBIEL,
            period_start=2024,
            period_end=2030,
            areas=[InterventionArea.SENIORS, InterventionArea.DISABILITY],
            indicators=[
                IndicatorSpecFactory(
                    area=InterventionArea.SENIORS, standard_code="CARE.HOME.PERSONS", values={2025: Decimal("21")}
                ),
                IndicatorSpecFactory(area=InterventionArea.DISABILITY),
            ],
        )
    refresh(TRZEBIEL)


@pytest.fixture
def other_reviewer(db: None) -> Api:
    """A marshal's office reviewer of małopolskie (12)."""
    grant = RoleGrantFactory(role=Role.REGIONAL_REVIEWER, scope="12")
    return Api(api_token_issue(user=grant.user))


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _text(html: str) -> tuple[str, list[str]]:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts)), parser.tags


def test_the_html_report_gives_the_days_figures_in_polish(trzebiel_plan: None, lubuskie_reviewer: Api) -> None:
    response = lubuskie_reviewer.get(PATH)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    text, tags = _text(response.content.decode())
    today = timezone.localdate()
    assert f"Województwo lubuskie (08), stan na dzień {today.isoformat()}" in text
    for heading in (
        "1. Gminy z planem obowiązującym",
        "2. Obszary interwencji",
        "3. Powiaty",
        "4. Białe plamy",
        "5. Wskaźniki standardowe",
        "6. Jakość danych",
    ):
        assert heading in text
    assert f"Gminy w województwie {LUBUSKIE_GMINAS}" in text
    assert "Gminy z planem obowiązującym 1 (1,2%)" in text  # 1 of 82
    assert "Udział ludności objętej planem brak danych o ludności" in text  # the registry has no populations
    # Over time: the plan was in force on some day of 2025 to 2030, one gmina of 82 each year.
    assert text.count("1,2%") >= 1 + 6
    # Areas: seniors and disability 1 of 82, the others none.
    assert "osoby starsze 1 (1,2%)" in text
    assert "osoby w kryzysie bezdomności 0 (0,0%)" in text
    # Powiats: żarski 1 of 10, every other none.
    assert f"żarski 1 z {ZARSKI_GMINAS}" in text
    assert re.search(r"żarski 10 1 10,0% 1 1 0 0 0", text)
    # Standard indicators: 12 -> 30, 21 reached: half the way.
    assert re.search(r"CARE\.HOME\.PERSONS Liczba osób objętych usługami opiekuńczymi .* 1 12 30 21 50,0%", text)
    # Data quality: the gmina in force reported no year yet; nothing awaits review.
    assert f"Sprawozdania roczne za {today.year - 1} 0 z 1" in text
    assert "brak: Trzebiel" in text
    # Nothing filed, and every report so far was due before the plan was entered (today): no rate.
    on_time = (r"Terminowość sprawozdań rocznych — w terminie 0 z 0, po terminie 0; brak (\d+); \1 z terminem "
               r"sprzed wprowadzenia planu do Mozaiki \(poza oceną\)")  # fmt: skip
    assert re.search(on_time, text)
    assert "Plany w kolejce do oceny 0" in text
    assert "Wygenerowano" in text
    assert "Dane według stanu z" in text
    # Charts as inline SVG; no script, no inline style (the policy refuses both).
    assert tags.count("svg") >= 4
    assert "script" not in tags
    assert "style" not in tags
    assert " style=" not in response.content.decode()
    assert "/static/aggregation/report.css" in response.content.decode()
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_the_reports_stylesheet_is_served_by_the_site(db: None) -> None:
    response = Client().get("/static/aggregation/report.css")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert b"@page { size: A4" in b"".join(response.streaming_content)  # type: ignore[attr-defined]


def test_on_an_earlier_day_the_plan_is_not_yet_in_force(trzebiel_plan: None, lubuskie_reviewer: Api) -> None:
    text, _ = _text(lubuskie_reviewer.get(f"{PATH}?on=2024-06-01").content.decode())

    assert "stan na dzień 2024-06-01" in text
    assert "Gminy z planem obowiązującym 0 (0,0%)" in text
    assert "osoby starsze 0 (0,0%)" in text
    assert "Sprawozdania roczne za 2023 0 z 0" in text


def test_the_report_as_of_a_day_agrees_with_the_stored_rollup_today(trzebiel_plan: None) -> None:
    stored = region_report(voivodeship="08")
    computed = region_report(voivodeship="08", on=date(2025, 12, 31))

    assert (stored.with_plan, stored.share) == (computed.with_plan, computed.share) == (1, 0.0122)
    assert stored.areas == computed.areas
    assert stored.powiats == computed.powiats
    assert stored.indicators == computed.indicators


def test_the_data_quality_section_counts_reports_for_the_previous_year(trzebiel_plan: None) -> None:
    report = region_report(voivodeship="08", on=date(2026, 3, 1))
    rows = [
        replace(row, facts={**row.facts, "latest_report_year": 2025}) if row.facts is not None else row
        for row in gmina_rows(voivodeship="08")
    ]
    queue = [{"flags": ["blocking_findings", "indicators_without_standard"]}, {"flags": ["blocking_findings"]}]

    figures = data_quality_basic(QualityInput("08", date(2026, 3, 1), rows, queue))

    assert report.quality[0].value == "0 z 1"
    assert [(f.label, f.value) for f in figures] == [
        ("Sprawozdania roczne za 2025", "1 z 1"),
        ("Plany w kolejce do oceny", "2"),
        ("w tym: braki blokujące", "2"),
        ("w tym: wskaźniki bez standardu", "1"),
    ]


def _pdf_pages(content: bytes) -> list[dict[str, Any]]:
    document = pypdfium2.PdfDocument(content)
    pages = []
    for index in range(len(document)):
        page = document[index]
        image = page.render(scale=1).to_pil().convert("L")
        dark = sum(image.histogram()[:200])  # pixels darker than light grey
        text = page.get_textpage().get_text_range()
        pages.append(
            {"size": page.get_size(), "dark": dark / (image.width * image.height), "text": text, "image": image}
        )
    document.close()
    return pages


def test_the_pdf_report_is_a4_with_the_sections_charts_and_polish_text(
    trzebiel_plan: None, lubuskie_reviewer: Api
) -> None:
    response = lubuskie_reviewer.get(f"{PATH}?format=pdf&on=2026-03-01")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="raport-08-2026-03-01.pdf"'
    pages = _pdf_pages(response.content)
    assert len(pages) > 1
    for page in pages:
        width, height = page["size"]
        assert abs(width - 595) <= 1
        assert abs(height - 842) <= 1
        assert page["dark"] > 0.005, "a blank page"
    text = re.sub(r"\s+", " ", " ".join(p["text"] for p in pages))
    assert "Województwo lubuskie (08), stan na dzień 2026-03-01" in text
    for heading in (
        "Gminy z planem obowiązującym",
        "Obszary interwencji",
        "Powiaty",
        "Białe plamy",
        "Wskaźniki standardowe",
        "Jakość danych",
        "brak danych o ludności",
        "żarski",
        "Sprawozdania roczne za 2025",
    ):
        assert heading in text
    # The bars are drawn: the first page holds the time series (2025..2030 columns in the plot's
    # blue) and the areas' bars.
    first = pages[0]["image"]
    blue = sum(first.histogram()[60:131])  # the bars' blue in grey levels; text is darker
    assert blue > 500


@pytest.mark.parametrize(
    ("who", "status"),
    [
        pytest.param("trzebiel_admin", 403, id="a gmina's admin"),
        pytest.param("other_reviewer", 403, id="a reviewer of another voivodeship"),
        pytest.param("anonymous", 401, id="nobody"),
        pytest.param("operator", 200, id="an operator"),
        pytest.param("funding_system", 200, id="an API client of lubuskie with rollups:read"),
    ],
)
def test_who_may_read_the_report(request: pytest.FixtureRequest, db: None, who: str, status: int) -> None:
    caller: Api = request.getfixturevalue(who)

    response = caller.get(PATH)

    assert response.status_code == status
    if status != 200:
        assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("path", "query", "status", "field"),
    [
        pytest.param("/api/v1/regions/99/report", {}, 404, None, id="unknown voivodeship"),
        pytest.param(PATH, {"on": "2026-13-01"}, 422, "on", id="no such day"),
        pytest.param(PATH, {"on": "1.3.2026"}, 422, "on", id="not ISO"),
        pytest.param(PATH, {"format": "docx"}, 422, "format", id="unknown format"),
        pytest.param(PATH, {"format": "csv"}, 422, "format", id="a list's format"),
    ],
)
def test_bad_input_is_a_problem(
    lubuskie_reviewer: Api, operator: Api, path: str, query: dict[str, str], status: int, field: str | None
) -> None:
    response = operator.get(f"{path}?{urlencode(query)}")

    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    if field is not None:
        assert field in [e["path"] for e in response.json()["errors"]]


def test_the_pdf_has_no_blank_page_for_a_voivodeship_without_plans(operator: Api) -> None:
    pages = _pdf_pages(operator.get("/api/v1/regions/02/report?format=pdf").content)

    assert all(page["dark"] > 0.005 for page in pages)
    assert "Województwo dolnośląskie" in " ".join(p["text"] for p in pages)


def test_pdf_bytes_are_a_pdf(trzebiel_plan: None) -> None:
    from aggregation.views.report_pdf import report_pdf

    content = report_pdf(region_report(voivodeship="08"))

    assert content.startswith(b"%PDF-")
    assert io.BytesIO(content).getbuffer().nbytes < 2_000_000  # the font is subset, not embedded whole


@pytest.mark.parametrize(
    ("highest", "axis"),
    [
        pytest.param(0.0, 0.1, id="nothing yet: a tenth"),
        pytest.param(0.012, 0.1, id="a few gminas: a tenth"),
        pytest.param(0.1, 0.1, id="exactly a tenth"),
        pytest.param(0.31, 0.4, id="rounded up"),
        pytest.param(1.0, 1.0, id="everyone"),
    ],
)
def test_the_time_series_axis_fits_the_highest_share(highest: float, axis: float) -> None:
    chart = Chart("t", [Bar("2025", highest / 2, ""), Bar("2026", highest, "")], columns=True)

    assert chart.axis_max == axis


def test_chart_labels_are_escaped_in_the_svg() -> None:
    svg = chart_svg(Chart("<b>", [Bar("<script>x</script>", 0.5, "1 & 2")]))

    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "1 &amp; 2" in svg
