"""Demo data: the 16 voivodeships, four gminas from the seed documents, Trzebiel's plan
2024-2029 with its monitoring indicators as the document lists them (numbering gaps and
wording kept), and one account per demo role. Loading twice changes nothing."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from mozaika.audit.log import Actor
from mozaika.identity.models import ApiClient, Role, RoleGrant, Scope
from mozaika.identity.tokens import api_client_create
from mozaika.tenancy import in_gmina
from tenants.demo.seeds import seed_plans_load
from tenants.demo.trzebiel import TRZEBIEL_PROGRAMME
from tenants.models import Tenant
from tenants.plans.models import InterventionArea, Plan
from tenants.plans.programme.services import IndicatorSpec, plan_create, plan_programme_replace
from tenants.registry.terc import registry_import
from tenants.tenancy.provisioning import tenant_provision

DEMO_ACTOR = Actor.system("demo-loader")
OPERATOR_USERNAME = "demo-operator"
TRZEBIEL_ADMIN_USERNAME = "demo-trzebiel-admin"

# Trzebiel, Zielona Góra, Kraków, Koszalin: the seed documents' gminas.
DEMO_TENANTS = ["0811082", "0862011", "1261011", "3261011"]

TRZEBIEL_PLAN_TITLE = (
    "Lokalny Plan Rozwoju Usług Społecznych i Deinstytucjonalizacji dla Gminy Trzebiel na lata 2024-2029"
)

# seeds/000: "Wskaźniki monitoringu", per group, as numbered there.
TRZEBIEL_INDICATORS: list[tuple[InterventionArea, str, str, str]] = [
    (
        InterventionArea.SENIORS,
        "1",
        "Liczba osób objętych wsparciem usług opiekuńczych i specjalistycznych usług opiekuńczych świadczonych w miejscu zamieszkania",
        "osoby",
    ),
    (InterventionArea.SENIORS, "2", "Liczba osób objętych usługami z zakresu profilaktyki zdrowia", "osoby"),
    (
        InterventionArea.SENIORS,
        "3",
        "Liczba utworzonych mieszkań wspomaganych dla seniorów oraz osób z niepełnosprawnościami",
        "mieszkania",
    ),
    (
        InterventionArea.SENIORS,
        "4",
        "Liczba utworzonych domów dziennego pobytu dla osób starszych i osób z niepełnosprawnościami",
        "placówki",
    ),
    (InterventionArea.SENIORS, "5", "Liczba klubów seniora", "placówki"),
    (InterventionArea.SENIORS, "6", "Liczba asystentów osób starszych", "osoby"),
    (InterventionArea.SENIORS, "7", "Liczba osób nowych opiekunów środowiskowych", "osoby"),
    (
        InterventionArea.MENTAL_HEALTH,
        "1",
        "Liczba osób dorosłych w kryzysie psychicznymi objętych usługami społecznymi",
        "osoby",
    ),
    (
        InterventionArea.MENTAL_HEALTH,
        "2",
        "Liczba osób dorosłych w kryzysie psychicznym objętych usługami z zakresu zdrowia psychicznego",
        "osoby",
    ),
    (
        InterventionArea.MENTAL_HEALTH,
        "3",
        "Liczba dzieci i młodzieży w zakresie kryzysie psychicznym objętych usługami z zakresu zdrowia psychicznego",
        "osoby",
    ),
    (
        InterventionArea.MENTAL_HEALTH,
        "4",
        "Liczba rodziców i opiekunów objętych usługami profilaktycznymi w zakresie kryzysu psychicznego",
        "osoby",
    ),
    (InterventionArea.DISABILITY, "1", "Liczba osób objętych usługami opiekuńczymi w miejscu zamieszkania", "osoby"),
    (
        InterventionArea.DISABILITY,
        "2",
        "Liczba osób objętych usługami specjalistycznymi, w tym zdrowotnymi, mobilnymi i stacjonarnymi",
        "osoby",
    ),
    (
        InterventionArea.DISABILITY,
        "3",
        "Liczba kandydatów i personelu przeszkolonych w zakresie usług w środowisku",
        "osoby",
    ),
    (
        InterventionArea.DISABILITY,
        "4",
        "Liczba osób objętych wsparciem asystentów osobistych osoby z niepełnosprawnością",
        "osoby",
    ),
    (
        InterventionArea.DISABILITY,
        "5",
        "Liczba opiekunów faktycznych objętych wsparciem usługami wytchnieniowymi",
        "osoby",
    ),
    (
        InterventionArea.FAMILY,
        "1",
        "Liczba dzieci ze specjalnymi potrzebami objętych usługami specjalistycznymi",
        "osoby",
    ),
    (
        InterventionArea.FAMILY,
        "2",
        "Liczba dzieci i młodzieży objętej usługami z zakresu profilaktyki uzależnień i zdrowego stylu życia",
        "osoby",
    ),
    (InterventionArea.FAMILY, "4", "Liczba grup wsparcia dla osób i rodzin dotkniętych przemocą", "grupy"),
    (
        InterventionArea.FAMILY,
        "5",
        "Liczba osób dotkniętych przemocą domową objętych poradnictwem specjalistycznym",
        "osoby",
    ),
    (InterventionArea.FAMILY, "6", "Liczba asystentów rodziny", "osoby"),
    (InterventionArea.FAMILY, "7", "Liczba placówek wsparcia dziennego", "placówki"),
    (InterventionArea.FAMILY, "8", "Liczba miejsc spotkań w sołectwach", "miejsca"),
    (InterventionArea.FAMILY, "9", "Liczba miejsc w żłobku", "miejsca"),
    (
        InterventionArea.FAMILY,
        "10",
        "Liczba grup społecznych objętych wsparciem metodą organizowania społeczności lokalnej",
        "grupy",
    ),
    (InterventionArea.FAMILY, "11", "Liczba utworzonych Inkubatorów NGO", "podmioty"),
    (InterventionArea.FAMILY, "12", "Liczba podmiotów ekonomii społecznej", "podmioty"),
    (InterventionArea.FAMILY, "13", "Liczba dorosłych wolontariuszy", "osoby"),
    (InterventionArea.FAMILY, "14", "Liczba Centrów Usług Społecznych", "podmioty"),
]


def demo_load() -> dict[str, int]:
    registry = registry_import()
    tenants = {code: tenant_provision(code=code, actor=DEMO_ACTOR)[0] for code in DEMO_TENANTS}
    users = _demo_users()
    plans = _trzebiel_plan(tenants["0811082"]) + seed_plans_load(tenants, DEMO_ACTOR)
    return {
        "registry_units_created": sum(registry.created.values()),
        "tenants": len(tenants),
        "users": users,
        "plans_created": plans,
    }


# One person per role, and one API client; they sign in with tokens / secrets only.
DEMO_PEOPLE: list[tuple[str, Role, str]] = [
    (OPERATOR_USERNAME, Role.OPERATOR, ""),
    (TRZEBIEL_ADMIN_USERNAME, Role.GMINA_ADMIN, "0811082"),
    ("demo-trzebiel-editor", Role.GMINA_EDITOR, "0811082"),
    ("demo-trzebiel-viewer", Role.GMINA_VIEWER, "0811082"),
    ("demo-lubuskie-reviewer", Role.REGIONAL_REVIEWER, "08"),
    ("demo-national-analyst", Role.NATIONAL_ANALYST, ""),
]
DEMO_CLIENT = "demo-funding-system"


def _demo_users() -> int:
    User = get_user_model()
    with transaction.atomic():
        for username, role, scope in DEMO_PEOPLE:
            # Addresses in a domain reserved for examples: under `make run` mail goes to .mozaika/mail.
            user, _ = User.objects.get_or_create(
                username=username, defaults={"is_staff": role is Role.OPERATOR, "email": f"{username}@example.org"}
            )
            if user.has_usable_password():
                user.set_unusable_password()
                user.save(update_fields=["password"])
            RoleGrant.objects.get_or_create(user=user, role=role, scope=scope, defaults={"granted_by": DEMO_ACTOR.name})
        if not ApiClient.objects.filter(name=DEMO_CLIENT).exists():
            api_client_create(
                name=DEMO_CLIENT,
                scopes=[Scope.ELIGIBILITY_READ, Scope.ROLLUPS_READ, Scope.EVENTS_READ],
                voivodeships=["08"],
                actor=DEMO_ACTOR,
            )
    return len(DEMO_PEOPLE)


def _trzebiel_plan(trzebiel: Tenant) -> int:
    with in_gmina(trzebiel.code):
        if Plan.objects.filter(title=TRZEBIEL_PLAN_TITLE).exists():
            return 0
        plan = plan_create(
            teryt=trzebiel.code,
            title=TRZEBIEL_PLAN_TITLE,
            period_start=2024,
            period_end=2029,
            areas=[
                InterventionArea.SENIORS,
                InterventionArea.DISABILITY,
                InterventionArea.MENTAL_HEALTH,
                InterventionArea.FAMILY,
            ],
            indicators=[
                IndicatorSpec(area=area, number=number, name=name, unit=unit)
                for area, number, name, unit in TRZEBIEL_INDICATORS
            ],
            actor=DEMO_ACTOR,
        )
        plan_programme_replace(
            teryt=trzebiel.code,
            plan_id=plan.pk,
            programme=TRZEBIEL_PROGRAMME,
            expected_version=plan.version,
            actor=DEMO_ACTOR,
        )
    return 1
