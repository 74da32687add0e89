"""Reading webhook deliveries."""

from __future__ import annotations

from django.db.models import QuerySet

from mozaika.webhooks.models import WebhookDelivery, WebhookEndpoint


def deliveries_of(*, endpoint: WebhookEndpoint, status: str | None, limit: int) -> QuerySet[WebhookDelivery]:
    deliveries = WebhookDelivery.objects.filter(endpoint=endpoint).prefetch_related("attempt_log")
    if status:
        deliveries = deliveries.filter(status=status)
    return deliveries.order_by("-created_at", "-id")[:limit]
