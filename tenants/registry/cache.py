"""Registry entries kept per process. The register changes a few times a year (a TERC import)
and when a tenant is provisioned or deactivated; it is read on almost every request. An entry
is used while the registry's shared version (`mozaika.counters`) is the one it was read at;
every change moves the version in its transaction (`registry_changed`, called by the import
and the tenancy services, and by model signals for the admin and a shell)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from mozaika.counters import SharedVersion, versioned_cache

REGISTRY_VERSION = SharedVersion("registry")
registry_cache = versioned_cache(REGISTRY_VERSION)


def registry_changed() -> None:
    """The register or a tenant changed (or is changing in the current transaction)."""
    REGISTRY_VERSION.bump()


def _changed(sender: type, **kwargs: Any) -> None:
    registry_changed()


def connect_signals() -> None:
    from tenants.models import Gmina, Powiat, Tenant, Voivodeship

    for model in (Voivodeship, Powiat, Gmina, Tenant):
        post_save.connect(_changed, sender=model, dispatch_uid=f"registry-saved-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"registry-deleted-{model.__name__}")
