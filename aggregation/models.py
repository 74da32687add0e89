from __future__ import annotations

from django.db import models

NATIONAL_SCOPE = "national"


def voivodeship_scope(code: str) -> str:
    return f"voivodeship:{code}"


class GminaSnapshot(models.Model):
    """What the region needs to know about one gmina, without opening its schema."""

    teryt = models.CharField(max_length=7, primary_key=True)
    voivodeship = models.CharField(max_length=2, db_index=True)
    data = models.JSONField()
    refreshed_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.teryt


class Rollup(models.Model):
    """A voivodeship's or the nation's aggregate, recomputed from the snapshots."""

    scope = models.CharField(max_length=20, primary_key=True)
    data = models.JSONField()
    refreshed_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.scope
