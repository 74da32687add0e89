"""What each sheet of the plan workbook holds: its columns, in order, with the header a clerk
reads, the code the importer reads (a hidden second row), how a cell is written and read, and
the list a coded column's drop-down offers (Polish labels, from the one label table)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import models

from tenants.plans.labels import LABELS_PL
from tenants.plans.models import IndicatorDirection, InterventionArea, PlanKind
from tenants.plans.programme.models import EuProjectStatus, FundingSource, Institution, ServiceType

PLAN_SHEET = "Plan"
ACTIONS_SHEET = "Cele i działania"
SERVICES_SHEET = "Usługi"
FUNDING_SHEET = "Finansowanie"
PROJECTS_SHEET = "Projekty UE"
INDICATORS_SHEET = "Wskaźniki"
SECTIONS_SHEET = "Diagnoza"
FIGURES_SHEET = "Diagnoza - dane"
REPORTS_SHEET = "Sprawozdania"
INSTRUCTIONS_SHEET = "Instrukcja"
LISTS_SHEET = "Listy"
LIST_SEPARATOR = "; "
HEADER_ROWS = 2  # the clerk's header, then the importer's codes (hidden)
MONEY_FORMAT = "#,##0.00"
NUMBER_FORMAT = "General"  # 12 or 12,5 as the clerk's Excel shows numbers
YEAR_FORMAT = "0"


class CellKind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    MONEY = "money"
    YEAR = "year"
    DATE = "date"
    CHOICE = "choice"  # one label of `choices`
    CHOICES = "choices"  # labels of `choices`, separated by "; "


@dataclass(frozen=True)
class Column:
    code: str
    header: str
    kind: CellKind = CellKind.TEXT
    width: int = 18
    choices: type[models.TextChoices] | None = None

    def labels(self) -> list[str]:
        assert self.choices is not None
        return list(LABELS_PL[self.choices.__name__].values())


ACTION_COLUMNS = [
    Column("area_code", "Obszar interwencji", CellKind.CHOICE, 34, InterventionArea),
    Column("area_name", "Obszar horyzontalny (zamiast obszaru interwencji)", width=30),
    Column("goal_number", "Nr celu ogólnego", width=10),
    Column("goal_text", "Cel ogólny", width=40),
    Column("specific_number", "Nr celu szczegółowego", width=12),
    Column("specific_text", "Cel szczegółowy", width=40),
    Column("action_number", "Nr działania", width=10),
    Column("action_text", "Działanie", width=50),
    Column("institutions", "Realizatorzy (oddzielone „; ”)", CellKind.CHOICES, 34, Institution),
    Column("institutions_other", "Inni realizatorzy", width=24),
    Column("timeframe", "Termin realizacji", width=14),
    Column("estimated_cost", "Szacunkowy koszt (zł)", CellKind.MONEY, 16),
    Column("funding_sources", "Źródła finansowania (oddzielone „; ”)", CellKind.CHOICES, 34, FundingSource),
]
SERVICE_COLUMNS = [
    Column("type", "Rodzaj usługi", CellKind.CHOICE, 34, ServiceType),
    Column("name", "Nazwa usługi", width=40),
    Column("area", "Obszar interwencji", CellKind.CHOICE, 34, InterventionArea),
    Column("capacity", "Liczba miejsc / osób", CellKind.NUMBER, 14),
    Column("unit", "Jednostka", width=14),
    Column("copayment_percent", "Odpłatność (%)", CellKind.NUMBER, 12),
    Column("exemption_groups", "Grupy zwolnione z odpłatności (oddzielone „; ”)", width=40),
]
FUNDING_COLUMNS = [
    Column("source", "Źródło finansowania", CellKind.CHOICE, 34, FundingSource),
    Column("description", "Opis", width=40),
    Column("year", "Rok", CellKind.YEAR, 8),
    Column("amount", "Kwota (zł)", CellKind.MONEY, 16),
]
PROJECT_COLUMNS = [
    Column("call_code", "Numer naboru (np. FEPZ.06.19)", width=22),
    Column("title", "Tytuł projektu", width=50),
    Column("value", "Wartość (zł)", CellKind.MONEY, 16),
    Column("status", "Stan", CellKind.CHOICE, 18, EuProjectStatus),
]
INDICATOR_COLUMNS = [
    Column("area", "Obszar interwencji", CellKind.CHOICE, 34, InterventionArea),
    Column("number", "Nr", width=6),
    Column("name", "Wskaźnik", width=44),
    Column("unit", "Jednostka", width=12),
    Column("direction", "Kierunek zmiany", CellKind.CHOICE, 14, IndicatorDirection),
    Column("standard_code", "Kod wskaźnika standardowego", width=16),
    Column("baseline_value", "Wartość bazowa", CellKind.NUMBER, 12),
    Column("baseline_year", "Rok bazowy", CellKind.YEAR, 10),
    Column("target_value", "Wartość docelowa", CellKind.NUMBER, 12),
    Column("target_year", "Rok docelowy", CellKind.YEAR, 10),
]
SECTION_COLUMNS = [
    Column("title", "Tytuł części diagnozy", width=40),
    Column("text", "Treść", width=100),
]
FIGURE_COLUMNS = [
    Column("name", "Dana", width=44),
    Column("value", "Wartość", CellKind.NUMBER, 14),
    Column("unit", "Jednostka", width=12),
    Column("year", "Rok", CellKind.YEAR, 8),
    Column("source", "Źródło", width=30),
]
# Filed reports, for reading: they are filed through the API and do not change by import.
REPORT_COLUMNS = [
    Column("kind", "Rodzaj", width=24),
    Column("year", "Rok", CellKind.YEAR, 8),
    Column("filed_at", "Złożone", width=20),
    Column("narrative", "Treść", width=100),
]
PLAN_FIELDS = [
    Column("title", "Tytuł planu", width=60),
    Column("period_start", "Pierwszy rok okresu", CellKind.YEAR),
    Column("period_end", "Ostatni rok okresu", CellKind.YEAR),
    Column("valid_from", "Pierwszy dzień obowiązywania (puste: 1 stycznia)", CellKind.DATE),
    Column("valid_until", "Ostatni dzień obowiązywania (puste: 31 grudnia)", CellKind.DATE),
    Column("kind", "Rodzaj dokumentu", CellKind.CHOICE, choices=PlanKind),
]
DATE_FORMAT = "yyyy-mm-dd"
SHEETS: dict[str, list[Column]] = {
    ACTIONS_SHEET: ACTION_COLUMNS,
    SERVICES_SHEET: SERVICE_COLUMNS,
    FUNDING_SHEET: FUNDING_COLUMNS,
    PROJECTS_SHEET: PROJECT_COLUMNS,
    INDICATORS_SHEET: INDICATOR_COLUMNS,
}
# Lists the drop-downs offer, one column each on the hidden lists sheet, with its title.
LISTED: list[tuple[type[models.TextChoices], str]] = [
    (InterventionArea, "Obszary interwencji"),
    (Institution, "Realizatorzy"),
    (FundingSource, "Źródła finansowania"),
    (ServiceType, "Rodzaje usług"),
    (EuProjectStatus, "Stan projektu"),
    (IndicatorDirection, "Kierunek zmiany"),
]

INSTRUCTIONS = [
    "Jak wypełnić ten arkusz",
    "",
    "1. Arkusz „Plan”: tytuł planu i lata okresu, na który jest przyjmowany.",
    "2. Arkusz „Cele i działania”: jeden wiersz na działanie. Numer celu wskazuje cel: tekst celu wpisz "
    "w pierwszym wierszu, w kolejnych wierszach tego celu wystarczy jego numer. Zmiana tekstu celu "
    "zmienia ten cel (po numerze), nie tworzy nowego.",
    "3. Kolumny z listą (obszar, realizatorzy, źródła, rodzaj usługi, stan, kierunek) wybierz z listy; "
    "kilka wartości oddziel średnikiem i spacją („; ”).",
    "4. Kwoty i liczby wpisuj jako liczby (np. 150 000,50); przecinek dziesiętny jest przyjmowany.",
    "5. Arkusz „Wskaźniki”: wartość bazowa i docelowa z latami; w kolumnach z latami wartości osiągnięte.",
    "6. Arkusze „Diagnoza” (części opisowe) i „Diagnoza - dane” (liczby z rokiem i źródłem) to część "
    "diagnostyczna; „Sprawozdania” pokazuje złożone sprawozdania i przy wczytaniu jest pomijany.",
    "7. Wiersz pod nagłówkami jest ukryty i potrzebny do wczytania pliku: nie zmieniaj go.",
    "8. Przy wczytaniu Mozaika sprawdza cały plik: wskazuje arkusz, wiersz i kolumnę każdego problemu "
    "i niczego nie zapisuje, dopóki wszystko nie jest poprawne. Próbne wczytanie (dry_run) tylko sprawdza.",
]
