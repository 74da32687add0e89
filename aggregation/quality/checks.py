"""Data quality, from a gmina's snapshot alone (so it is live: computed whenever the snapshot is,
by the same code for an event and a rebuild, and compared by `aggregation verify`).

DHIS2's tools, done from the data itself:
- completeness and timeliness: a plan that was in force in a year owes that year's report and
  each indicator's value by the due day (31 March of the following year by default); what is
  missing is flagged, and so is what was filed after the due day (from the day it was first
  filed, not a later correction);
- validation rules as data (`aggregation.models.QualityRule`): values not below zero, targets in
  the indicator's direction, one standard at most a multiple of another in the same year, a
  standard's yearly values within a range (DHIS2's min-max);
- outliers: a value whose modified z-score against the indicator's own years exceeds 3.5
  (0.6745 (x - median) / MAD, Iglewicz and Hoaglin; robust to the skew of small numbers).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from typing_extensions import TypedDict

from tenants.plans.models import ONCE_IN_FORCE
from tenants.plans.snapshot import ExplanationSnapshot, GminaSnapshotData, IndicatorSnapshot, PlanSnapshot

OUTLIER_Z = Decimal("3.5")
# How many of an indicator's years it takes before one can stand out from the others.
OUTLIER_MIN_YEARS = 4
_ONCE_IN_FORCE = {str(status) for status in ONCE_IN_FORCE}


class FlagExplanation(TypedDict):
    text: str
    explained_on: str


class QualityFlag(TypedDict):
    kind: str  # completeness | timeliness | rule | outlier
    code: str  # report_missing, value_missing, report_late, value_late, a rule's code, own_history
    severity: str  # error | warning | info
    plan_id: int
    indicator_id: int | None
    indicator: str | None  # the indicator's number in the plan
    standard_code: str
    year: int | None
    value: str | None
    reason_pl: str
    reason_en: str
    # The gmina's explanation of the value (or of the year's reporting), if it gave one.
    explanation: FlagExplanation | None


@dataclass(frozen=True)
class RuleSpec:
    code: str
    kind: str
    left_standard: str = ""
    right_standard: str = ""
    factor: Decimal | None = None
    severity: str = "warning"
    minimum: Decimal | None = None
    maximum: Decimal | None = None


def due_day(year: int, *, due_month: int = 3, due_day_of_month: int = 31) -> date:
    """When a year's report and values are due: by default 31 March of the following year."""
    return date(year + 1, due_month, due_day_of_month)


def _flag(plan: PlanSnapshot, kind: str, code: str, severity: str, reason_pl: str, reason_en: str, *,
          indicator: IndicatorSnapshot | None = None, year: int | None = None,
          value: str | None = None, standard_code: str = "") -> QualityFlag:  # fmt: skip
    return {
        "kind": kind, "code": code, "severity": severity, "plan_id": plan["id"],
        "indicator_id": indicator.get("id") if indicator else None,
        "indicator": indicator["number"] if indicator else None,
        "standard_code": indicator["standard_code"] if indicator else standard_code,
        "year": year, "value": value, "reason_pl": reason_pl, "reason_en": reason_en, "explanation": None,
    }  # fmt: skip


def _years_owed(plan: PlanSnapshot, today: date, due: tuple[int, int]) -> list[int]:
    # Snapshots recorded before plans had days of force lack `valid_until`: their period's end.
    act = plan.get("act")
    if plan["status"] not in _ONCE_IN_FORCE or act is None:
        return []
    first = max(plan["period_start"], date.fromisoformat(act["in_force_from"]).year)
    last = min(plan["period_end"], date.fromisoformat(plan.get("valid_until", f"{plan['period_end']}-12-31")).year)
    return [year for year in range(first, last + 1) if due_day(year, due_month=due[0], due_day_of_month=due[1]) < today]


class Filing(NamedTuple):
    """Something a plan owed by a due day that has passed: a year's report, or an indicator's value."""

    what: str  # report | value
    year: int
    due_on: date
    filed_on: date | None
    indicator: IndicatorSnapshot | None
    # Due before the plan was entered in Mozaika: it could not have been filed on time here, so it
    # is judged for completeness only, never on time or late.
    due_before_entry: bool


