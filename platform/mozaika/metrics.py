"""`/metrics` for Prometheus: what an operator alerts on and what shows where time goes.

- Requests: latency per route template and status, SQL statements per request (recorded by
  `RequestMetricsMiddleware`), rate-limit refusals.
- The backbone: dead letters and long-unpublished events (read at scrape time), the depth of
  every queue (asked of the broker at scrape time), how long messages waited in their queue and
  how old an event was when the views showed it (recorded by the worker).

API processes and workers on one host share their figures through `PROMETHEUS_MULTIPROC_DIR`
(prometheus-client's multiprocess mode; `make run` sets it), so any API process's `/metrics`
shows them all. Without it, each process reports its own.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import dramatiq
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from dramatiq.broker import MessageProxy
from dramatiq.middleware import Middleware
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from mozaika.events.models import DeadLetter, Event

REQUEST_SECONDS = Histogram(
    "mozaika_http_request_duration_seconds",
    "Time to answer a request, by route template and status.",
    ["route", "method", "status"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
REQUEST_STATEMENTS = Histogram(
    "mozaika_http_request_sql_statements",
    "SQL statements sent while answering a request, by route template.",
    ["route"],
    buckets=(0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89),
)
RATE_LIMITED = Counter("mozaika_rate_limit_refusals_total", "Requests refused over a rate limit.", ["limit"])
QUEUE_WAIT_SECONDS = Histogram(
    "mozaika_queue_wait_seconds",
    "How long a message waited in its queue before a worker took it (delays included).",
    ["queue"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300),
)
VIEW_AGE_SECONDS = Histogram(
    "mozaika_view_age_seconds",
    "From an event's commit to the view showing it: a gmina's snapshot, or a rollup (from the "
    "snapshot that made it stale).",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60),
)


_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def route_of(request: HttpRequest) -> str:
    """The URL pattern that answered (`api/v1/gminas/<teryt>`), never the path itself: one label
    value per route, whatever gminas are asked about."""
    match = getattr(request, "resolver_match", None)
    return str(match.route) if match is not None and match.route else "unmatched"


class RequestMetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sent = [0]

        def count(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
            sent[0] += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(count):
            response = self.get_response(request)
        route = route_of(request)
        method = request.method if request.method in _METHODS else "OTHER"  # the client's word: bounded
        REQUEST_SECONDS.labels(route, method, str(response.status_code)).observe(time.perf_counter() - started)
        REQUEST_STATEMENTS.labels(route).observe(sent[0])
        return response


class QueueWaitMiddleware(Middleware):
    """In the worker: how long each message waited in its queue."""

    def before_process_message(self, broker: dramatiq.Broker, message: MessageProxy) -> None:
        waited = time.time() - message.message_timestamp / 1000
        QUEUE_WAIT_SECONDS.labels(message.queue_name).observe(max(0.0, waited))


def queue_depths() -> dict[str, int]:
    """Messages waiting in each queue (delay queues included), as the broker counts them; a
    queue nothing was ever sent to does not exist yet and counts 0."""
    broker = dramatiq.get_broker()
    queues = sorted(set(broker.get_declared_queues()) | set(broker.get_declared_delay_queues()))
    client = getattr(broker, "client", None)
    if client is not None:  # Redis: a list per queue
        namespace = getattr(broker, "namespace", "dramatiq")
        return {queue: int(client.llen(f"{namespace}:{queue}")) for queue in queues}
    import pika  # RabbitMQ: a passive declare answers the count, on a connection of the scrape's own

    counts: dict[str, int] = {}
    connection = pika.BlockingConnection(pika.URLParameters(settings.BROKER_URL))
    try:
        for queue in queues:
            channel = connection.channel()
            try:
                counts[queue] = int(channel.queue_declare(queue, passive=True).method.message_count)
                channel.close()
            except pika.exceptions.ChannelClosedByBroker:  # 404: not declared on the server yet
                counts[queue] = 0
    finally:
        connection.close()
    return counts


class BackboneCollector(Collector):
    def describe(self) -> list[GaugeMetricFamily]:
        return []  # registering must not read the database (collect() does, at each scrape)

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
        depth = GaugeMetricFamily("mozaika_queue_depth", "Messages waiting in a queue.", labels=["queue"])
        try:
            for queue, count in queue_depths().items():
                depth.add_metric([queue], count)
        except Exception:  # noqa: S110  (a broker outage shows as missing depths, and in /readyz)
            pass
        yield depth


def _registry() -> CollectorRegistry:
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        REGISTRY.register(BackboneCollector())
        return REGISTRY  # this process's figures, with its own process and runtime metrics
    from prometheus_client import multiprocess

    registry = CollectorRegistry(auto_describe=False)
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    registry.register(BackboneCollector())
    return registry


_scraped = _registry()


def metrics(request: HttpRequest) -> HttpResponse:
    return HttpResponse(generate_latest(_scraped), content_type=CONTENT_TYPE_LATEST)
