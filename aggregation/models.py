from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models

from tenants.models import Gmina, Voivodeship

NATIONAL_SCOPE = "national"


def voivodeship_scope(code: str) -> str:
    return f"voivodeship:{code}"


def voivodeship_of_scope(scope: str) -> str | None:
    """The voivodeship a rollup's scope names; None for the nation."""
    return None if scope == NATIONAL_SCOPE else scope.removeprefix("voivodeship:")


class GminaSnapshot(models.Model):
    """What the region needs to know about one gmina, without opening its schema: the snapshot
    built by `tenants` (`data`), the compact facts the rollups add up (`facts`), and the columns
    the gmina lists filter and sort by."""

    gmina = models.OneToOneField(
        Gmina, on_delete=models.CASCADE, primary_key=True, db_column="teryt", related_name="snapshot"
    )
    voivodeship = models.CharField(max_length=2, db_index=True)
    status = models.CharField(max_length=20, blank=True)  # the gmina's current plan; "" without one
    in_force = models.BooleanField(default=False)
    period_start = models.PositiveSmallIntegerField(null=True)
    period_end = models.PositiveSmallIntegerField(null=True)
    latest_report_year = models.PositiveSmallIntegerField(null=True)
    data = models.JSONField()
    facts = models.JSONField()
    plan_facts = models.JSONField(default=list)  # what calls' criteria read (`aggregation.plan_facts`)
    # What the data-quality checks find in the data (`aggregation.quality.checks`), kept with it.
    quality = models.JSONField(default=list)
    # What a region's view needs of them (`aggregation.quality.selectors.QualitySummary`).
    quality_summary = models.JSONField(default=dict)
    refreshed_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.gmina_id


class QualityRuleKind(models.TextChoices):
    NON_NEGATIVE = "non_negative", "wartość nie mniejsza od zera"
    TARGET_DIRECTION = "target_direction", "cel w kierunku wskaźnika"
    AT_MOST_RATIO = "at_most_ratio", "wskaźnik najwyżej krotnością innego"
    WITHIN_RANGE = "within_range", "wartości wskaźnika w przedziale"


class QualityRuleSeverity(models.TextChoices):
    ERROR = "error", "błąd"
    WARNING = "warning", "ostrzeżenie"


class QualityRule(models.Model):
    """A validation rule as data: what a gmina's reported values must satisfy. Rules of kind
    `at_most_ratio` compare two standard indicators of the same plan and year: left <= factor x right;
    rules of kind `within_range` keep a standard indicator's yearly values (summed per plan and
    year) within [minimum, maximum], either bound open. Changed through the API
    (`aggregation.quality.services`), never deleted: an old rule is deactivated."""

    code = models.CharField(max_length=40, primary_key=True)
    kind = models.CharField(max_length=20, choices=QualityRuleKind.choices)
    name_pl = models.CharField(max_length=300)
    name_en = models.CharField(max_length=300)
    left_standard = models.CharField(max_length=40, blank=True)
    right_standard = models.CharField(max_length=40, blank=True)
    factor = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    # As wide as a reported value (`tenants.plans.models.IndicatorValue.value`).
    minimum = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    maximum = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    severity = models.CharField(max_length=10, choices=QualityRuleSeverity.choices, default="warning")
    active = models.BooleanField(default=True)
    # Every change moves it: the version of the `quality_rule.changed` event that announces it.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Rollup(models.Model):
    """A voivodeship's or the nation's aggregate, recomputed from the snapshots."""

    scope = models.CharField(max_length=20, primary_key=True)
    data = models.JSONField()
    refreshed_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.scope


class StaleRollup(models.Model):
    """A rollup whose snapshots changed since it was computed. Marked in the snapshot's
    transaction, cleared by the rollup's: bursts of snapshot changes coalesce into one
    recomputation, and a crash between the two leaves the mark for the sweeper."""

    scope = models.CharField(max_length=20, primary_key=True)
    marked_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.scope