def filings_owed(plan: PlanSnapshot, *, today: date, due: tuple[int, int] = (3, 31)) -> list[Filing]:
    """Every report and value the plan owed by a past due day, with the day each was filed.

    The one rule behind completeness (was it filed?) and timeliness (by the due day?)."""
    registered = date.fromisoformat(plan.get("registered_on", "1970-01-01"))
    reports_filed = plan.get("yearly_reports_filed", {})
    filings: list[Filing] = []

    def owed(what: str, year: int, filed: str | None, indicator: IndicatorSnapshot | None) -> None:
        due_on = due_day(year, due_month=due[0], due_day_of_month=due[1])
        filed_on = None if filed is None else date.fromisoformat(filed)
        filings.append(Filing(what, year, due_on, filed_on, indicator, registered > due_on))

    for year in _years_owed(plan, today, due):
        # Snapshots from before filing days were kept know only that a report exists.
        legacy = "1970-01-01" if year in plan.get("yearly_report_years", []) else None
        owed("report", year, reports_filed.get(str(year), legacy), None)
        for indicator in plan["indicators"]:
            legacy = "1970-01-01" if str(year) in indicator["values"] else None
            owed("value", year, indicator.get("first_reported", {}).get(str(year), legacy), indicator)
    return filings


def completeness(plan: PlanSnapshot, *, today: date, due: tuple[int, int] = (3, 31)) -> list[QualityFlag]:
    """A flag for each report or value owed and not filed, and each filed after its due day."""
    flags = []
    for filing in filings_owed(plan, today=today, due=due):
        year, indicator = filing.year, filing.indicator
        if filing.filed_on is None and indicator is None:
            flags.append(_flag(plan, "completeness", "report_missing", "warning",
                               f"Brak sprawozdania rocznego za {year} (termin minął {filing.due_on}).",
                               f"No yearly report for {year} (due {filing.due_on}).", year=year))  # fmt: skip
        elif filing.filed_on is None and indicator is not None:
            flags.append(_flag(plan, "completeness", "value_missing", "warning",
                               f"Brak wartości wskaźnika {indicator['number']} za {year} (termin minął "
                               f"{filing.due_on}).",
                               f"No value of indicator {indicator['number']} for {year} (due {filing.due_on}).",
                               indicator=indicator, year=year))  # fmt: skip
        elif filing.filed_on is not None and filing.filed_on > filing.due_on and not filing.due_before_entry:
            what_pl = "Sprawozdanie roczne" if indicator is None else f"Wartość wskaźnika {indicator['number']}"
            what_en = "The yearly report" if indicator is None else f"The value of indicator {indicator['number']}"
            flags.append(_flag(plan, "timeliness", "report_late" if indicator is None else "value_late", "info",
                               f"{what_pl} za {year} złożono {filing.filed_on}, po terminie {filing.due_on}.",
                               f"{what_en} for {year} was filed on {filing.filed_on}, after its due day "
                               f"{filing.due_on}.", indicator=indicator, year=year,
                               value=None if indicator is None else indicator["values"].get(str(year))))  # fmt: skip
    return flags


class Timeliness(TypedDict):
    """DHIS2's reporting rates, from filing days: of what was due, how much was filed, and how
    much by its due day. What was due before the plan was entered in Mozaika (`due_before_entry`)
    counts for completeness but not for the on-time rate, which it could not meet."""

    expected: int
    filed: int
    on_time: int
    late: int
    missing: int
    due_before_entry: int
    completeness_rate: float | None  # filed / expected
    on_time_rate: float | None  # on time / (expected - due before entry)


def _rated(expected: int, filed: int, on_time: int, late: int, before_entry: int) -> Timeliness:
    judged = expected - before_entry
    return {
        "expected": expected, "filed": filed, "on_time": on_time, "late": late, "missing": expected - filed,
        "due_before_entry": before_entry,
        "completeness_rate": round(filed / expected, 4) if expected else None,
        "on_time_rate": round(on_time / judged, 4) if judged else None,
    }  # fmt: skip


