from __future__ import annotations

from django.db import models
from uuid6 import uuid7


class Event(models.Model):
    """One domain event, appended in the same transaction as the change it describes.

    `seq` is the global order (the feed cursor); `id` is the stable public identity."""

    seq = models.BigAutoField(primary_key=True)
    # UUIDv7: time-ordered, so ids sort as events happened even across databases.
    id = models.UUIDField(default=uuid7, unique=True, editable=False)
    type = models.CharField(max_length=64)
    teryt = models.CharField(max_length=7, blank=True, db_index=True)
    aggregate = models.CharField(max_length=64)
    aggregate_id = models.CharField(max_length=200)
    aggregate_version = models.PositiveIntegerField()
    occurred_at = models.DateTimeField(auto_now_add=True)
    actor = models.CharField(max_length=150)
    payload = models.JSONField(default=dict)
    payload_version = models.PositiveSmallIntegerField(default=1)
    published_at = models.DateTimeField(null=True, blank=True)
    # The API request that made the change, carried into the worker's log lines for it.
    request_id = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        indexes = [
            models.Index(fields=["seq"], name="event_unpublished", condition=models.Q(published_at__isnull=True))
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.type} {self.teryt}"


class ConsumedEvent(models.Model):
    """Which consumer has applied which event: written in the consumer's own transaction, so a
    redelivered event changes nothing."""

    consumer = models.CharField(max_length=100)
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="+")
    consumed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["consumer", "event"], name="consume_each_event_once")]

    def __str__(self) -> str:
        return f"{self.consumer} <- {self.event_id}"


class DeadLetter(models.Model):
    """A message that failed all its retries. Operators list and replay these; the count is
    exported as a metric to alert on."""

    actor_name = models.CharField(max_length=100)
    queue_name = models.CharField(max_length=100)
    message_id = models.CharField(max_length=64)
    args = models.JSONField(default=list)
    options = models.JSONField(default=dict)
    error = models.TextField()
    retries = models.PositiveIntegerField(default=0)
    failed_at = models.DateTimeField(auto_now_add=True)
    replayed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.actor_name} {self.message_id}"
