"""The rule kinds a funding call's criteria are built from.

A call's criterion names a rule kind and gives its parameters; the parameters are validated
when the call is saved (`criterion_params_errors`), so evaluation never meets a bad one. A rule
kind is one small function from a `Situation` (what the snapshot says about the applicant, the
application date, the call's terms and the project) and its parsed parameters to an `Outcome`
with the reason in Polish and English. Add a rule kind: one parameters model, one function,
registered with `@rule`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import cached_property
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from aggregation.plan_facts import PlanFacts
from mozaika.errors import FieldError
from mozaika.tenancy import Teryt
from tenants.plans.labels import area_label, label
from tenants.plans.lifecycle.validity import ActKind, ForceState, force_on, governing_act, in_force_on, in_force_spans
from tenants.plans.models import AdoptingActKind, ArchiveStatus, InterventionArea, PlanKind
from tenants.plans.programme.models import ServiceType


class ApplicantKind(StrEnum):
    GMINA = "gmina"
    CITY_WITH_POWIAT_RIGHTS = "city_with_powiat_rights"
    POWIAT = "powiat"


APPLICANT_KIND_PL = {
    ApplicantKind.GMINA: "gmina",
    ApplicantKind.CITY_WITH_POWIAT_RIGHTS: "miasto na prawach powiatu",
    ApplicantKind.POWIAT: "powiat",
}


@dataclass(frozen=True)
class Applicant:
    teryt: str
    name: str
    kind: ApplicantKind


@dataclass(frozen=True)
class CallTerms:
    """What of a call the rules need."""

    code: str
    voivodeship: str | None  # None: a national call
    opens_on: date
    deadline: date
    applicant_kinds: tuple[ApplicantKind, ...]
    areas: tuple[str, ...]


@dataclass(frozen=True)
class Project:
    """What the applying project says of itself; empty when the question names no project."""

    areas: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Situation:
    applicant: Applicant
    plans: Sequence[PlanFacts]
    on: date  # the application date
    call: CallTerms
    project: Project = field(default_factory=Project)

    def plans_of(self, kinds: Sequence[str]) -> list[PlanFacts]:
        return [p for p in self.plans if p.get("kind", PlanKind.LPRUSID) in kinds]

    def plan_of(self, kinds: Sequence[str]) -> PlanFacts | None:
        """The plan the criteria judge among the kinds a criterion accepts: the one in force on
        the application date, else the newest with an adopting act (not annulled), else none."""
        plans = self.plans_of(kinds)
        in_force = [p for p in plans if in_force_on(p["acts"], self.on)]
        if in_force:
            return max(in_force, key=_in_force_from)
        adopted = [p for p in plans if force_on(p["acts"], self.on) not in (ForceState.NOT_ADOPTED, ForceState.VOID)]
        return max(adopted, key=_in_force_from) if adopted else None

    @cached_property
    def plan(self) -> PlanFacts | None:
        """The local plan (LPRUSiD) the criteria judge unless a criterion names other kinds."""
        return self.plan_of(DEFAULT_PLAN_KINDS)

    @property
    def target_areas(self) -> tuple[tuple[str, ...], bool]:
        """The areas a project targets and whether all must hold: the project's own, else (no
        project named) the call's, any one of which will do."""
        if self.project.areas:
            return self.project.areas, True
        return self.call.areas, False


def _in_force_from(plan: PlanFacts) -> str:
    return plan["act"]["in_force_from"] if plan["act"] else ""


DEFAULT_PLAN_KINDS: tuple[str, ...] = (PlanKind.LPRUSID.value,)


@dataclass(frozen=True)
class Outcome:
    passed: bool
    reason_pl: str
    reason_en: str


P = TypeVar("P", bound=BaseModel)


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PlanParams(Params):
    """Parameters of a rule kind that judges a plan: the kinds of document it accepts (an
    LPRUSiD unless the call's rules say otherwise)."""

    plan_kinds: tuple[PlanKind, ...] = Field(default=(PlanKind.LPRUSID,), min_length=1)

    def plan(self, situation: Situation) -> PlanFacts | None:
        return situation.plan_of(self.plan_kinds)


