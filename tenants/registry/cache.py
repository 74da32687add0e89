"""Registry entries kept per process. The register changes a few times a year (a TERC import)
and when a tenant is provisioned or deactivated; it is read on almost every request. An entry
is used while the registry's shared version (`mozaika.counters`) is the one it was read at;
every change moves the version in its transaction (`registry_changed`, called by the import
and the tenancy services, and by model signals for the admin and a shell)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models.signals import post_delete, post_save

from mozaika.counters import CounterStoreDown, SharedVersion

REGISTRY_VERSION = SharedVersion("registry")
T = TypeVar("T")


class RegistryCache:
    def __init__(self) -> None:
        self._entries: dict[str, tuple[int, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: str, read: Callable[[], T]) -> T:
        """The entry for `key`, read by `read` unless this process holds it at the current
        version. The version is read before `read`, so a change committed meanwhile leaves
        the entry behind the version, and it is read again next time."""
        try:
            version: int | None = REGISTRY_VERSION.current()
        except CounterStoreDown:
            version = None
        if version is not None:
            with self._lock:
                held = self._entries.get(key)
            if held is not None and held[0] == version:
                value: T = held[1]
                return value
        value = read()
        if version is not None:
            with self._lock:
                self._entries[key] = (version, value)  # bounded: one per registry entry asked for
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


registry_cache = RegistryCache()


def registry_changed() -> None:
    """The register or a tenant changed (or is changing in the current transaction)."""
    registry_cache.clear()
    REGISTRY_VERSION.bump()


def _changed(sender: type, **kwargs: Any) -> None:
    registry_changed()


def connect_signals() -> None:
    from tenants.models import Gmina, Powiat, Tenant, Voivodeship

    for model in (Voivodeship, Powiat, Gmina, Tenant):
        post_save.connect(_changed, sender=model, dispatch_uid=f"registry-saved-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"registry-deleted-{model.__name__}")
