"""Webhook endpoints API clients register, the deliveries made to them and each attempt."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from uuid6 import uuid7

from mozaika.identity.models import ApiClient


class WebhookEndpoint(models.Model):
    """Where an API client wants the public events it may read pushed to.

    The signing secrets (`whsec_…`) are stored as issued, not hashed: an HMAC needs the key
    itself. They are never logged, never in `__str__` and shown in an API answer only once,
    when made; at rest they are protected like the rest of the database (encrypting them with a
    key kept beside the database would add no protection against one who reads both)."""

    owner = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=2000)
    event_types = ArrayField(models.CharField(max_length=64))
    # A subset of the owner's voivodeships; empty: all of the owner's (nationwide for a nationwide client).
    voivodeships = ArrayField(models.CharField(max_length=2), default=list, blank=True)
    secret = models.CharField(max_length=100)
    # The secret before the last rotation, still signing until `previous_secret_expires_at`.
    previous_secret = models.CharField(max_length=100, blank=True, default="")
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    # Since when every attempt has failed (None after a success): three days of it disable the endpoint.
    first_failure_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"webhook {self.pk} of client {self.owner_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending"  # not attempted yet
    FAILED = "failed"  # the last attempt failed; another is due at next_attempt_at
    SUCCEEDED = "succeeded"
    GAVE_UP = "gave_up"  # failed for three days, or the endpoint was disabled


class WebhookDelivery(models.Model):
    """One event (or ping) for one endpoint. Its id is the `webhook-id` header, the same on
    every attempt and replay, so a receiver can drop duplicates. The body is kept as sent, so
    every attempt signs and sends the same bytes."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.UUIDField(null=True, blank=True)  # None for a ping
    event_seq = models.BigIntegerField(null=True, blank=True)
    event_type = models.CharField(max_length=64)
    body = models.TextField()
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    # When the next attempt is due; while an attempt runs, the end of its lease (a worker that
    # dies mid-attempt leaves it due again then, and the sweeper sends it).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"],
                name="one_delivery_per_event_and_endpoint",
                condition=models.Q(event_id__isnull=False),
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_delivery_due",
                condition=models.Q(status__in=["pending", "failed"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.id} -> {self.endpoint_id}"


class WebhookAttempt(models.Model):
    """One POST of a delivery: its answer's status, or why there was none."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True, default="")
    duration_ms = models.PositiveIntegerField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} at {self.at}: {self.status_code or self.error}"
