"""Give every provisioned gmina a realistic plan about Trzebiel's size: 4-5 areas, ~30 actions,
~30 indicators (a third with standard codes) with 6 years of values, services, funding per year,
a resolution document and two yearly reports. Deterministic per TERYT.

    python -m mozaika shell -c "import bench.regional_seed as s; s.main()"   (DJANGO_SETTINGS_MODULE set)
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date
from decimal import Decimal

from django.db import connection

from mozaika.tenancy import in_gmina
from tenants.models import Tenant, TenantKind
from tenants.plans.models import (
    ImplementationReport,
    Indicator,
    IndicatorValue,
    InterventionArea,
    Plan,
    PlanDocument,
    PlanStatus,
)
from tenants.plans.programme.models import (
    FundingSource,
    GeneralGoal,
    PlanAction,
    PlanArea,
    PlanFunding,
    PlanService,
    ServiceType,
    SpecificGoal,
)

YEARS = range(2024, 2030)


def seed_gmina(teryt: str) -> None:
    rng = random.Random(teryt)
    areas = rng.sample(list(InterventionArea), rng.choice([4, 5]))
    plan = Plan.objects.create(
        title=f"Lokalny plan rozwoju usług społecznych {teryt}", period_start=2024, period_end=2029,
        status=PlanStatus.ADOPTED, areas=[a.value for a in areas], act_kind="council_resolution",
        act_number=f"XII/{rng.randint(1, 200)}/2024", act_date=date(2024, 6, 27), in_force_from=date(2024, 7, 1),
        valid_from=date(2024, 1, 1), valid_until=date(2029, 12, 31),
    )  # fmt: skip
    plan_areas = PlanArea.objects.bulk_create(
        PlanArea(plan=plan, position=i, code=a.value) for i, a in enumerate(areas)
    )
    goals = GeneralGoal.objects.bulk_create(
        GeneralGoal(area=area, position=g, number=str(g + 1), text=f"Cel ogólny {g + 1}")
        for area in plan_areas
        for g in range(2)
    )
    specific = SpecificGoal.objects.bulk_create(
        SpecificGoal(goal=goal, position=s, number=f"{goal.number}.{s + 1}", text="Cel szczegółowy")
        for goal in goals
        for s in range(2)
    )
    PlanAction.objects.bulk_create(
        PlanAction(
            specific_goal=sg,
            position=a,
            number=f"{a + 1})",
            text="Działanie",
            institutions=["ops"],
            estimated_cost=Decimal(rng.randint(1, 90) * 1000),
        )
        for i, sg in enumerate(specific)
        for a in range(2 if i % 3 else 1)
    )
    kinds = rng.sample([t for t in ServiceType if t is not ServiceType.OTHER], 6)
    PlanService.objects.bulk_create(
        PlanService(
            plan=plan, position=i, type=kind, name=kind.label, capacity=Decimal(rng.randint(1, 40)), unit="miejsc"
        )
        for i, kind in enumerate(kinds)
    )
    PlanFunding.objects.bulk_create(
        PlanFunding(
            plan=plan,
            position=i,
            source=FundingSource.GMINA_BUDGET,
            year=year,
            amount=Decimal(rng.randint(50, 500) * 1000),
        )
        for i, year in enumerate(YEARS)
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(
            plan=plan,
            area=areas[i % len(areas)].value,
            number=str(i + 1),
            name=f"Wskaźnik {i + 1}",
            unit="osoby",
            baseline_value=Decimal(rng.randint(0, 50)),
            baseline_year=2023,
            target_value=Decimal(rng.randint(50, 120)),
            target_year=2029,
            standard_code=f"OS.{i}" if i < 10 else "",
        )
        for i in range(30)
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(indicator=indicator, year=year, value=Decimal(rng.randint(0, 120)), reported_by="seed")
        for indicator in indicators
        for year in YEARS
    )
    PlanDocument.objects.create(plan=plan, kind="resolution", original_name="uchwala.pdf",
                                content_type="application/pdf", size=1000, sha256=f"{rng.getrandbits(256):064x}",
                                uploaded_by="seed", status="archived")  # fmt: skip
    ImplementationReport.objects.bulk_create(
        ImplementationReport(plan=plan, kind="yearly", year=year, narrative="Sprawozdanie", filed_by="seed")
        for year in (2024, 2025)
    )


def main() -> None:
    tenants = list(Tenant.objects.filter(kind=TenantKind.GMINA).order_by("code").values_list("code", flat=True))
    started = time.perf_counter()
    for done, code in enumerate(tenants, start=1):
        with in_gmina(code):
            if not Plan.objects.exists():
                seed_gmina(code)
        if done % 200 == 0:
            connection.close()  # catalog cache per connection (STACK-NOTES)
            print(f"  seeded {done}/{len(tenants)} ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    print(f"seeded {len(tenants)} gminas in {time.perf_counter() - started:.0f} s")
