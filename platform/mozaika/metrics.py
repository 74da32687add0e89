"""`/metrics` for Prometheus: what an operator alerts on. Counts are read at scrape time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from mozaika.events.models import DeadLetter, Event


class BackboneCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield GaugeMetricFamily(
            "mozaika_dead_letters",
            "Messages that failed all retries and wait for an operator (alert when above zero).",
            value=DeadLetter.objects.filter(replayed_at__isnull=True).count(),
        )
        stale = timezone.now() - timedelta(seconds=settings.EVENT_RELAY_AFTER_SECONDS * 3)
        yield GaugeMetricFamily(
            "mozaika_events_unpublished",
            "Events committed but not yet published, older than three relay periods.",
            value=Event.objects.filter(published_at__isnull=True, occurred_at__lt=stale).count(),
        )


_registry = CollectorRegistry(auto_describe=False)
_registry.register(BackboneCollector())


def metrics(request: HttpRequest) -> HttpResponse:
    return HttpResponse(generate_latest(_registry), content_type=CONTENT_TYPE_LATEST)