@dataclass(frozen=True)
class RuleKind(Generic[P]):
    name: str
    description: str
    params: type[P]
    check: Callable[[Situation, P], Outcome]

    def parse(self, raw: dict[str, Any]) -> P:
        return self.params.model_validate(raw)


RULE_KINDS: dict[str, RuleKind[Any]] = {}


def rule(name: str, params: type[P], description: str) -> Callable[[Callable[[Situation, P], Outcome]], RuleKind[P]]:
    def register(check: Callable[[Situation, P], Outcome]) -> RuleKind[P]:
        kind = RuleKind(name=name, description=description, params=params, check=check)
        RULE_KINDS[name] = kind
        return kind

    return register


def criterion_params_errors(rule_name: str, raw: dict[str, Any], path: str) -> list[FieldError]:
    """Why a criterion's rule kind or parameters are unacceptable ([] when they are fine)."""
    kind = RULE_KINDS.get(rule_name)
    if kind is None:
        known = ", ".join(sorted(RULE_KINDS))
        return [FieldError(f"{path}.rule", f"unknown rule kind '{rule_name}'; known: {known}")]
    try:
        kind.parse(raw)
    except ValidationError as error:
        # Parameters are flat: name the parameter (a union's alternatives add their own parts
        # to the location) and give each one message, the alternatives' joined.
        messages: dict[str, list[str]] = {}
        for e in error.errors():
            where = f"{path}.params" + (f".{e['loc'][0]}" if e["loc"] else "")
            messages.setdefault(where, []).append(e["msg"])
        return [FieldError(where, "; or ".join(dict.fromkeys(texts))) for where, texts in messages.items()]
    return []


def _pass(pl: str, en: str) -> Outcome:
    return Outcome(True, pl, en)


def _fail(pl: str, en: str) -> Outcome:
    return Outcome(False, pl, en)


NO_PLAN = _fail("Gmina nie ma przyjętego planu.", "The gmina has no adopted plan.")

# A date a criterion refers to: a fixed day or one of the call's or application's days.
DateRef = Literal["application_date", "deadline", "opening"] | date
AreaRef = Literal["project"] | InterventionArea


def _day(ref: DateRef, situation: Situation) -> date:
    if isinstance(ref, date):
        return ref
    return {"application_date": situation.on, "deadline": situation.call.deadline, "opening": situation.call.opens_on}[
        ref
    ]


def _areas(ref: AreaRef, situation: Situation) -> tuple[tuple[str, ...], bool]:
    if ref == "project":
        return situation.target_areas
    return (str(ref),), True


def _area_names(areas: Sequence[str]) -> str:
    return ", ".join(areas) or "-"


def _area_names_pl(areas: Sequence[str]) -> str:
    return ", ".join(area_label(a) for a in areas) or "-"


def _title(plan: PlanFacts) -> str:
    return f"'{plan['title']}' ({plan['valid_from']} - {plan['valid_until']})"


def _act_pl(plan: PlanFacts, day: date) -> str:
    act = governing_act(plan["acts"], day) or plan["act"]
    if act is None:
        return ""
    return f"; uchwała {act['number']} z {act['date']}, w mocy od {act['in_force_from']}"


def _act_en(plan: PlanFacts, day: date) -> str:
    act = governing_act(plan["acts"], day) or plan["act"]
    if act is None:
        return ""
    return f"; act {act['number']} of {act['date']}, in force from {act['in_force_from']}"


