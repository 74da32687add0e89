"""The dramatiq broker, chosen by BROKER_URL, and the middleware that carries a gmina's schema.

A message carries the schema it must run in (`tenant_schema` option). The worker activates it
before the actor runs and always returns to the public schema afterwards, also when the actor
fails or the message is skipped, so one gmina's work never runs in another's schema.
"""

from __future__ import annotations

import atexit
import re
from typing import Any

import dramatiq
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import close_old_connections, connection
from dramatiq.broker import MessageProxy
from dramatiq.middleware import Middleware

from mozaika.tenancy import PUBLIC_SCHEMA

TENANT_SCHEMA_OPTION = "tenant_schema"
_QUEUE_PREFIX = re.compile(r"[a-zA-Z][a-zA-Z0-9._-]*")


class QueueNamespaceMiddleware(Middleware):
    """Prefixes every queue with `BROKER_QUEUE_PREFIX`, so several deployments (or test runs)
    can share one broker without consuming each other's messages. RabbitMQ has vhosts for
    this, but creating one needs the server's admin tools; a prefix needs nothing."""

    def __init__(self, prefix: str) -> None:
        if not _QUEUE_PREFIX.fullmatch(prefix):
            raise ImproperlyConfigured(f"BROKER_QUEUE_PREFIX {prefix!r}: a letter, then letters, digits, '.', '_', '-'")
        self.prefix = prefix

    def before_declare_actor(self, broker: dramatiq.Broker, actor: dramatiq.Actor[Any, Any]) -> None:
        if not actor.queue_name.startswith(self.prefix):
            actor.queue_name = self.prefix + actor.queue_name


class WorkerPollingMiddleware(Middleware):
    """How long a worker's consumer waits for a message before it looks again, and so how late
    it sees a delayed message come due (dramatiq's default: a second, read from the environment
    before any setting can apply; an idle Redis consumer backs off up to it); and how many
    messages of a queue it holds at once (`prefetch`). dramatiq's default, twice the threads,
    was the ceiling on event throughput: a Redis consumer holding that many unacknowledged
    messages does not fetch again before a back-off sleep, so two threads applied ~35 events/s
    while busy a fifth of the time."""

    def __init__(self, poll_ms: int, prefetch: int = 0) -> None:
        self.poll_ms = poll_ms
        self.prefetch = prefetch

    def before_worker_boot(self, broker: dramatiq.Broker, worker: Any) -> None:
        # The consumers are made after this hook, with these values.
        worker.worker_timeout = self.poll_ms
        if self.prefetch:
            worker.queue_prefetch = self.prefetch


class TenantSchemaMiddleware(Middleware):
    @property
    def actor_options(self) -> set[str]:
        return {TENANT_SCHEMA_OPTION}

    def before_enqueue(self, broker: dramatiq.Broker, message: dramatiq.Message[Any], delay: int) -> None:
        # Senders should pass the schema explicitly: an on_commit callback runs after the
        # sender's schema_context() has exited, when the connection is back in public.
        message.options.setdefault(TENANT_SCHEMA_OPTION, getattr(connection, "schema_name", PUBLIC_SCHEMA))

    def before_process_message(self, broker: dramatiq.Broker, message: MessageProxy) -> None:
        close_old_connections()
        schema = message.options.get(TENANT_SCHEMA_OPTION, PUBLIC_SCHEMA)
        if schema == PUBLIC_SCHEMA:
            connection.set_schema_to_public()  # type: ignore[attr-defined]
        else:
            connection.set_schema(schema)  # type: ignore[attr-defined]

    def after_process_message(
        self,
        broker: dramatiq.Broker,
        message: MessageProxy,
        *,
        result: Any = None,
        exception: BaseException | None = None,
    ) -> None:
        connection.set_schema_to_public()  # type: ignore[attr-defined]
        close_old_connections()

    def after_skip_message(self, broker: dramatiq.Broker, message: MessageProxy) -> None:
        connection.set_schema_to_public()  # type: ignore[attr-defined]
        close_old_connections()

    def after_worker_thread_shutdown(self, broker: dramatiq.Broker, worker: Any) -> None:
        connection.close()


def build_broker(url: str) -> dramatiq.Broker:
    broker: dramatiq.Broker
    if url.startswith(("redis://", "rediss://", "unix://")):
        from dramatiq.brokers.redis import RedisBroker

        # A dead worker's messages are requeued after this long without its heartbeat.
        broker = RedisBroker(  # type: ignore[no-untyped-call]
            url=url,
            heartbeat_timeout=settings.BROKER_HEARTBEAT_TIMEOUT_MS,
            # N in a million broker calls also requeue the messages of workers whose heartbeat stopped.
            maintenance_chance=settings.BROKER_MAINTENANCE_CHANCE,
        )
    elif url.startswith(("amqp://", "amqps://")):
        from dramatiq.brokers.rabbitmq import RabbitmqBroker

        broker = RabbitmqBroker(url=url)
    else:
        raise ImproperlyConfigured("BROKER_URL must start with redis://, rediss://, unix:// or amqp://")
    if settings.BROKER_QUEUE_PREFIX:
        broker.add_middleware(QueueNamespaceMiddleware(settings.BROKER_QUEUE_PREFIX))
    broker.add_middleware(TenantSchemaMiddleware())
    broker.add_middleware(WorkerPollingMiddleware(settings.WORKER_POLL_MS, settings.WORKER_PREFETCH))
    from dramatiq.middleware import Retries

    from mozaika.events.deadletters import DeadLetterMiddleware
    from mozaika.logs import RequestIdMiddleware
    from mozaika.metrics import QueueWaitMiddleware

    # "after" hooks run in reverse order: placed before Retries, it sees the verdict of Retries.
    broker.add_middleware(DeadLetterMiddleware(), before=Retries)
    broker.add_middleware(QueueWaitMiddleware())
    broker.add_middleware(RequestIdMiddleware())
    return broker


def install_broker() -> dramatiq.Broker:
    broker = build_broker(settings.BROKER_URL)
    dramatiq.set_broker(broker)
    # Registered after the embedded Redis's own exit handler, so it runs before it: the embedded
    # server only shuts down when it sees no other client, and our pooled connections count.
    atexit.register(close_broker, broker)
    return broker


def close_broker(broker: dramatiq.Broker) -> None:
    broker.close()
    client = getattr(broker, "client", None)
    if client is not None:
        client.connection_pool.disconnect()


def broker_ping() -> None:
    """Raise if the broker does not answer (used by /readyz)."""
    broker = dramatiq.get_broker()
    client = getattr(broker, "client", None)
    if client is not None:  # Redis
        client.ping()
        return
    connection_ = getattr(broker, "connection", None)  # RabbitMQ: opens the connection if needed
    if connection_ is None or not connection_.is_open:
        raise ConnectionError("broker connection is not open")
