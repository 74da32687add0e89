"""Counters every API process shares: rate-limit windows and shared versions.

With a Redis (the broker's, when it is one, or `COUNTER_STORE_URL`) a request's counting costs
one round trip to it and no database write. Without one, the counters live in PostgreSQL (a
committed write per counted request); deployments on RabbitMQ should name a Redis in
`COUNTER_STORE_URL`.

A shared version (`SharedVersion`) moves whenever the data a process keeps in memory changes
(the principals, the registry); caches compare their entries with it. The API's gate reads
every version in the same round trip as the rate limit, once per request (`request_versions`).
"""

from __future__ import annotations

import contextvars
import functools
import logging
import random
import threading
import time
from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

from django.conf import settings
from django.db import connection, transaction

from mozaika.errors import ServiceUnavailable

logger = logging.getLogger(__name__)

Versions = dict[str, int]
T = TypeVar("T")
_declared: list[str] = []
# The versions read for the request being served (None outside a request, or before the gate).
_request_versions: contextvars.ContextVar[Versions | None] = contextvars.ContextVar("versions", default=None)


class CounterStoreDown(ServiceUnavailable):
    """The counter store did not answer (the reason is logged, never sent: it names hosts)."""

    def __init__(self, reason: str) -> None:
        super().__init__("A service this change needs does not answer; nothing was changed. Try again shortly.")
        self.reason = reason


class CounterStore(Protocol):
    def hit(self, key: str, window_seconds: int) -> int:
        """Count one for `key` in the current window; the window's count so far."""

    def hit_and_versions(self, key: str, window_seconds: int, names: list[str]) -> tuple[int, Versions]:
        """`hit`, and the versions `names`, in one round trip."""

    def versions(self, names: list[str]) -> Versions: ...

    def version_bump(self, name: str, *, strict: bool) -> None:
        """Move a version now and again once the caller's transaction commits, so a cache
        filled between the two reads the change. `strict`: a store that does not answer fails
        the change (credentials); otherwise it is logged and the caches' age limit bounds it."""


def current_window(window_seconds: int) -> int:
    return int(time.time() // window_seconds)


# After a failure the store is not asked again for this long: a Redis that stopped answering
# would otherwise cost every request its timeouts.
_DOWN_SECONDS = 5.0


class RedisCounters:
    def __init__(self, url: str, namespace: str) -> None:
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        self._errors: tuple[type[Exception], ...] = (redis.RedisError, OSError)
        self.client = redis.Redis.from_url(
            url, socket_timeout=0.5, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0)
        )
        self.namespace = namespace
        self._down_until = 0.0

    def _call(self, work: Callable[[], T]) -> T:
        if time.monotonic() < self._down_until:
            raise CounterStoreDown("not answering (asked again shortly)")
        try:
            return work()
        except self._errors as error:
            self._down_until = time.monotonic() + _DOWN_SECONDS
            logger.warning("counter store: %s", error)
            raise CounterStoreDown(str(error)) from error

    def _version_key(self, name: str) -> str:
        return f"{self.namespace}version:{name}"

    def _run(self, key: str | None, window_seconds: int, names: list[str]) -> tuple[int, Versions]:
        pipe = self.client.pipeline(transaction=False)
        if key is not None:
            rate_key = f"{self.namespace}rate:{key}:{current_window(window_seconds)}"
            pipe.incr(rate_key)
            pipe.expire(rate_key, window_seconds * 2)
        if names:
            pipe.mget([self._version_key(name) for name in names])
        replies = self._call(pipe.execute)
        count = int(replies[0]) if key is not None else 0
        values = replies[-1] if names else []
        return count, {name: int(value or 0) for name, value in zip(names, values, strict=True)}

    def hit(self, key: str, window_seconds: int) -> int:
        return self._run(key, window_seconds, [])[0]

    def hit_and_versions(self, key: str, window_seconds: int, names: list[str]) -> tuple[int, Versions]:
        return self._run(key, window_seconds, names)

    def versions(self, names: list[str]) -> Versions:
        return self._run(None, 0, names)[1]

    def _bump(self, name: str) -> None:
        self._call(lambda: self.client.incr(self._version_key(name)))

    def version_bump(self, name: str, *, strict: bool) -> None:
        # Before the commit: with `strict`, a store that does not answer fails the change whole
        # (a 503) rather than committing while other processes serve what they hold.
        try:
            self._bump(name)
        except CounterStoreDown:
            if strict:
                raise
            logger.error("version %s not moved: caches show the change within their age limit", name)
        transaction.on_commit(lambda: self._bump_after_commit(name))

    def _bump_after_commit(self, name: str) -> None:
        for _ in range(3):  # committed already: worth a few tries
            try:
                self.client.incr(self._version_key(name))
                return
            except self._errors:
                time.sleep(0.05)
        logger.error("version %s not moved after commit; caches show it within their age limit", name)


