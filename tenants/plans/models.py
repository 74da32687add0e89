from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models

from tenants.plans.lifecycle.validity import ActKind


class InterventionArea(models.TextChoices):
    """Obszary interwencji of the national strategy."""

    SENIORS = "seniors", "osoby starsze"
    DISABILITY = "disability", "osoby z niepełnosprawnościami"
    MENTAL_HEALTH = "mental_health", "osoby z zaburzeniami psychicznymi / w kryzysie psychicznym"
    FAMILY = "family", "rodzina z dziećmi, w tym piecza zastępcza"
    HOMELESSNESS = "homelessness", "osoby w kryzysie bezdomności"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "projekt"
    SUBMITTED = "submitted", "złożony do oceny"
    RETURNED = "returned", "zwrócony do poprawy"
    ACCEPTED = "accepted", "zaakceptowany"
    ADOPTED = "adopted", "przyjęty uchwałą"
    EXPIRED = "expired", "wygasł"
    SUPERSEDED = "superseded", "zastąpiony nowym planem"
    REPEALED = "repealed", "uchylony"
    ANNULLED = "annulled", "nieważny (rozstrzygnięcie nadzorcze)"


# Statuses a plan reaches only through an adopting act. A status is a label for lists: whether a
# plan is in force on a day is decided by `tenants.plans.lifecycle.validity` from its period and acts.
ADOPTED_STATUSES = (
    PlanStatus.ADOPTED,
    PlanStatus.EXPIRED,
    PlanStatus.SUPERSEDED,
    PlanStatus.REPEALED,
    PlanStatus.ANNULLED,
)
# Ended by an act (supersession, repeal, annulment): nothing more is enacted on such a plan.
ENDED_BY_ACT = (PlanStatus.SUPERSEDED, PlanStatus.REPEALED, PlanStatus.ANNULLED)
# Adopted and in force for some time (an annulled plan never was): its implementation is reported.
ONCE_IN_FORCE = tuple(s for s in ADOPTED_STATUSES if s is not PlanStatus.ANNULLED)


class PlanKind(models.TextChoices):
    """Documents users call "the plan" are different documents; a call names the kinds it accepts."""

    LPRUSID = "lprusid", "Lokalny Plan Rozwoju Usług Społecznych i Deinstytucjonalizacji"
    CUS_PROGRAMME = "cus_programme", "program usług społecznych (CUS)"
    SOCIAL_PROBLEMS_STRATEGY = "social_problems_strategy", "strategia rozwiązywania problemów społecznych"
    REGIONAL_PLAN = "regional_plan", "regionalny plan deinstytucjonalizacji"


class AdoptingActKind(models.TextChoices):
    COUNCIL_RESOLUTION = "council_resolution", "uchwała rady"
    OTHER = "other", "inny akt"


class Plan(models.Model):
    title = models.CharField(max_length=500)
    kind = models.CharField(max_length=30, choices=PlanKind.choices, default=PlanKind.LPRUSID)
    # The programme period by the day (Koszalin: 01.10.2023-30.09.2026); the years are kept as
    # a convenience and always equal the days' years.
    valid_from = models.DateField()
    valid_until = models.DateField()
    period_start = models.PositiveSmallIntegerField()
    period_end = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    areas = ArrayField(models.CharField(max_length=20, choices=InterventionArea.choices), default=list)
    act_kind = models.CharField(max_length=30, choices=AdoptingActKind.choices, blank=True)
    act_number = models.CharField(max_length=100, blank=True)
    act_date = models.DateField(null=True, blank=True)
    in_force_from = models.DateField(null=True, blank=True)
    # The aggregate version: every change increments it, so consumers can order events.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="plan_period_ordered"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")), name="plan_validity_ordered"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in PlanStatus if s not in ADOPTED_STATUSES])
                | models.Q(act_number__gt="", act_date__isnull=False),
                name="adopted_plan_has_act",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.period_start}-{self.period_end})"


class IndicatorDirection(models.TextChoices):
    INCREASE = "increase", "wzrost"
    DECREASE = "decrease", "spadek"
    MAINTAIN = "maintain", "utrzymanie"


