"""API shapes of a gmina's plans: `...In` for what clients send, `...Out` for what they get."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.utils import timezone
from ninja import Schema
from pydantic import Field

from mozaika.params import Day
from tenants.plans.lifecycle.acts import act_facts
from tenants.plans.lifecycle.validity import ForceState, force_on
from tenants.plans.models import (
    AdoptingActKind,
    ArchiveStatus,
    IndicatorDirection,
    InterventionArea,
    Plan,
    PlanKind,
    PlanStatus,
)

Amount = Annotated[Decimal, Field(max_digits=14, decimal_places=2)]
Year = Annotated[int, Field(ge=1990, le=2100)]


class IndicatorFields(Schema):
    area: InterventionArea
    number: str = Field("", max_length=10)
    name: str = Field(min_length=1, max_length=500)
    unit: str = Field(min_length=1, max_length=50)
    baseline_value: Amount | None = None
    baseline_year: Year | None = None
    target_value: Amount | None = None
    target_year: Year | None = None
    direction: IndicatorDirection = IndicatorDirection.INCREASE
    # A code from a shared list (e.g. the ministry's), so the region sums like with like.
    standard_code: str = Field("", max_length=40, pattern=r"^[A-Za-z0-9_.\-]*$")


class IndicatorIn(IndicatorFields):
    values: dict[Year, Amount] = Field(default_factory=dict)


class IndicatorEditIn(IndicatorFields):
    """An indicator of a draft as the clerk leaves it; yearly values are reported apart (with
    their history), not here."""

    id: int | None = Field(None, description="the indicator's id to keep it (and its values); none adds one")


class PlanDetailsIn(Schema):
    """A draft's title and period; what is left out stays as it is."""

    title: str | None = Field(None, min_length=1, max_length=500)
    period_start: Year | None = None
    period_end: Year | None = None
    valid_from: Day | None = Field(None, description="first day of force; default 1 January of period_start")
    valid_until: Day | None = Field(None, description="last day of force; default 31 December of period_end")


class PlanIn(Schema):
    title: str = Field(min_length=1, max_length=500)
    kind: PlanKind = Field(PlanKind.LPRUSID, description="which document this is; calls name the kinds they accept")
    period_start: Year
    period_end: Year
    valid_from: Day | None = Field(None, description="first day of the programme period (default: 1 January "
                                                         "of period_start)")  # fmt: skip
    valid_until: Day | None = Field(None, description="last day of the programme period (default: 31 December "
                                                          "of period_end)")  # fmt: skip
    areas: list[InterventionArea] = Field(min_length=1)
    indicators: list[IndicatorIn] = Field(default_factory=list)


class IndicatorValueOut(Schema):
    year: int
    value: Decimal
    reported_by: str
    reported_at: dt.datetime


class IndicatorOut(Schema):
    id: int
    area: InterventionArea
    number: str
    name: str
    unit: str
    baseline_value: Decimal | None
    baseline_year: int | None
    target_value: Decimal | None
    target_year: int | None
    direction: IndicatorDirection
    standard_code: str
    values: list[IndicatorValueOut]

    @staticmethod
    def resolve_values(obj: object) -> list[object]:
        return list(obj.values.all())  # type: ignore[attr-defined]


# Act numbers as councils and voivodes write them ("LXIII/916/2023", "NK-I.4131.123.2024"):
# ASCII letters, digits, '.', '/', '-', so they are safe in file names and headers.
ACT_NUMBER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9./-]{0,99}$"


class AdoptingActOut(Schema):
    kind: AdoptingActKind
    number: str
    date: dt.date
    in_force_from: dt.date


class DocumentOut(Schema):
    id: int
    kind: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    status: ArchiveStatus
    failure_reason: str
    archive_key: str
    uploaded_by: str
    uploaded_at: dt.datetime
    archived_at: dt.datetime | None
    retain_until: dt.date | None
    legal_hold: bool
    corrects_id: int | None


class PlanOut(Schema):
    id: int
    title: str
    kind: PlanKind
    period_start: int
    period_end: int
    valid_from: dt.date
    valid_until: dt.date
    status: PlanStatus
    force_today: ForceState = Field(description="whether the plan is in force today, by its period and acts")
    version: int
    areas: list[InterventionArea]
    act: AdoptingActOut | None
    indicators: list[IndicatorOut]
    documents: list[DocumentOut]

    @staticmethod
    def resolve_act(obj: object) -> dict[str, object] | None:
        if getattr(obj, "act_date", None) is None:
            return None
        return {
            "kind": obj.act_kind,  # type: ignore[attr-defined]
            "number": obj.act_number,  # type: ignore[attr-defined]
            "date": obj.act_date,  # type: ignore[attr-defined]
            "in_force_from": obj.in_force_from,  # type: ignore[attr-defined]
        }

    @staticmethod
    def resolve_indicators(obj: object) -> list[object]:
        return list(obj.indicators.all())  # type: ignore[attr-defined]

    @staticmethod
    def resolve_force_today(obj: Plan) -> ForceState:
        return force_on([act_facts(a) for a in obj.acts.all() if a.withdrawn_at is None], timezone.localdate())

    @staticmethod
    def resolve_documents(obj: object) -> list[object]:
        return list(obj.documents.all())  # type: ignore[attr-defined]
