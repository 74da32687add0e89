"""Principals kept per process, so a request with a known credential reads no database.

An entry is used only while the principals' version (`mozaika.counters`) is the one it was read
at: every change to a credential, an account or a role grant moves the version in the same
transaction (`principals_changed`, called by the services and by model signals for the admin),
so the first request after a revoke returns reads the principal again and is refused. Entries
also expire with their credential and after `CACHE_MAX_AGE_SECONDS`, the bound should a
version move ever be lost (the counter store failing right after a commit).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from mozaika.counters import SharedVersion
from mozaika.identity.principal import Principal

PRINCIPALS_VERSION = SharedVersion("principals", strict=True)

_MAX_ENTRIES = 10_000


@dataclass
class CachedPrincipal:
    principal: Principal
    version: int
    credential_expires_at: datetime
    cached_at: float  # time.monotonic()
    token_id: int | None = None  # a person's token, whose last use is recorded now and then
    last_use_recorded_at: datetime | None = None


class PrincipalCache:
    def __init__(self) -> None:
        self._entries: OrderedDict[str, CachedPrincipal] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, digest: str, *, now: datetime) -> CachedPrincipal | None:
        with self._lock:
            entry = self._entries.get(digest)
            if entry is None:
                return None
            fresh = time.monotonic() - entry.cached_at < settings.CACHE_MAX_AGE_SECONDS
            if not fresh or entry.credential_expires_at <= now:
                del self._entries[digest]
                return None
            self._entries.move_to_end(digest)
            return entry

    def put(self, digest: str, entry: CachedPrincipal) -> None:
        with self._lock:
            self._entries[digest] = entry
            self._entries.move_to_end(digest)
            while len(self._entries) > _MAX_ENTRIES:
                self._entries.popitem(last=False)

    def forget(self, digest: str) -> None:
        with self._lock:
            self._entries.pop(digest, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


principal_cache = PrincipalCache()


def principals_changed() -> None:
    """A credential, an account or a role grant changed (or is changing in the current
    transaction): every process reads its principals again."""
    principal_cache.clear()
    PRINCIPALS_VERSION.bump()