class PostgresCounters:
    """The fallback: counters as rows of `identity_ratewindow`, versions in window 0."""

    def __init__(self) -> None:
        from mozaika.identity.models import RateWindow

        self.table = f"public.{RateWindow._meta.db_table}"

    def _upsert(self) -> str:
        return (
            f'INSERT INTO {self.table} (key, "window", count) VALUES (%s, %s, 1) '  # noqa: S608
            f'ON CONFLICT (key, "window") DO UPDATE SET count = {self.table}.count + 1 RETURNING count'
        )

    def hit(self, key: str, window_seconds: int) -> int:
        window = current_window(window_seconds)
        with connection.cursor() as cursor:
            cursor.execute(self._upsert(), [key, window])
            row = cursor.fetchone()
            if random.random() < 0.01:  # noqa: S311  (housekeeping, not security): windows that are over
                cursor.execute(f'DELETE FROM {self.table} WHERE "window" BETWEEN 1 AND %s', [window - 2])  # noqa: S608
        return int(row[0]) if row else 0

    def hit_and_versions(self, key: str, window_seconds: int, names: list[str]) -> tuple[int, Versions]:
        return self.hit(key, window_seconds), self.versions(names)

    def versions(self, names: list[str]) -> Versions:
        keys = [f"version:{name}" for name in names]
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT key, count FROM {self.table} WHERE key = ANY(%s) AND "window" = 0', [keys])  # noqa: S608
            found = dict(cursor.fetchall())
        return {name: int(found.get(f"version:{name}", 0)) for name in names}

    def version_bump(self, name: str, *, strict: bool) -> None:
        # Once the caller's transaction commits, in a statement of its own: a bump inside it
        # would hold the version's row lock to the commit, one writer at a time (every snapshot
        # refresh). Readers read the version before the data, so a bump after the commit is
        # enough; a process dying in between leaves the caches to their age limit.
        def bump() -> None:
            with connection.cursor() as cursor:
                cursor.execute(self._upsert(), [f"version:{name}", 0])

        transaction.on_commit(bump)


def _store_url() -> str:
    if settings.COUNTER_STORE_URL:
        return str(settings.COUNTER_STORE_URL)
    if settings.BROKER_URL.startswith(("redis://", "rediss://", "unix://")):
        return str(settings.BROKER_URL)
    return ""


@functools.cache
def counter_store() -> CounterStore:
    url = _store_url()
    if not url:
        return PostgresCounters()
    # One database (and queue prefix), one set of counters, whoever else shares the Redis.
    namespace = f"mozaika:{settings.DATABASES['default']['NAME']}:{settings.BROKER_QUEUE_PREFIX}"
    return RedisCounters(url, namespace)


class SharedVersion:
    """A version every process reads to know whether what it keeps in memory is still current."""

    def __init__(self, name: str, *, strict: bool = False) -> None:
        """`strict`: a change must not commit while the version cannot be moved (credentials)."""
        self.name = name
        self.strict = strict
        self.caches: list[VersionedCache[Any]] = []  # this process's caches that depend on it
        _declared.append(name)

    def current(self) -> int:
        """As read for this request by the gate, or else from the store now."""
        versions = _request_versions.get()
        if versions is not None and self.name in versions:
            return versions[self.name]
        return counter_store().versions([self.name])[self.name]

    def bump(self) -> None:
        # This process forgets at once (the request that made the change may read again before
        # it ends, with the versions it read at its start); the others by the moved version.
        for cache in self.caches:
            cache.clear()
        counter_store().version_bump(self.name, strict=self.strict)


def declared_versions() -> list[str]:
    return list(_declared)


def request_versions_remember(versions: Versions) -> None:
    _request_versions.set(versions)


def request_versions_forget() -> None:
    _request_versions.set(None)


class VersionedCache(Generic[T]):
    """Values kept in this process while the shared versions they were read at are current: a
    change anywhere moves a version, and every process reads the value again. The versions are
    read before the value, so a change committed meanwhile leaves the entry behind them. An
    entry older than `CACHE_MAX_AGE_SECONDS` is read again whatever the versions say."""

    def __init__(self, *versions: SharedVersion, max_entries: int = 10_000) -> None:
        self.versions = versions
        self.max_entries = max_entries
        for version in versions:
            version.caches.append(self)
        self._entries: dict[str, tuple[tuple[int, ...], float, T]] = {}
        self._lock = threading.Lock()

    def get(self, key: str, read: Callable[[], T]) -> T:
        try:
            current: tuple[int, ...] | None = tuple(version.current() for version in self.versions)
        except CounterStoreDown:
            current = None  # unknown: read, and keep nothing
        if current is not None:
            with self._lock:
                held = self._entries.get(key)
            fresh = held is not None and time.monotonic() - held[1] < settings.CACHE_MAX_AGE_SECONDS
            if held is not None and fresh and held[0] == current:
                return held[2]
        value = read()
        if current is not None:
            with self._lock:
                if len(self._entries) >= self.max_entries:
                    self._entries.clear()
                self._entries[key] = (current, time.monotonic(), value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


_caches: list[VersionedCache[Any]] = []


def versioned_cache(*versions: SharedVersion, max_entries: int = 10_000) -> VersionedCache[Any]:
    """A process cache; the tests empty every one between tests (`caches_clear`)."""
    cache: VersionedCache[Any] = VersionedCache(*versions, max_entries=max_entries)
    _caches.append(cache)
    return cache


def caches_clear() -> None:
    for cache in _caches:
        cache.clear()