def _why_not_in_force(plans: Sequence[PlanFacts], day: date) -> tuple[str, str]:
    """Why no plan is in force on `day`, naming the nearest plan's state and its dates."""
    adopted = [p for p in plans if force_on(p["acts"], day) is not ForceState.NOT_ADOPTED]
    if not adopted:
        return f"W dniu {day} żaden przyjęty plan nie jest w mocy.", f"No adopted plan is in force on {day}."
    plan = max(adopted, key=_in_force_from)
    state = force_on(plan["acts"], day)
    spans = in_force_spans(plan["acts"])
    if state is ForceState.VOID:
        annulment = next(a for a in plan["acts"] if a["kind"] == ActKind.ANNULMENT)
        return (f"Uchwała przyjmująca plan {_title(plan)} jest nieważna (rozstrzygnięcie nadzorcze "
                f"{annulment['number']} z {annulment['date']}); plan nie był w mocy.",
                f"The act adopting plan {_title(plan)} was declared invalid (supervisory decision "
                f"{annulment['number']} of {annulment['date']}); the plan was never in force.")  # fmt: skip
    if state is ForceState.NOT_YET_IN_FORCE:
        begins = next((b for b, _ in spans if b > day), None)
        when_pl = f"wchodzi w życie {begins}" if begins else "nie wchodzi w życie"
        when_en = f"comes into force on {begins}" if begins else "does not come into force"
        return (f"W dniu {day} plan {_title(plan)} nie jest jeszcze w mocy ({when_pl}{_act_pl(plan, date.max)}).",
                f"On {day} plan {_title(plan)} is not yet in force ({when_en}{_act_en(plan, date.max)}).")  # fmt: skip
    ended = max((e for _, e in spans if e < day), default=None)
    until_pl = f"obowiązywał do {ended}" if ended else "nie był w mocy"
    until_en = f"it was in force until {ended}" if ended else "it was never in force"
    return (f"W dniu {day} plan {_title(plan)} nie jest w mocy ({until_pl}).",
            f"On {day} plan {_title(plan)} is not in force ({until_en}).")  # fmt: skip


# The rule kinds


class NoParams(Params):
    pass


@rule("applicant_kind", NoParams, "The applicant is of a kind the call admits, in the call's voivodeship.")
def applicant_kind(situation: Situation, params: NoParams) -> Outcome:
    applicant, call = situation.applicant, situation.call
    if call.voivodeship is not None and Teryt(applicant.teryt).voivodeship != call.voivodeship:
        return _fail(
            f"Nabór jest dla wnioskodawców z województwa {call.voivodeship}.",
            f"The call admits applicants from voivodeship {call.voivodeship} only.",
        )
    if applicant.kind not in call.applicant_kinds:
        admitted_pl = ", ".join(APPLICANT_KIND_PL[k] for k in call.applicant_kinds)
        return _fail(
            f"Wnioskodawca ({APPLICANT_KIND_PL[applicant.kind]}) nie jest uprawniony; nabór dopuszcza: {admitted_pl}.",
            f"The applicant ({applicant.kind.value}) is not admitted; the call admits: "
            f"{', '.join(call.applicant_kinds)}.",
        )
    return _pass(
        f"Wnioskodawca jest uprawniony ({APPLICANT_KIND_PL[applicant.kind]}).",
        f"The applicant is admitted ({applicant.kind.value}).",
    )


class PlanAdoptedParams(PlanParams):
    act_kind: Literal["council_resolution", "any"] = "council_resolution"
    by: DateRef = "deadline"


@rule("plan_adopted", PlanAdoptedParams, "A plan was adopted (by a council resolution, unless `act_kind` is 'any') "
      "on or before a day (`by`: deadline, application_date, opening or a date).")  # fmt: skip
