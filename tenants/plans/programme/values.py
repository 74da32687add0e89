"""The programme part of a plan as one typed value: what clients send and get, what the demo data
is written in, and what the completeness check reads. `programme_of(plan)` reads it back."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from tenants.plans.models import InterventionArea, Plan
from tenants.plans.programme.models import (
    EuProjectStatus,
    FundingSource,
    Institution,
    ServiceType,
)

Text = Annotated[str, Field(min_length=1, max_length=5000)]
Number = Annotated[str, Field(max_length=20)]
Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
Year = Annotated[int, Field(ge=1990, le=2100)]


class _Value(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ActionValue(_Value):
    number: Number = ""
    text: Text
    institutions: list[Institution] = Field(default_factory=list)
    institutions_other: str = Field("", max_length=2000)
    timeframe: str = Field("", max_length=100)
    estimated_cost: Money | None = None
    funding_sources: list[FundingSource] = Field(default_factory=list)


class SpecificGoalValue(_Value):
    number: Number = ""
    text: Text
    actions: list[ActionValue] = Field(default_factory=list)


class GeneralGoalValue(_Value):
    number: Number = ""
    text: Text
    specific_goals: list[SpecificGoalValue] = Field(default_factory=list)


class AreaValue(_Value):
    """A target group from the national list (`code`) or a cross-cutting area (`name`)."""

    code: InterventionArea | None = None
    name: str = Field("", max_length=200)
    goals: list[GeneralGoalValue] = Field(default_factory=list)

    @model_validator(mode="after")
    def coded_or_named(self) -> AreaValue:
        if (self.code is None) == (not self.name):
            raise ValueError("give either an intervention area code or a cross-cutting area name, not both")
        return self


class ServiceValue(_Value):
    type: ServiceType
    name: Annotated[str, Field(min_length=1, max_length=300)]
    area: InterventionArea | None = None
    capacity: Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)] | None = None
    unit: str = Field("", max_length=50)
    copayment_percent: Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)] | None = None
    exemption_groups: list[Annotated[str, Field(min_length=1, max_length=2000)]] = Field(default_factory=list)


class FundingValue(_Value):
    source: FundingSource
    description: str = Field("", max_length=500)
    year: Year | None = None
    amount: Money | None = None


# A funding call's number as the programmes write it (FEPZ.06.19, FERS.04.12-IP.01): the one
# pattern for calls defined in Mozaika and for the calls a plan's EU projects name.
CALL_CODE_PATTERN = r"^[A-Z][A-Z0-9]{1,9}(\.[A-Z0-9]{1,4}){1,4}(-[A-Z0-9.]{1,20}){0,3}$"
CALL_CODE_MAX_LENGTH = 60


class EuProjectValue(_Value):
    call_code: Annotated[
        str, Field(pattern=CALL_CODE_PATTERN, max_length=CALL_CODE_MAX_LENGTH, description="e.g. FEMP.06.33")
    ]
    title: Annotated[str, Field(min_length=1, max_length=500)]
    value: Money | None = None
    status: EuProjectStatus = EuProjectStatus.PLANNED


class Programme(_Value):
    areas: list[AreaValue] = Field(default_factory=list)
    services: list[ServiceValue] = Field(default_factory=list)
    funding: list[FundingValue] = Field(default_factory=list)
    eu_projects: list[EuProjectValue] = Field(default_factory=list)


def programme_of(plan: Plan) -> Programme:
    """The plan's programme part, read from the gmina's schema (the schema must be active)."""
    areas = plan.plan_areas.prefetch_related("goals__specific_goals__actions")
    return Programme(
        areas=[
            AreaValue(
                code=InterventionArea(area.code) if area.code else None,
                name=area.name,
                goals=[
                    GeneralGoalValue(
                        number=goal.number,
                        text=goal.text,
                        specific_goals=[
                            SpecificGoalValue(
                                number=specific.number,
                                text=specific.text,
                                actions=[
                                    ActionValue(
                                        number=action.number,
                                        text=action.text,
                                        institutions=[Institution(i) for i in action.institutions],
                                        institutions_other=action.institutions_other,
                                        timeframe=action.timeframe,
                                        estimated_cost=action.estimated_cost,
                                        funding_sources=[FundingSource(f) for f in action.funding_sources],
                                    )
                                    for action in specific.actions.all()
                                ],
                            )
                            for specific in goal.specific_goals.all()
                        ],
                    )
                    for goal in area.goals.all()
                ],
            )
            for area in areas
        ],
        services=[
            ServiceValue(
                type=ServiceType(s.type),
                name=s.name,
                area=InterventionArea(s.area) if s.area else None,
                capacity=s.capacity,
                unit=s.unit,
                copayment_percent=s.copayment_percent,
                exemption_groups=s.exemption_groups,
            )
            for s in plan.services.all()
        ],
        funding=[
            FundingValue(source=FundingSource(f.source), description=f.description, year=f.year, amount=f.amount)
            for f in plan.funding.all()
        ],
        eu_projects=[
            EuProjectValue(call_code=p.call_code, title=p.title, value=p.value, status=EuProjectStatus(p.status))
            for p in plan.eu_projects.all()
        ],
    )