def timeliness(filings: Iterable[Filing]) -> Timeliness:
    expected = filed = on_time = late = before_entry = 0
    for filing in filings:
        expected += 1
        filed += filing.filed_on is not None
        if filing.due_before_entry:
            before_entry += 1
        elif filing.filed_on is not None:
            on_time += filing.filed_on <= filing.due_on
            late += filing.filed_on > filing.due_on
    return _rated(expected, filed, on_time, late, before_entry)


def timeliness_total(parts: Iterable[Timeliness]) -> Timeliness:
    """Several gminas' (or powiats') rates as one: the counts add up, the rates are recomputed."""
    listed = list(parts)
    return _rated(
        sum(p["expected"] for p in listed),
        sum(p["filed"] for p in listed),
        sum(p["on_time"] for p in listed),
        sum(p["late"] for p in listed),
        sum(p["due_before_entry"] for p in listed),
    )


def _non_negative(plan: PlanSnapshot, rule: RuleSpec) -> Iterable[QualityFlag]:
    for indicator in plan["indicators"]:
        given = [("baseline", indicator["baseline_year"], indicator["baseline"]),
                 ("target", indicator["target_year"], indicator["target"]),
                 *(("value", int(y), v) for y, v in indicator["values"].items())]  # fmt: skip
        for what, year, value in given:
            if value is not None and Decimal(value) < 0:
                yield _flag(plan, "rule", rule.code, rule.severity,
                            f"Wskaźnik {indicator['number']}: {what} {value} jest ujemna.",
                            f"Indicator {indicator['number']}: {what} {value} is below zero.",
                            indicator=indicator, year=year, value=value)  # fmt: skip


def _target_direction(plan: PlanSnapshot, rule: RuleSpec) -> Iterable[QualityFlag]:
    for indicator in plan["indicators"]:
        baseline, target, direction = indicator["baseline"], indicator["target"], indicator["direction"]
        if baseline is None or target is None:
            continue
        wrong = (direction == "increase" and Decimal(target) < Decimal(baseline)) or (
            direction == "decrease" and Decimal(target) > Decimal(baseline)
        )
        if wrong:
            yield _flag(plan, "rule", rule.code, rule.severity,
                        f"Wskaźnik {indicator['number']} ma kierunek '{direction}', a cel {target} "
                        f"jest po złej stronie wartości bazowej {baseline}.",
                        f"Indicator {indicator['number']} should go '{direction}', but its target {target} "
                        f"is on the wrong side of its baseline {baseline}.",
                        indicator=indicator, year=indicator["target_year"], value=target)  # fmt: skip


def _yearly_sums(plan: PlanSnapshot) -> dict[str, dict[str, Decimal]]:
    """Each standard's reported values in the plan, summed per year (by standard code, then year)."""
    by_standard: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for indicator in plan["indicators"]:
        for year, value in indicator["values"].items():
            by_standard[indicator["standard_code"]][year] += Decimal(value)
    return by_standard


def _at_most_ratio(plan: PlanSnapshot, rule: RuleSpec) -> Iterable[QualityFlag]:
    by_standard = _yearly_sums(plan)
    left, right = by_standard.get(rule.left_standard, {}), by_standard.get(rule.right_standard, {})
    factor = rule.factor or Decimal(1)
    for year in sorted(set(left) & set(right)):
        if left[year] > right[year] * factor:
            yield _flag(plan, "rule", rule.code, rule.severity,
                        f"{year}: {rule.left_standard} = {left[year]} przekracza {factor} × "
                        f"{rule.right_standard} = {right[year] * factor}.",
                        f"{year}: {rule.left_standard} = {left[year]} exceeds {factor} × "
                        f"{rule.right_standard} = {right[year] * factor}.",
                        year=int(year), value=str(left[year]))  # fmt: skip


def _plain(number: Decimal) -> str:
    """A bound as people write it: 100, not 100.00 or 1E+2."""
    return format(number.normalize(), "f")