def plan_adopted(situation: Situation, params: PlanAdoptedParams) -> Outcome:
    by = _day(params.by, situation)
    acts = [
        p
        for p in situation.plans_of(params.plan_kinds)
        if p["act"] is not None
        and date.fromisoformat(p["act"]["date"]) <= by
        and force_on(p["acts"], by) is not ForceState.VOID
    ]
    if params.act_kind == "council_resolution":
        acts = [p for p in acts if p["act"] and p["act"]["kind"] == AdoptingActKind.COUNCIL_RESOLUTION]
    if not acts:
        what = "uchwałą rady " if params.act_kind == "council_resolution" else ""
        what_en = "by a council resolution " if params.act_kind == "council_resolution" else ""
        kinds_pl = ", ".join(label(PlanKind, k) for k in params.plan_kinds)
        kinds_en = ", ".join(params.plan_kinds)
        return _fail(f"Żaden dokument rodzaju: {kinds_pl} nie został przyjęty {what}do {by}.",
                     f"No plan of the kind(s) {kinds_en} was adopted {what_en}by {by}.")  # fmt: skip
    plan = max(acts, key=lambda p: p["act"]["date"] if p["act"] else "")
    act = plan["act"]
    assert act is not None
    return _pass(
        f"Plan {_title(plan)} przyjęto aktem {act['number']} z {act['date']} (do {by}).",
        f"Plan {_title(plan)} was adopted by act {act['number']} of {act['date']} (by {by}).",
    )


class PlanInForceParams(PlanParams):
    on: DateRef | None = None
    from_: date | None = Field(default=None, alias="from")
    until: date | None = None

    @model_validator(mode="after")
    def one_way(self) -> PlanInForceParams:
        if self.on is not None and (self.from_ is not None or self.until is not None):
            raise ValueError("give either 'on' or 'from' and 'until', not both")
        if (self.from_ is None) != (self.until is None):
            raise ValueError("'from' and 'until' go together")
        if self.from_ is not None and self.until is not None and self.until < self.from_:
            raise ValueError("'until' is before 'from'")
        return self


def _uncovered_day(plans: Sequence[PlanFacts], start: date, end: date) -> date | None:
    """The first day of [start, end] on which no adopted plan is in force, or None."""
    spans = sorted(span for p in plans for span in in_force_spans(p["acts"]))
    day = start
    for begins, ends in spans:
        if begins > day:
            break
        day = max(day, ends + timedelta(days=1))
        if day > end:
            return None
    return day if day <= end else None


@rule("plan_in_force", PlanInForceParams, "An adopted plan is in force on a day (`on`, default the application "
      "date) or on every day from `from` to `until` (the project period).")  # fmt: skip
def plan_in_force_rule(situation: Situation, params: PlanInForceParams) -> Outcome:
    if params.from_ is not None and params.until is not None:
        gap = _uncovered_day(situation.plans_of(params.plan_kinds), params.from_, params.until)
        if gap is not None:
            return _fail(
                f"Od {params.from_} do {params.until} nie ma planu w mocy przez cały okres (brak w dniu {gap}).",
                f"No adopted plan is in force throughout {params.from_} to {params.until} (none on {gap}).",
            )
        return _pass(
            f"Plan jest w mocy przez cały okres od {params.from_} do {params.until}.",
            f"An adopted plan is in force throughout {params.from_} to {params.until}.",
        )
    day = _day(params.on or "application_date", situation)
    plans = situation.plans_of(params.plan_kinds)
    in_force = [p for p in plans if in_force_on(p["acts"], day)]
    if not in_force:
        return _fail(*_why_not_in_force(plans, day))
    plan = max(in_force, key=_in_force_from)
    return _pass(f"Plan {_title(plan)} jest w mocy w dniu {day}{_act_pl(plan, day)}.",
                 f"Plan {_title(plan)} is in force on {day}{_act_en(plan, day)}.")  # fmt: skip


class YearParams(PlanParams):
    year: int = Field(ge=2000, le=2100)


@rule("plan_period_covers_year", YearParams, "The plan's period includes `year`.")
def plan_period_covers_year(situation: Situation, params: YearParams) -> Outcome:
    plan = params.plan(situation)
    if plan is None:
        return NO_PLAN
    if plan["period_start"] <= params.year <= plan["period_end"]:
        return _pass(f"Okres planu {_title(plan)} obejmuje rok {params.year}.",
                     f"The period of plan {_title(plan)} includes {params.year}.")  # fmt: skip
    return _fail(f"Okres planu {_title(plan)} nie obejmuje roku {params.year}.",
                 f"The period of plan {_title(plan)} does not include {params.year}.")  # fmt: skip


