"""Rate limits per credential: a fixed-window counter incremented atomically in PostgreSQL, so
every API process shares it (ninja's throttles are per process and not atomic)."""

from __future__ import annotations

import random
import time

from django.db import connection

from mozaika.identity.models import RateWindow

_TABLE = RateWindow._meta.db_table


def rate_limit_retry_after(*, key: str, limit: int, window_seconds: int) -> int | None:
    """Count one request for `key`; None when within `limit`, else seconds until the next window."""
    now = time.time()
    window = int(now // window_seconds)
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO public.{_TABLE} (key, "window", count) VALUES (%s, %s, 1) '  # noqa: S608
            f'ON CONFLICT (key, "window") DO UPDATE SET count = public.{_TABLE}.count + 1 RETURNING count',
            [key, window],
        )
        row = cursor.fetchone()
        if random.random() < 0.01:  # noqa: S311  (housekeeping, not security)
            cursor.execute(f'DELETE FROM public.{_TABLE} WHERE "window" < %s', [window - 1])  # noqa: S608
    count = int(row[0]) if row else 0
    if count <= limit:
        return None
    return max(1, int((window + 1) * window_seconds - now))