class Indicator(models.Model):
    """A monitoring indicator (wskaźnik monitoringu). `number` keeps the plan's own numbering,
    gaps included (Trzebiel's family indicators go 1, 2, 4, 5...)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    area = models.CharField(max_length=20, choices=InterventionArea.choices)
    number = models.CharField(max_length=10, blank=True)
    name = models.CharField(max_length=500)
    unit = models.CharField(max_length=50)
    baseline_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(null=True, blank=True)
    target_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    target_year = models.PositiveSmallIntegerField(null=True, blank=True)
    direction = models.CharField(max_length=10, choices=IndicatorDirection.choices, default=IndicatorDirection.INCREASE)
    # A standard indicator code lets the region sum like with like across gminas.
    standard_code = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class IndicatorValue(models.Model):
    """A reported yearly value. A correction adds a new row and marks the old one superseded, so
    the history of what was reported stays."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField()
    value = models.DecimalField(max_digits=14, decimal_places=2)
    reported_by = models.CharField(max_length=150)
    reported_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=500, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["year", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"],
                condition=models.Q(superseded_at__isnull=True),
                name="one_current_value_per_indicator_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.value}"


class DocumentKind(models.TextChoices):
    RESOLUTION = "resolution", "uchwała"
    PLAN = "plan", "dokument planu"
    REPORT = "report", "sprawozdanie z realizacji"
    ANNEX = "annex", "załącznik"
    SUPERVISORY_DECISION = "supervisory_decision", "rozstrzygnięcie nadzorcze"


class ArchiveStatus(models.TextChoices):
    PENDING = "pending"
    ARCHIVED = "archived"
    FAILED = "failed"


class PlanDocument(models.Model):
    """A legal document of a plan. Its bytes are immutable: a correction is a new document."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    staging_key = models.CharField(max_length=200, blank=True)
    archive_key = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=ArchiveStatus.choices, default=ArchiveStatus.PENDING)
    failure_reason = models.TextField(blank=True)
    uploaded_by = models.CharField(max_length=150)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    # Object Lock: kept at least until this day (extendable, never shortened), and a legal hold.
    retain_until = models.DateField(null=True, blank=True)
    legal_hold = models.BooleanField(default=False)
    # A document's bytes never change: a correction is a new document pointing at the one it corrects.
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.original_name}"


class ReportKind(models.TextChoices):
    YEARLY = "yearly", "sprawozdanie roczne"
    FINAL = "final", "raport końcowy z realizacji"


class ImplementationReport(models.Model):
    """A yearly or final implementation report: narrative plus the indicator values of its year
    as they stood when it was filed."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(max_length=10, choices=ReportKind.choices)
    year = models.PositiveSmallIntegerField()
    narrative = models.TextField()
    indicator_values = models.JSONField(default=list)
    filed_by = models.CharField(max_length=150)
    filed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["year", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "kind", "year"], name="one_report_per_kind_and_year")]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}"


class DiagnosticSection(models.Model):
    """The diagnostic part (część diagnostyczna): titled text."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="diagnostic_sections")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    text = models.TextField()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.title


class KeyFigure(models.Model):
    """A figure of the diagnosis with its year and source (residents of DPS, people waiting for
    care services...), so the region can compare needs with what the plan offers."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="key_figures")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=300)
    value = models.DecimalField(max_digits=14, decimal_places=2)
    unit = models.CharField(max_length=50)
    year = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class PlanVersion(models.Model):
    """What a submission froze: the plan as canonical JSON and its SHA-256. Immutable."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    canonical = models.TextField()
    sha256 = models.CharField(max_length=64)
    submitted_by = models.CharField(max_length=150)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="one_plan_version_number")]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.number}"


class ReviewComment(models.Model):
    """A reviewer's comment on a submitted version, attached to a path in the plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="review_comments")
    version_number = models.PositiveIntegerField()
    path = models.CharField(max_length=200)
    text = models.TextField()
    author = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.path}: {self.text[:40]}"


class PlanAct(models.Model):
    """An act of the plan's life: its adoption (or registration of an earlier adoption), an
    amendment, a repeal, a supersession by a successor, an annulment by the voivode. Nothing is
    deleted: an operator's withdrawal of a mistaken act marks it withdrawn, with the reason."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="acts")
    kind = models.CharField(max_length=20, choices=ActKind.choices)
    number = models.CharField(max_length=100)
    date = models.DateField()
    # Entry into force; for a repeal or a supersession, the first day the plan is not in force.
    in_force_from = models.DateField()
    # The programme period an adopting or amending act sets.
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    version_number = models.PositiveIntegerField(null=True, blank=True)
    version_sha256 = models.CharField(max_length=64, blank=True)
    document = models.ForeignKey(PlanDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="acts")
    # A supersession names the successor plan and the adoption that caused it.
    successor_plan_id = models.PositiveIntegerField(null=True, blank=True)
    caused_by = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="effects")
    recorded_by = models.CharField(max_length=150)
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.CharField(max_length=150, blank=True)
    withdrawal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["in_force_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind__in=["adoption", "registration", "amendment"])
                | models.Q(valid_from__isnull=False, valid_until__gte=models.F("valid_from")),
                name="enacting_act_has_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.number}"


# The programme part's models live in their own module to keep this one readable.
from tenants.plans.programme.models import (  # noqa: E402
    EuProject,
    GeneralGoal,
    PlanAction,
    PlanArea,
    PlanFunding,
    PlanService,
    SpecificGoal,
)

__all__ = [
    "EuProject",
    "GeneralGoal",
    "PlanAction",
    "PlanArea",
    "PlanFunding",
    "PlanService",
    "SpecificGoal",
]


class ValueExplanation(models.Model):
    """The gmina's explanation of a year's value (an indicator's) or of the year's reporting (no
    indicator: a report, or values compared across indicators), for whoever questions it. A new
    explanation supersedes the current one; the old ones are kept."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="explanations")
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, null=True, blank=True, related_name="explanations"
    )
    year = models.PositiveSmallIntegerField()
    text = models.TextField()
    explained_by = models.CharField(max_length=150)
    explained_at = models.DateTimeField(auto_now_add=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["year", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "indicator", "year"],
                condition=models.Q(superseded_at__isnull=True),
                nulls_distinct=False,
                name="one_current_explanation_per_value",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.text[:40]}"
