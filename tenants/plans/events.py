"""The events of a gmina's plan: its writing, review, acts, reporting and documents. Each is
declared once here (`mozaika.events.catalogue`); every one changes what the gmina's snapshot
holds, so the regional views consume them all."""

# No `from __future__ import annotations`: TypedDict reads NotRequired from real annotations.
from typing import Any, NotRequired, TypedDict

from mozaika.events.catalogue import Audience, EventType, event_type


class DocumentSummary(TypedDict):
    id: int
    kind: str
    sha256: str
    corrects: NotRequired[int | None]


class PlanCreated(TypedDict):
    plan_id: int
    kind: str
    period: list[int]
    valid_from: str
    valid_until: str
    areas: list[str]


class PlanUpdated(TypedDict):
    plan_id: int
    areas: list[str]
    part: str  # what was edited: programme, diagnosis


class PlanSubmitted(TypedDict):
    plan_id: int
    status: str
    version_number: int
    sha256: str


class PlanReviewed(TypedDict):
    plan_id: int
    status: str
    version_number: int
    comments: int


class PlanActRecorded(TypedDict):
    """An act of the plan's life, with the plan as it stands after it."""

    plan_id: int
    status: str
    kind: str
    period: list[int]
    valid_from: str
    valid_until: str
    areas: list[str]
    act: dict[str, Any]
    documents: list[DocumentSummary]
    superseded_by: NotRequired[int]
    reason: NotRequired[str]
    registered: NotRequired[bool]


class PlanExpired(TypedDict):
    plan_id: int
    status: str
    valid_until: str


class PlanDeleted(TypedDict):
    plan_id: int
    title: str


class IndicatorValueReported(TypedDict):
    indicator_id: int
    year: int
    value: str
    previous: str | None


class ValueExplained(TypedDict):
    plan_id: int
    indicator_id: int | None  # None: the year's reporting as a whole
    year: int
    explanation_id: int


class ReportFiled(TypedDict):
    report_id: int
    kind: str
    year: int


class DocumentUploaded(TypedDict):
    plan_id: int
    documents: list[DocumentSummary]


class DocumentArchived(TypedDict):
    document_id: int
    sha256: str
    key: str


class ReportingReminder(TypedDict):
    year: int


class ForceEnding(TypedDict):
    plan_id: int
    title: str
    in_force_until: str


def _plan_event(name: str, payload: type[Any], description: str, audience: Audience) -> EventType:
    return event_type(
        name, aggregate="plan", payload=payload, description=description, audience=audience, changes_snapshot=True
    )


PLAN_CREATED = _plan_event("plan.created", PlanCreated, "A draft plan was started.", Audience.GMINA)
PLAN_UPDATED = _plan_event(
    "plan.updated", PlanUpdated, "A draft's content was edited (returned: a draft again).", Audience.GMINA
)
PLAN_DELETED = _plan_event("plan.deleted", PlanDeleted, "A draft never submitted was deleted.", Audience.GMINA)
PLAN_SUBMITTED = _plan_event(
    "plan.submitted", PlanSubmitted, "The gmina submitted the plan; a version was frozen.", Audience.REVIEW
)
PLAN_RETURNED = _plan_event(
    "plan.returned", PlanReviewed, "The region returned the plan with comments.", Audience.REVIEW
)
PLAN_ACCEPTED = _plan_event(
    "plan.accepted", PlanReviewed, "The region accepted the plan for adoption.", Audience.REVIEW
)
# Acts of a plan's life, public: each changes whether the plan is in force, and may carry
# documents to archive (`payload["documents"]`).
PLAN_ADOPTED = _plan_event("plan.adopted", PlanActRecorded, "The council adopted the plan.", Audience.PUBLIC)
PLAN_AMENDED = _plan_event("plan.amended", PlanActRecorded, "A resolution amended the plan.", Audience.PUBLIC)
PLAN_REPEALED = _plan_event("plan.repealed", PlanActRecorded, "A resolution repealed the plan.", Audience.PUBLIC)
PLAN_SUPERSEDED = _plan_event("plan.superseded", PlanActRecorded, "A newer plan took its place.", Audience.PUBLIC)
PLAN_ANNULLED = _plan_event("plan.annulled", PlanActRecorded, "The adoption was declared void.", Audience.PUBLIC)
PLAN_ACT_WITHDRAWN = _plan_event("plan.act_withdrawn", PlanActRecorded, "An act was withdrawn.", Audience.PUBLIC)
PLAN_EXPIRED = _plan_event("plan.expired", PlanExpired, "The plan's period is over.", Audience.PUBLIC)
INDICATOR_REPORTED = _plan_event(
    "indicator.reported", IndicatorValueReported, "A yearly indicator value was reported.", Audience.GMINA
)
INDICATOR_CORRECTED = _plan_event(
    "indicator.corrected", IndicatorValueReported, "A reported value was corrected.", Audience.GMINA
)
INDICATOR_EXPLAINED = _plan_event(
    "indicator.explained",
    ValueExplained,
    "The gmina explained a year's value (or the year's reporting) that the data-quality checks question.",
    Audience.GMINA,
)
REPORT_FILED = _plan_event(
    "report.filed", ReportFiled, "An implementation or monitoring report was filed.", Audience.REVIEW
)
DOCUMENT_UPLOADED = _plan_event(
    "document.uploaded", DocumentUploaded, "Documents were received, to be archived.", Audience.GMINA
)
DOCUMENT_ARCHIVED = _plan_event(
    "document.archived", DocumentArchived, "A document was archived and verified.", Audience.GMINA
)

PLAN_ACT_EVENTS: tuple[EventType, ...] = (
    PLAN_ADOPTED,
    PLAN_AMENDED,
    PLAN_REPEALED,
    PLAN_SUPERSEDED,
    PLAN_ANNULLED,
    PLAN_ACT_WITHDRAWN,
    PLAN_EXPIRED,
)

PLAN_FORCE_ENDING = event_type(
    "plan.force_ending",
    aggregate="plan",
    payload=ForceEnding,
    description="An adopted plan stops being in force in 90 days: time to prepare the next one.",
    audience=Audience.GMINA,
)
REPORTING_REMINDER = event_type(
    "reporting.reminder", aggregate="tenant", payload=ReportingReminder,
    description="Each gmina is reminded, in January, to report last year's indicator values.",
    audience=Audience.GMINA,
)  # fmt: skip