class AreaParams(PlanParams):
    area: AreaRef = "project"


def _covered(areas: tuple[str, ...], all_needed: bool, test: Callable[[str], bool]) -> bool:
    return all(test(a) for a in areas) if all_needed else any(test(a) for a in areas)


@rule("plan_covers_area", AreaParams, "The plan covers an intervention area (`area`, default the project's target "
      "group; without a project, any of the call's areas).")  # fmt: skip
def plan_covers_area(situation: Situation, params: AreaParams) -> Outcome:
    plan = params.plan(situation)
    if plan is None:
        return NO_PLAN
    areas, all_needed = _areas(params.area, situation)
    if areas and _covered(areas, all_needed, lambda a: a in plan["areas"]):
        return _pass(f"Plan {_title(plan)} obejmuje obszar: {_area_names_pl(areas)}.",
                     f"Plan {_title(plan)} covers the area: {_area_names(areas)}.")  # fmt: skip
    return _fail(f"Plan {_title(plan)} nie obejmuje obszaru: {_area_names_pl(areas)}.",
                 f"Plan {_title(plan)} does not cover the area: {_area_names(areas)}.")  # fmt: skip


class AreaIndicatorsParams(PlanParams):
    area: AreaRef = "project"
    min_count: int = Field(ge=1, le=100)


@rule("area_indicators", AreaIndicatorsParams, "The plan has at least `min_count` indicators with a baseline and a "
      "target in the area.")  # fmt: skip
def area_indicators(situation: Situation, params: AreaIndicatorsParams) -> Outcome:
    plan = params.plan(situation)
    if plan is None:
        return NO_PLAN
    areas, all_needed = _areas(params.area, situation)

    def measured(area: str) -> int:
        return plan["measured_indicators"].get(area, 0)

    counts = ", ".join(f"{a}: {measured(a)}" for a in areas)
    counts_pl = ", ".join(f"{area_label(a)}: {measured(a)}" for a in areas)
    if areas and _covered(areas, all_needed, lambda a: measured(a) >= params.min_count):
        return _pass(f"Wskaźniki z wartością bazową i docelową ({counts_pl}) - wymagane co najmniej "
                     f"{params.min_count}.",
                     f"Indicators with a baseline and a target ({counts}); at least {params.min_count} "
                     "required.")  # fmt: skip
    return _fail(f"Za mało wskaźników z wartością bazową i docelową ({counts_pl}) - wymagane {params.min_count}.",
                 f"Too few indicators with a baseline and a target ({counts}); {params.min_count} "
                 "required.")  # fmt: skip


class ServiceParams(PlanParams):
    service_type: ServiceType


@rule("service_planned", ServiceParams, "The plan plans a service of `service_type`.")
def service_planned(situation: Situation, params: ServiceParams) -> Outcome:
    plan = params.plan(situation)
    if plan is None:
        return NO_PLAN
    label = ServiceType(params.service_type).label
    if params.service_type in plan["service_types"]:
        return _pass(f"Plan przewiduje usługę: {label}.", f"The plan plans the service '{params.service_type}'.")
    return _fail(f"Plan nie przewiduje usługi: {label}.", f"The plan does not plan the service "
                 f"'{params.service_type}'.")  # fmt: skip


class PlanOnlyParams(PlanParams):
    pass


@rule("monitoring_values_complete", PlanOnlyParams, "Every indicator of the plan has a value for every finished "
      "year of the plan (years before the application date's).")  # fmt: skip
