"""Kraków, Zielona Góra and Koszalin, transcribed from `seeds/003`, `seeds/002` and `seeds/004`.
Only what the documents say: where a document gives a total but no parts (Kraków's eight
FEMP.06.33 projects), the parts carry no amount and the total is a funding line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from mozaika.audit.log import Actor
from mozaika.tenancy import in_gmina
from tenants.models import Tenant
from tenants.plans.lifecycle.acts import ActSpec, plan_register_adopted
from tenants.plans.models import AdoptingActKind, InterventionArea, Plan, PlanKind
from tenants.plans.programme.services import IndicatorSpec, plan_create, plan_programme_replace
from tenants.plans.programme.values import Programme
from tenants.plans.reporting import FigureSpec, diagnosis_replace

# --- Kraków (seeds/003): plan 2025-2027, MOPS ---------------------------------------------------
KRAKOW_TITLE = "Lokalny Plan Rozwoju Usług Społecznych i Deinstytucjonalizacji dla Gminy Miejskiej Kraków 2025-2027"
KRAKOW_TOTAL_FEMP_06_33 = Decimal("83885600.00")
_KRAKOW_AREAS: list[tuple[InterventionArea, str, list[str]]] = [
    (
        InterventionArea.FAMILY,
        "Rozwój wsparcia rodziny i systemu pieczy zastępczej poprzez wzmocnienie realizowanych dotychczas działań oraz poszerzenie ich zakresu",
        [
            "Placówki wsparcia dziennego",
            "Poradnictwo specjalistyczne, poradnictwo i terapia rodzin",
            "Usługi asystenckie",
            "Rozwój rodzinnej pieczy zastępczej",
        ],
    ),
    (
        InterventionArea.SENIORS,
        "Rozwój systemu wsparcia osób starszych i niesamodzielnych poprzez wzmocnienie realizowanych dotychczas działań oraz poszerzenie ich zakresu",
        [
            "Dzielne ośrodki wsparcia dla osób starszych i z niepełnosprawnościami",
            "Centra Aktywności Seniora",
            "Mieszkania wspomagane i treningowe",
            "Usługi opiekuńcze",
            "Pomoc sąsiedzka",
            "Centra wsparcia opiekunów nieformalnych i opieki nad osobami niesamodzielnymi – usługi odciążeniowe, wytchnieniowe",
        ],
    ),
    (
        InterventionArea.MENTAL_HEALTH,
        "Rozwój systemu wsparcia osób z zaburzeniami psychicznymi poprzez wzmocnienie realizowanych dotychczas działań oraz poszerzenie ich zakresu",
        [],
    ),
    (
        InterventionArea.DISABILITY,
        "Rozwój systemu wsparcia osób z niepełnosprawnościami poprzez wzmocnienie realizowanych dotychczas działań oraz poszerzenie ich zakresu",
        [],
    ),
    (
        InterventionArea.HOMELESSNESS,
        "Rozwój systemu wsparcia osób zagrożonych bezdomnością oraz w kryzysie bezdomności poprzez wzmocnienie realizowanych dotychczas działań oraz poszerzenie ich zakresu",
        [],
    ),
]
KRAKOW_PROJECTS = [
    "Centrum Pomocy dla Dzieci",
    "Centrum dla Rodzin",
    "Podniesienie dostępności usług kierowanych do dzieci i młodzieży – specjalistyczne placówki wsparcia dziennego",
    "Centrum Wsparcia Pieczy Zastępczej",
    "Rozwój usług dla usamodzielniających się wychowanków pieczy zastępczej",
    "Rozwój usług wsparcia dla osób niesamodzielnych ze względu na stan zdrowia lub wiek",
    "Centrum wsparcia opiekunów nieformalnych i opieki nad osobami niesamodzielnymi w Miejskim Centrum Opieki w Krakowie",
    "Placówka zapewniająca dzienną opiekę osobom niesamodzielnym",
]


def _krakow_programme() -> Programme:
    areas: list[dict[str, Any]] = []
    for position, (code, goal, key_actions) in enumerate(_KRAKOW_AREAS, start=1):
        specific = (
            [
                {
                    "number": "",
                    "text": "Kluczowe obszary działań",
                    "actions": [
                        {"text": text, "institutions": ["ops"], "institutions_other": "Miejskie Centrum Opieki"}
                        for text in key_actions
                    ],
                }
            ]
            if key_actions
            else []
        )
        areas.append({"code": code, "goals": [{"number": str(position), "text": goal, "specific_goals": specific}]})
    return Programme.model_validate(
        {
            "areas": areas,
            "funding": [
                {
                    "source": "regional_eu",
                    "description": "8 projektów w ramach działania FEMP.06.33 „Wsparcie usług społecznych w regionie - ZIT” (łączna, szacunkowa kwota)",
                    "amount": str(KRAKOW_TOTAL_FEMP_06_33),
                }
            ],
            "eu_projects": [
                {"call_code": "FEMP.06.33", "title": title, "status": "planned"} for title in KRAKOW_PROJECTS
            ],
        }
    )


# --- Zielona Góra (seeds/002): the DI grant, POWER 2.8 -----------------------------------------
ZIELONA_GORA_TITLE = "Lokalny plan deinstytucjonalizacji usług społecznych dla Zielonej Góry"
ZIELONA_GORA_GRANT = Decimal("2341850.00")
ZIELONA_GORA_INDICATORS: list[tuple[InterventionArea, str, str, Decimal]] = [
    (
        InterventionArea.SENIORS,
        "Liczba osób przebywających w opiece instytucjonalnej objętych planem deinstytucjonalizacji",
        "osoby",
        Decimal(100),
    ),
    (
        InterventionArea.SENIORS,
        "Liczba pracowników instytucji wspartych w zakresie przygotowania i wdrażania procesu deinstytucjonalizacji usług",
        "osoby",
        Decimal(60),
    ),
    (
        InterventionArea.SENIORS,
        "Liczba osób, które przejdą z opieki instytucjonalnej do usług świadczonych w społeczności lokalnej",
        "osoby",
        Decimal(30),
    ),
    (
        InterventionArea.SENIORS,
        "Liczba pracowników opieki instytucjonalnej którzy rozpoczną świadczenie usług w społeczności lokalnej",
        "osoby",
        Decimal(21),
    ),
    (InterventionArea.DISABILITY, "Liczba mieszkań chronionych (dla 12 osób)", "mieszkania", Decimal(2)),
]


def _zielona_gora_programme() -> Programme:
    return Programme.model_validate(
        {
            "areas": [{"code": "seniors"}, {"code": "disability"}, {"code": "mental_health"}],
            "services": [
                {
                    "type": "sheltered_flat",
                    "name": "Mieszkania chronione (2 mieszkania)",
                    "area": "disability",
                    "capacity": "12",
                    "unit": "osoby",
                },
            ],
            "funding": [
                {
                    "source": "eu_2014_2020",
                    "description": "POWER 2014-2020, Działanie 2.8 Rozwój usług społecznych (grant)",
                    "year": 2022,
                    "amount": str(ZIELONA_GORA_GRANT),
                }
            ],
            "eu_projects": [
                {
                    "call_code": "POWR.02.08",
                    "value": str(ZIELONA_GORA_GRANT),
                    "status": "completed",
                    "title": "Opracowanie i pilotażowe wdrożenie mechanizmów i planów deinstytucjonalizacji usług społecznych",
                },
            ],
        }
    )


# --- Koszalin (seeds/004): the programme of social services after the CUS pilot ------------------
KOSZALIN_TITLE = "Program Usług Społecznych na lata 2023-2026 (Centrum Usług Społecznych w Koszalinie)"
KOSZALIN_RESOLUTION = ("LXIII/916/2023", date(2023, 5, 25))
KOSZALIN_BUDGET_Q4_2023 = Decimal("76000.00")
# "Szacuje się, że grupa osób objętych ulgami stanowić będzie ok. 30% uprawnionych" (seeds/004)
KOSZALIN_EXEMPT_SHARE = FigureSpec(
    name="Szacowany udział osób zwolnionych z odpłatności wśród uprawnionych do usług społecznych",
    value=Decimal(30),
    unit="%",
    year=2023,
    source="Plan działań CUS w Koszalinie po pilotażu (seeds/004)",
)
KOSZALIN_EXEMPTIONS = [
    "korzystają ze świadczeń w formie usług opiekuńczych w Centrum Usług Społecznych w Koszalinie",
    "korzystają ze wsparcia asystenta rodziny w Centrum Usług Społecznych w Koszalinie",
    "ukończyły 90 rok życia",
    "posiadają status: kombatanta lub osoby posiadającej uprawnienia równorzędne z działalnością kombatancką; członka "
    "Korpusu Weteranów Walk o Niepodległość RP; ofiary represji wojennych i okresu powojennego; osoby osadzonej w "
    "obozach pracy lub deportowanej do pracy przymusowej; działacza opozycji antykomunistycznej; osoby represjonowanej "
    "z powodów politycznych",
    "przebywają w pieczy zastępczej oraz usamodzielnianym wychowankom pieczy zastępczej",
]
KOSZALIN_SERVICES: list[tuple[str, str]] = [
    ("equipment_lending", "wypożyczalnia sprzętu rehabilitacyjnego"),
    ("other", "pielęgnacja paznokci"),
    ("other", "usługa fryzjerska w miejscu zamieszkania"),
    ("other", "usługa pralnicza"),
    ("other", "mycie okien"),
    ("other", "porządkowanie nagrobków"),
    ("care_at_home", "opiekun szyty na miarę"),
    ("door_to_door", "POMOCna Taksówka"),
    ("handyman", "Złota Rączka"),
    ("counselling", "mediacje"),
    ("other", "indywidualna terapia logopedyczna dla dzieci i młodzieży"),
    ("other", "terapia dietetyczna dla dzieci i młodzieży"),
    ("other", "trening umiejętności społecznych dla dzieci i młodzieży"),
    ("other", "biofeedback dla dzieci i młodzieży"),
    ("other", "warsztaty „Szkoła dla rodziców”"),
    ("other", "warsztaty podnoszące kompetencje rodzicielskie i wychowawcze"),
]


def _koszalin_programme() -> Programme:
    return Programme.model_validate(
        {
            "areas": [{"code": "family"}, {"code": "seniors"}, {"code": "disability"}, {"code": "homelessness"}],
            "services": [
                {"type": kind, "name": name, "copayment_percent": "20", "exemption_groups": KOSZALIN_EXEMPTIONS}
                for kind, name in KOSZALIN_SERVICES
            ],
            "funding": [
                {
                    "source": "gmina_budget",
                    "year": 2023,
                    "amount": str(KOSZALIN_BUDGET_Q4_2023),
                    "description": "plan finansowy na realizację usług społecznych w okresie 01.10.2023 - 31.12.2023",
                },
                {"source": "user_payments", "description": "odpłatność 20% wartości usługi od 1 października 2023 r."},
            ],
        }
    )


def seed_plans_load(tenants: dict[str, Tenant], actor: Actor) -> int:
    """Create the three plans once (by title); returns how many were created."""
    created = 0
    # (TERYT, title, kind, first day, last day, programme, indicators)
    specs = [
        ("1261011", KRAKOW_TITLE, PlanKind.LPRUSID, date(2025, 1, 1), date(2027, 12, 31), _krakow_programme, []),
        (
            "0862011",
            ZIELONA_GORA_TITLE,
            PlanKind.LPRUSID,
            # "sierpień 2022 - 31 sierpnia 2023" (seeds/002)
            date(2022, 8, 1),
            date(2023, 8, 31),
            _zielona_gora_programme,
            [
                IndicatorSpec(area=area, number=str(n), name=name, unit=unit, target_value=target, target_year=2023)
                for n, (area, name, unit, target) in enumerate(ZIELONA_GORA_INDICATORS, start=1)
            ],
        ),
        # "Program Usług Społecznych na okres 01.10.2023-30.09.2026" (seeds/004, footnote 1)
        ("3261011", KOSZALIN_TITLE, PlanKind.CUS_PROGRAMME, date(2023, 10, 1), date(2026, 9, 30),
         _koszalin_programme, []),
    ]  # fmt: skip
    for code, title, kind, first_day, last_day, programme, indicators in specs:
        with in_gmina(code):
            if Plan.objects.filter(title=title).exists():
                continue
            value = programme()
            plan = plan_create(
                teryt=code,
                title=title,
                kind=kind,
                period_start=first_day.year,
                period_end=last_day.year,
                valid_from=first_day,
                valid_until=last_day,
                areas=[a.code for a in value.areas if a.code is not None],
                indicators=indicators,
                actor=actor,
            )
            plan = plan_programme_replace(
                teryt=code, plan_id=plan.pk, programme=value, expected_version=plan.version, actor=actor
            )
            if code == "3261011":
                plan = diagnosis_replace(
                    teryt=code,
                    plan_id=plan.pk,
                    sections=[],
                    figures=[KOSZALIN_EXEMPT_SHARE],
                    expected_version=plan.version,
                    actor=actor,
                )
                number, adopted_on = KOSZALIN_RESOLUTION
                plan_register_adopted(
                    teryt=code,
                    plan_id=plan.pk,
                    act_kind=AdoptingActKind.COUNCIL_RESOLUTION,
                    spec=ActSpec(number=number, date=adopted_on),
                    actor=actor,
                )
            created += 1
    return created