class StaleSnapshot(models.Model):
    """A gmina whose events were consumed but whose snapshot is not yet read again. Marked by the
    event's consumer, cleared by the drain that reads many such gminas at once (one query per
    table for the whole batch instead of a dozen per event); a crash before the drain leaves the
    mark for the next drain or the sweeper. `first_event_at`: the oldest event it waits for."""

    gmina = models.OneToOneField(Gmina, on_delete=models.CASCADE, primary_key=True, db_column="teryt")
    first_event_at = models.DateTimeField()
    # A gmina whose reading failed is tried again later, alone, so it never holds up the others.
    failures = models.PositiveIntegerField(db_default=0)
    retry_after = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return self.gmina_id


class SnapshotDrainRequest(models.Model):
    """One row: when a drain of stale snapshots was last asked for and has not started yet
    (null once a drain starts), so a burst of events sends one drain message, not one each."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    requested_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"drain requested at {self.requested_at}"


class SnapshotRecord(models.Model):
    """Every distinct snapshot a gmina had, from when it was read: what an eligibility answer
    as of a past date is computed from, so it reproduces the answer given then."""

    gmina = models.ForeignKey(Gmina, on_delete=models.CASCADE, db_column="teryt", related_name="snapshot_records")
    recorded_at = models.DateTimeField()
    data = models.JSONField()

    class Meta:
        indexes = [models.Index(fields=["gmina", "recorded_at"], name="snapshot_record_by_time")]

    def __str__(self) -> str:
        return f"{self.gmina_id} @ {self.recorded_at.isoformat()}"


class Call(models.Model):
    """A funding call (nabór) and its criteria, defined by an operator or a marshal's office.
    `criteria` is a list of {code, name, type, points, rule, params}, validated on save against
    `aggregation.calls.criteria.RULE_KINDS`."""

    code = models.CharField(max_length=60, unique=True)
    title = models.CharField(max_length=500)
    programme = models.CharField(max_length=200)
    voivodeship = models.ForeignKey(
        Voivodeship, on_delete=models.PROTECT, null=True, blank=True, related_name="calls"
    )  # the owner; null for a national call (FERS)
    opens_on = models.DateField()
    deadline = models.DateField()
    applicant_kinds = ArrayField(models.CharField(max_length=30))
    areas = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    criteria = models.JSONField()
    version = models.PositiveIntegerField(default=1)
    defined_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(deadline__gte=models.F("opens_on")), name="call_dates_ordered")
        ]

    def __str__(self) -> str:
        return self.code


class CallEvaluation(models.Model):
    """A call's criteria applied to one gmina of its scope, as of `evaluated_on` (the day of the
    evaluation, at most the call's deadline): kept current as snapshots and calls change."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="evaluations")
    gmina = models.ForeignKey(Gmina, on_delete=models.CASCADE, db_column="teryt", related_name="call_evaluations")
    eligible = models.BooleanField()
    points = models.PositiveIntegerField()
    result = models.JSONField()
    evaluated_on = models.DateField()
    call_version = models.PositiveIntegerField()
    version = models.PositiveIntegerField(default=1)  # increments when the decision changes
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["call", "gmina"], name="one_evaluation_per_call_and_gmina")]
        indexes = [models.Index(fields=["call", "eligible", "points"], name="evaluation_by_decision")]

    def __str__(self) -> str:
        return f"{self.call_id}/{self.gmina_id}"


class PeerOutlier(models.Model):
    """A gmina's value of a standard indicator that stands out from its peers' per resident
    (`aggregation.quality.peers`). Recomputed nationwide with the national rollup, from the same
    facts, so it moves with the events; `aggregation verify` compares it."""

    gmina = models.ForeignKey(Gmina, on_delete=models.CASCADE, db_column="teryt", related_name="peer_outliers")
    voivodeship = models.CharField(max_length=2, db_index=True)
    standard_code = models.CharField(max_length=40)
    year = models.PositiveSmallIntegerField()
    data = models.JSONField()  # the `PeerOutlier` as found: value, rate, peers, median, reasons

    class Meta:
        ordering = ["gmina_id", "standard_code", "year"]
        constraints = [
            models.UniqueConstraint(fields=["gmina", "standard_code", "year"], name="one_peer_outlier_per_value")
        ]

    def __str__(self) -> str:
        return f"{self.gmina_id} {self.standard_code} {self.year}"
