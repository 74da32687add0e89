"""Transaction-scoped PostgreSQL advisory locks, under one key scheme: a namespace (what is
locked: a tenant's provisioning, a view's refresh, a call's evaluation) and a key within it,
each hashed to 31 bits, so locks of different kinds never collide on the same number."""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from django.db import connection


def _int31(text: str) -> int:
    return zlib.crc32(text.encode()) & 0x7FFFFFFF


def advisory_xact_lock(namespace: str, key: str) -> None:
    """Wait for, then hold until the transaction ends, the lock on `key` in `namespace`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_int31(namespace), _int31(key)])


def advisory_xact_locks(namespace: str, keys: Iterable[str]) -> None:
    """`advisory_xact_lock` for many keys in one round trip, always taken in the same order
    (by their numbers), so two holders of overlapping sets cannot deadlock."""
    numbers = sorted({_int31(key) for key in keys})
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_advisory_xact_lock(%s, k)) FROM (SELECT unnest(%s::int[]) AS k ORDER BY 1) keys",
            [_int31(namespace), numbers],
        )


def advisory_xact_lock_try(namespace: str, key: str) -> bool:
    """Take the lock on `key` in `namespace` until the transaction ends if nobody holds it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [_int31(namespace), _int31(key)])
        row = cursor.fetchone()
    return bool(row and row[0])
