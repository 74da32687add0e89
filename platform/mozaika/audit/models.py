from __future__ import annotations

from django.db import models


class AuditEntry(models.Model):
    """Who, acting as which role, did what to which object in which gmina, when, from where,
    with the before/after of changed fields. Append-only: a database trigger refuses UPDATE,
    DELETE and TRUNCATE."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor_name = models.CharField(max_length=150)
    actor_kind = models.CharField(max_length=10)
    role = models.CharField(max_length=40)
    ip = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=255, blank=True)
    teryt = models.CharField(max_length=7, blank=True, db_index=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type}:{self.object_id}"
