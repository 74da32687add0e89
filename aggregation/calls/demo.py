"""Demo funding calls mirroring the access/bonus pattern of real ESF+ calls for social services
(FEPZ 6.19 in zachodniopomorskie, FEMP.06.33 in małopolskie, named in Kraków's plan). Dates and
point values are illustrative; each call's own rules document (regulamin) fixes the real ones."""

from __future__ import annotations

from datetime import date
from typing import Any

from aggregation.calls.criteria import ApplicantKind
from aggregation.calls.services import CallDefinition, call_define
from aggregation.models import Call
from mozaika.audit.log import Actor

_APPLICANTS = (ApplicantKind.GMINA, ApplicantKind.CITY_WITH_POWIAT_RIGHTS)


def _access(code: str, name: str, rule: str, **params: Any) -> dict[str, Any]:
    return {"code": code, "name": name, "type": "access", "points": 0, "rule": rule, "params": params}


def _bonus(code: str, name: str, points: int, rule: str, **params: Any) -> dict[str, Any]:
    return {"code": code, "name": name, "type": "bonus", "points": points, "rule": rule, "params": params}


_PLAN_ADOPTED = (
    "Wnioskodawca posiada przyjęty uchwałą rady lokalny plan rozwoju usług społecznych i deinstytucjonalizacji"
)

DEMO_CALLS = [
    CallDefinition(
        code="FEPZ.06.19",
        title="Usługi społeczne i zdrowotne, w tym deinstytucjonalizacja (nabór demonstracyjny)",
        programme="Fundusze Europejskie dla Pomorza Zachodniego 2021-2027",
        voivodeship="32",
        opens_on=date(2026, 10, 1),
        deadline=date(2027, 1, 29),
        applicant_kinds=_APPLICANTS,
        areas=("seniors", "disability", "mental_health"),
        criteria=[
            _access("D1", f"{_PLAN_ADOPTED} najpóźniej w dniu zakończenia naboru", "plan_adopted", by="deadline"),
            _access("D2", "Plan obowiązuje w dniu złożenia wniosku", "plan_in_force", on="application_date"),
            _access("D3", "Plan obejmuje grupę docelową projektu", "plan_covers_area", area="project"),
            _bonus("P1", "Projekt realizuje działania wskazane w planie", 3, "project_within_plan"),
            _bonus(
                "P2",
                "Plan zawiera co najmniej 2 mierzalne wskaźniki dla obszaru projektu",
                2,
                "area_indicators",
                area="project",
                min_count=2,
            ),
            _bonus(
                "P3",
                "Plan przewiduje usługi opiekuńcze w miejscu zamieszkania",
                2,
                "service_planned",
                service_type="care_at_home",
            ),
            _bonus("P4", "Uchwała przyjmująca plan jest dostępna w archiwum dokumentów", 1, "resolution_archived"),
            # A CUS programme is not the local plan the access criteria ask for; it earns a point.
            _bonus(
                "P5",
                "Gmina realizuje program usług społecznych (CUS) obowiązujący w dniu złożenia wniosku",
                1,
                "plan_in_force",
                on="application_date",
                plan_kinds=["cus_programme"],
            ),
        ],
    ),
    CallDefinition(
        code="FEMP.06.33",
        title="Wsparcie usług społecznych w regionie - ZIT (nabór demonstracyjny)",
        programme="Fundusze Europejskie dla Małopolski 2021-2027",
        voivodeship="12",
        opens_on=date(2026, 9, 1),
        deadline=date(2026, 12, 31),
        applicant_kinds=_APPLICANTS,
        areas=("family", "seniors", "disability", "mental_health"),
        criteria=[
            _access("K1", f"{_PLAN_ADOPTED} przed złożeniem wniosku", "plan_adopted", by="application_date"),
            _access(
                "K2",
                "Plan obowiązuje w okresie realizacji projektu (2027-2029)",
                "plan_in_force",
                **{"from": "2027-01-01", "until": "2029-12-31"},
            ),
            _access("K3", "Plan obejmuje grupę docelową projektu", "plan_covers_area"),
            _bonus("K4", "Projekt wynika z działań zaplanowanych w planie", 4, "project_within_plan"),
            _bonus("K5", "Gmina monitoruje wskaźniki planu za każdy zakończony rok", 2, "monitoring_values_complete"),
            _bonus(
                "K6",
                "Gmina złożyła sprawozdanie roczne z realizacji planu za poprzedni rok",
                2,
                "yearly_report_filed",
                year="previous",
            ),
        ],
    ),
]


def demo_calls_load(actor: Actor) -> int:
    """Define the demo calls not defined yet (idempotent); returns how many were defined."""
    created = 0
    for definition in DEMO_CALLS:
        if not Call.objects.filter(code=definition.code).exists():
            call_define(definition=definition, actor=actor)
            created += 1
    return created