def _within_range(plan: PlanSnapshot, rule: RuleSpec) -> Iterable[QualityFlag]:
    """DHIS2's min-max check: the standard's value in each year (summed over the plan's indicators
    mapped to it) lies within [minimum, maximum]; a bound not given does not limit."""
    values = _yearly_sums(plan).get(rule.left_standard, {})
    for year in sorted(values):
        value = values[year]
        if rule.minimum is not None and value < rule.minimum:
            bound_pl, bound_en = (
                f"jest poniżej minimum {_plain(rule.minimum)}",
                f"is below the minimum {_plain(rule.minimum)}",
            )
        elif rule.maximum is not None and value > rule.maximum:
            bound_pl, bound_en = (
                f"przekracza maksimum {_plain(rule.maximum)}",
                f"exceeds the maximum {_plain(rule.maximum)}",
            )
        else:
            continue
        yield _flag(plan, "rule", rule.code, rule.severity,
                    f"{year}: {rule.left_standard} = {value} {bound_pl}.",
                    f"{year}: {rule.left_standard} = {value} {bound_en}.",
                    year=int(year), value=str(value), standard_code=rule.left_standard)  # fmt: skip


_RULES = {
    "non_negative": _non_negative,
    "target_direction": _target_direction,
    "at_most_ratio": _at_most_ratio,
    "within_range": _within_range,
}


def robust_scale(values: list[Decimal]) -> tuple[Decimal, Decimal]:
    """The median and the median absolute deviation (MAD) of the values."""
    median = Decimal(statistics.median(values))
    return median, Decimal(statistics.median(abs(v - median) for v in values))


def z_against(value: Decimal, median: Decimal, mad: Decimal) -> Decimal | None:
    """0.6745 (x - median) / MAD; None where the values do not vary (MAD 0)."""
    return None if mad == 0 else Decimal("0.6745") * (value - median) / mad


def modified_z(value: Decimal, values: list[Decimal]) -> Decimal | None:
    return z_against(value, *robust_scale(values))


def own_history_outliers(plan: PlanSnapshot) -> list[QualityFlag]:
    flags = []
    for indicator in plan["indicators"]:
        values = {int(year): Decimal(value) for year, value in indicator["values"].items()}
        if len(values) < OUTLIER_MIN_YEARS:
            continue
        median, mad = robust_scale(list(values.values()))
        for year, value in sorted(values.items()):
            z = z_against(value, median, mad)
            if z is not None and abs(z) > OUTLIER_Z:
                flags.append(_flag(plan, "outlier", "own_history", "warning",
                                   f"Wskaźnik {indicator['number']}, {year}: {value} odstaje od pozostałych lat "
                                   f"(mediana {median}, zmodyfikowany z = {z:.1f}).",
                                   f"Indicator {indicator['number']}, {year}: {value} stands out from its other "
                                   f"years (median {median}, modified z = {z:.1f}).",
                                   indicator=indicator, year=year, value=str(value)))  # fmt: skip
    return flags


def gmina_quality(data: GminaSnapshotData, *, today: date, rules: list[RuleSpec],
                  due: tuple[int, int] = (3, 31)) -> list[QualityFlag]:  # fmt: skip
    """Every flag the gmina's data raises, in a stable order (plans as the snapshot orders them),
    each with the gmina's explanation of its value and year, if any."""
    flags: list[QualityFlag] = []
    for plan in data["plans"]:
        raised = completeness(plan, today=today, due=due)
        for rule in rules:
            raised += _RULES[rule.kind](plan, rule)
        raised += own_history_outliers(plan)
        # By the indicator's id: numbers may be blank or repeated within a plan.
        explained: dict[tuple[int | None, int | None], ExplanationSnapshot] = {
            (e.get("indicator_id"), e["year"]): e for e in plan.get("explanations", [])
        }
        for flag in raised:
            if (given := explained.get((flag["indicator_id"], flag["year"]))) is not None:
                flag["explanation"] = {"text": given["text"], "explained_on": given["explained_on"]}
        flags += raised
    return flags
