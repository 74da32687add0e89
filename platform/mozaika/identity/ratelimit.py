"""Rate limits: fixed windows counted in the shared counter store (`mozaika.counters`), so every
API process counts alike (ninja's throttles are per process and not atomic)."""

from __future__ import annotations

import logging
import time

from mozaika.counters import CounterStoreDown, counter_store

logger = logging.getLogger(__name__)


def retry_after_if_over(count: int, *, limit: int, window_seconds: int) -> int | None:
    """None when `count` is within `limit`, else the seconds until the next window."""
    if count <= limit:
        return None
    now = time.time()
    return max(1, int((now // window_seconds + 1) * window_seconds - now))


def rate_limit_retry_after(*, key: str, limit: int, window_seconds: int) -> int | None:
    """Count one request for `key`; None when within `limit`, else seconds until the next window.
    A counter store that does not answer lets the request through (and says so in the log):
    refusing every request would turn its outage into the API's."""
    try:
        count = counter_store().hit(key, window_seconds)
    except CounterStoreDown:
        logger.warning("rate limit not counted for %s: the counter store does not answer", key)
        return None
    return retry_after_if_over(count, limit=limit, window_seconds=window_seconds)
