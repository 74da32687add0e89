"""The way in for every API request: who the bearer credential stands for, counted against its
rate limit, in one round trip to the counter store when the principal is cached: the same trip
reads every shared version, for the process's caches to check during the request."""

from __future__ import annotations

import logging
import time
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from mozaika.counters import CounterStoreDown, counter_store, declared_versions, request_versions_remember
from mozaika.errors import RateLimited
from mozaika.identity.cache import PRINCIPALS_VERSION, CachedPrincipal, principal_cache
from mozaika.identity.principal import Principal
from mozaika.identity.ratelimit import retry_after_if_over
from mozaika.identity.tokens import Credential, credential_lookup, token_digest, token_last_use_record
from mozaika.metrics import RATE_LIMITED

logger = logging.getLogger(__name__)


def rate_key(principal: Principal) -> str:
    return f"{principal.kind}:{principal.id}"


def admitted_principal(secret: str) -> Principal | None:
    """The principal behind a valid credential, or None; raises `RateLimited` past its limit."""
    digest = token_digest(secret)
    now = timezone.now()
    store = counter_store()
    window = settings.API_RATE_LIMIT_WINDOW_SECONDS
    count: int | None = None
    entry = principal_cache.get(digest, now=now)
    if entry is not None:
        try:
            count, versions = store.hit_and_versions(rate_key(entry.principal), window, declared_versions())
        except CounterStoreDown:
            logger.warning("counter store down: credentials read from the database, rate limits not counted")
            entry = None
        else:
            request_versions_remember(versions)  # the process's other caches check theirs against these
            if versions[PRINCIPALS_VERSION.name] != entry.version:
                principal_cache.forget(digest)
                entry = None
    if entry is None:
        entry = _read_through(secret, digest)
        if entry is None:
            return None
        if count is None:
            count = _count(rate_key(entry.principal), window)
    _record_last_use(entry, now)
    if count is not None:
        retry_after = retry_after_if_over(count, limit=settings.API_RATE_LIMIT_PER_MINUTE, window_seconds=window)
        if retry_after is not None:
            RATE_LIMITED.labels("credential").inc()
            raise RateLimited(retry_after)
    return entry.principal


def _read_through(secret: str, digest: str) -> CachedPrincipal | None:
    """The credential from the database; cached under the version read *before* it, so a change
    committed meanwhile moves the version past the entry's."""
    try:
        version: int | None = PRINCIPALS_VERSION.current()
    except CounterStoreDown:
        version = None
    credential = credential_lookup(secret)
    if credential is None:
        return None
    entry = _entry(credential, version or 0)
    if version is not None:
        principal_cache.put(digest, entry)
    return entry


def _entry(credential: Credential, version: int) -> CachedPrincipal:
    return CachedPrincipal(
        principal=credential.principal,
        version=version,
        credential_expires_at=credential.expires_at,
        cached_at=time.monotonic(),
        token_id=credential.token_id,
        last_use_recorded_at=credential.last_used_at,
    )


def _count(key: str, window: int) -> int | None:
    try:
        return counter_store().hit(key, window)
    except CounterStoreDown:
        return None


def _record_last_use(entry: CachedPrincipal, now: datetime) -> None:
    if entry.token_id is None:
        return
    if token_last_use_record(token_id=entry.token_id, last_used_at=entry.last_use_recorded_at, now=now):
        entry.last_use_recorded_at = now