def monitoring_values_complete(situation: Situation, params: PlanOnlyParams) -> Outcome:
    plan = params.plan(situation)
    if plan is None:
        return NO_PLAN
    years = range(plan["period_start"], min(plan["period_end"], situation.on.year - 1) + 1)
    if not years:
        return _pass("Żaden rok planu się jeszcze nie zakończył.", "No year of the plan has finished yet.")
    missing = [f"{label} ({year})" for label, year in plan["missing_values"] if year in years]
    if missing:
        shown = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
        return _fail(f"Brak wartości wskaźników: {shown}.", f"Indicator values missing: {shown}.")
    return _pass(f"Wartości wszystkich wskaźników podano za lata {years[0]}-{years[-1]}.",
                 f"Every indicator has values for {years[0]}-{years[-1]}.")  # fmt: skip


class ReportYearParams(PlanParams):
    year: Literal["previous"] | int = "previous"

    @model_validator(mode="after")
    def plausible(self) -> ReportYearParams:
        if isinstance(self.year, int) and not 2000 <= self.year <= 2100:
            raise ValueError("'year' must be 'previous' or a year from 2000 to 2100")
        return self


@rule("yearly_report_filed", ReportYearParams, "A yearly implementation report of the plan was filed for `year` "
      "(default: the year before the application date's), when that year is in the plan's period.")  # fmt: skip
def yearly_report_filed(situation: Situation, params: ReportYearParams) -> Outcome:
    plan = params.plan(situation)
    if plan is None:
        return NO_PLAN
    year = situation.on.year - 1 if params.year == "previous" else params.year
    if not plan["period_start"] <= year <= plan["period_end"]:
        return _pass(f"Sprawozdanie za {year} nie jest wymagane (poza okresem planu).",
                     f"No report is due for {year} (outside the plan's period).")  # fmt: skip
    if year in plan["yearly_report_years"]:
        return _pass(f"Złożono sprawozdanie roczne za {year}.", f"The yearly report for {year} was filed.")
    return _fail(f"Brak sprawozdania rocznego za {year}.", f"No yearly report for {year} was filed.")


@rule("resolution_archived", PlanOnlyParams, "The adopting resolution's document is in the archive.")
def resolution_archived(situation: Situation, params: PlanOnlyParams) -> Outcome:
    plan = params.plan(situation)
    if plan is None:
        return NO_PLAN
    resolution = plan["resolution"]
    if resolution is not None and resolution["status"] == ArchiveStatus.ARCHIVED:
        return _pass(f"Dokument uchwały jest w archiwum (SHA-256 {resolution['sha256']}).",
                     f"The resolution document is archived (SHA-256 {resolution['sha256']}).")  # fmt: skip
    return _fail("Dokument uchwały nie jest zarchiwizowany.", "The resolution document is not archived.")


class ProjectWithinPlanParams(PlanParams):
    require_actions: bool = True


@rule("project_within_plan", ProjectWithinPlanParams, "The project's target groups (areas) and actions (by their "
      "numbers in the plan) are all in the plan; with `require_actions`, the project must name an action.")  # fmt: skip
def project_within_plan(situation: Situation, params: ProjectWithinPlanParams) -> Outcome:
    plan = params.plan(situation)
    if plan is None:
        return NO_PLAN
    project = situation.project
    if params.require_actions and not project.actions:
        return _fail("Projekt nie wskazuje działań planu.", "The project names no action of the plan.")
    numbers = set(plan["action_numbers"])
    missing_areas = [a for a in project.areas if a not in plan["areas"]]
    missing_actions = [a for a in project.actions if a not in numbers]
    if missing_areas or missing_actions:
        return _fail(
            f"Poza planem: obszary {_area_names_pl(missing_areas)}; działania {_area_names(missing_actions)}.",
            f"Not in the plan: areas {_area_names(missing_areas)}; actions {_area_names(missing_actions)}.",
        )
    return _pass(
        f"Obszary ({_area_names_pl(project.areas)}) i działania ({_area_names(project.actions)}) projektu są w planie.",
        f"The project's areas ({_area_names(project.areas)}) and actions ({_area_names(project.actions)}) are in "
        "the plan.",
    )
