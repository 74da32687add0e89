from __future__ import annotations

from django.db import models

from tenants.models import Gmina

NATIONAL_SCOPE = "national"


def voivodeship_scope(code: str) -> str:
    return f"voivodeship:{code}"


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
    refreshed_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.gmina_id


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
