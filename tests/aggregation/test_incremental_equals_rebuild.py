"""Property: whatever sequence of plan and indicator events happens, in whatever order the worker
gets round to the rollups, the views the events built equal a rebuild from the tenant schemas.

Hypothesis draws sequences of plan creations, adoptions, value reports and corrections in two
gminas of one voivodeship, with the rollup refresh either run at once or deferred (a burst that
coalesces). Events are consumed by calling the consumer synchronously, as the worker would
(broker delivery is proven by the e2e tests)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aggregation.views.actors import refresh_views
from aggregation.views.consistency import views_rebuild
from aggregation.views.drain import snapshots_drain
from aggregation.views.refresh import rollups_refresh_stale
from mozaika.audit.log import Actor
from mozaika.errors import MozaikaError
from mozaika.events.models import Event
from mozaika.tenancy import in_gmina
from tenants.plans.explanations import value_explain
from tenants.plans.lifecycle.acts import ActSpec, plan_register_adopted
from tenants.plans.models import AdoptingActKind, Indicator, InterventionArea, Plan
from tenants.plans.programme.services import IndicatorSpec, plan_create
from tenants.plans.reporting import indicator_value_report
from tests.support import TRZEBIEL, ZIELONA_GORA

ACTOR = Actor.system("property-test")
GMINAS = [TRZEBIEL, ZIELONA_GORA]


@dataclass(frozen=True)
class CreatePlan:
    gmina: int
    start: int
    years: int
    areas: frozenset[InterventionArea]
    code: str


@dataclass(frozen=True)
class Adopt:
    gmina: int
    in_force_from: date


@dataclass(frozen=True)
class Report:
    gmina: int
    year_offset: int
    value: int


@dataclass(frozen=True)
class Explain:
    gmina: int
    year_offset: int
    about_indicator: bool


steps = st.lists(
    st.tuples(
        st.one_of(
            st.builds(
                CreatePlan,
                gmina=st.integers(0, 1),
                start=st.integers(2022, 2027),
                years=st.integers(0, 5),
                areas=st.frozensets(st.sampled_from(list(InterventionArea)), min_size=1),
                code=st.sampled_from(["CARE.HOME.PERSONS", "DAYCARE.PLACES", ""]),
            ),
            st.builds(Adopt, gmina=st.integers(0, 1), in_force_from=st.dates(date(2022, 1, 1), date(2027, 12, 31))),
            st.builds(Report, gmina=st.integers(0, 1), year_offset=st.integers(0, 5), value=st.integers(0, 500)),
            st.builds(Explain, gmina=st.integers(0, 1), year_offset=st.integers(0, 5), about_indicator=st.booleans()),
        ),
        st.booleans(),  # refresh the rollups now, or let the events pile up
    ),
    min_size=1,
    max_size=8,
)


def apply(step: Any) -> None:
    teryt = GMINAS[step.gmina]
    with in_gmina(teryt):
        newest = Plan.objects.order_by("-id").first()
        try:
            if isinstance(step, CreatePlan):
                plan_create(teryt=teryt, title="Plan", period_start=step.start, period_end=step.start + step.years,
                            areas=sorted(step.areas), actor=ACTOR,
                            indicators=[IndicatorSpec(area=sorted(step.areas)[0], name="Wskaźnik", unit="osoby",
                                                      baseline_value=Decimal(5), target_value=Decimal(50),
                                                      standard_code=step.code)])  # fmt: skip
            elif isinstance(step, Adopt) and newest is not None:
                # Adopted in the past, in force from a random day (vacatio legis when it is later).
                spec = ActSpec(number="X/1", date=date(2021, 12, 1), in_force_from=step.in_force_from)
                plan_register_adopted(teryt=teryt, plan_id=newest.pk, act_kind=AdoptingActKind.COUNCIL_RESOLUTION,
                                      spec=spec, actor=ACTOR)  # fmt: skip
            elif isinstance(step, Report) and newest is not None:
                indicator = Indicator.objects.filter(plan=newest).order_by("id").first()
                if indicator is not None:
                    indicator_value_report(teryt=teryt, plan_id=newest.pk, indicator_id=indicator.pk,
                                           year=newest.period_start + step.year_offset, value=Decimal(step.value),
                                           note="", actor=ACTOR)  # fmt: skip
            elif isinstance(step, Explain) and newest is not None:
                indicator = Indicator.objects.filter(plan=newest).order_by("id").first()
                value_explain(teryt=teryt, plan_id=newest.pk, year=newest.period_start + step.year_offset,
                              indicator_id=indicator.pk if indicator and step.about_indicator else None,
                              text="Wyjaśnienie", actor=ACTOR)  # fmt: skip
        except MozaikaError:
            pass  # refused (wrong status, year outside the period): no event, nothing to check


def consume(after_seq: int) -> int:
    """Deliver every event recorded since `after_seq` to the aggregation consumer, in order,
    then drain the snapshots they marked stale, a few at a time (batches of several gminas)."""
    for event in Event.objects.filter(seq__gt=after_seq).order_by("seq"):
        with in_gmina(event.teryt):
            refresh_views.fn(str(event.id))
        after_seq = event.seq
    while snapshots_drain(limit=2).refreshed:
        pass
    return after_seq


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=steps)
def test_incremental_views_equal_a_rebuild(db: None, sequence: list[tuple[Any, bool]]) -> None:
    with transaction.atomic():
        views_rebuild()
        seen = Event.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        for step, refresh_rollups_now in sequence:
            apply(step)
            seen = consume(seen)
            if refresh_rollups_now:
                rollups_refresh_stale()
        rollups_refresh_stale()  # the deferred refreshes (and the sweeper) run eventually

        drift = views_rebuild(voivodeship="08", verify=True)

        assert drift.checked_snapshots == 2
        assert drift.differences == []
        transaction.set_rollback(True)
