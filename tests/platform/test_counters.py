"""The shared counter store, both kinds: Redis (the tests' broker's, or COUNTER_STORE_URL's) and
the PostgreSQL fallback. Counts and versions as every API process sees them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction

from mozaika.counters import CounterStore, CounterStoreDown, PostgresCounters, RedisCounters, _store_url


def redis_url() -> str:
    url = _store_url()
    if not url:
        pytest.fail("the tests' configuration names no Redis: set COUNTER_STORE_URL (see the Makefile)")
    return url


@pytest.fixture(params=["redis", "postgresql"])
def store(request: pytest.FixtureRequest, db: None) -> Iterator[CounterStore]:
    if request.param == "redis":
        yield RedisCounters(redis_url(), f"test-counters:{uuid.uuid4().hex}:")
    else:
        yield PostgresCounters()


def test_hits_count_per_key_and_window(store: CounterStore) -> None:
    key = f"person:{uuid.uuid4().hex}"

    hour = 3600  # a window the test cannot straddle but once an hour
    counts = [store.hit(key, hour) for _ in range(3)]
    other = store.hit(key + "-other", hour)
    count, versions = store.hit_and_versions(key, hour, ["principals"])

    assert counts == [1, 2, 3]
    assert other == 1
    assert count == 4
    assert set(versions) == {"principals"}


def test_a_version_moves_once_the_change_commits_and_never_backwards(
    store: CounterStore, django_capture_on_commit_callbacks: Any
) -> None:
    name = f"v{uuid.uuid4().hex[:8]}"
    before = store.versions([name])[name]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        store.version_bump(name, strict=True)
    committed = store.versions([name])[name]

    assert committed > before
    try:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            store.version_bump(name, strict=True)
            raise RuntimeError("the change fails")
    except RuntimeError:
        pass
    after_rollback = store.versions([name])[name]
    if isinstance(store, PostgresCounters):
        assert after_rollback == committed  # moved after a commit only: nothing to show for a rollback
    else:
        # Redis moved it before the failed commit: harmless (caches read again), never backwards.
        assert after_rollback >= committed


def test_a_redis_that_does_not_answer_is_a_503_not_a_silent_pass(db: None) -> None:
    down = RedisCounters("redis://127.0.0.1:9/0", "nowhere:")

    with pytest.raises(CounterStoreDown) as refused:
        down.hit("person:1", 60)
    assert refused.value.status == 503
    assert "127.0.0.1" not in refused.value.detail  # the reason is logged, never sent
    with pytest.raises(CounterStoreDown), transaction.atomic():
        down.version_bump("principals", strict=True)  # a credential's change fails whole
    with transaction.atomic():
        down.version_bump("snapshots", strict=False)  # a view's change goes on, and is logged


def test_the_store_is_the_configured_redis_or_the_brokers() -> None:
    expected = settings.COUNTER_STORE_URL or settings.BROKER_URL

    assert _store_url() == expected
    assert expected.startswith(("redis://", "unix://"))


def test_a_versioned_cache_reads_again_after_its_version_moves_even_within_one_request(db: None) -> None:
    from mozaika.counters import SharedVersion, request_versions_forget, request_versions_remember, versioned_cache

    version = SharedVersion(f"test-{uuid.uuid4().hex[:8]}")
    cache = versioned_cache(version)
    reads: list[int] = []

    def read() -> int:
        reads.append(1)
        return len(reads)

    request_versions_remember({version.name: version.current()})  # as the gate does
    try:
        assert cache.get("k", read) == 1
        assert cache.get("k", read) == 1  # kept
        with transaction.atomic():
            version.bump()  # a change made by this very request
        assert cache.get("k", read) == 2  # read again, though the request's versions are the old ones
    finally:
        request_versions_forget()
    assert cache.get("k", read) == 3  # the next request reads the moved version: read again
    assert cache.get("k", read) == 3
