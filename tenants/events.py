"""The events of a gmina's tenancy (`mozaika.events.catalogue`)."""

# No `from __future__ import annotations`: TypedDict reads NotRequired from real annotations.
from typing import TypedDict

from mozaika.events.catalogue import Audience, event_type


class TenantProvisioned(TypedDict):
    kind: str
    name: str
    voivodeship: str
    outcome: str


class TenantDeprovisioned(TypedDict):
    export: str
    sha256: str
    rows: int


class TenantSchemaDropped(TypedDict):
    pass


TENANT_PROVISIONED = event_type(
    "tenant.provisioned", aggregate="tenant", payload=TenantProvisioned,
    description="A gmina or powiat became a tenant, with its own schema.", audience=Audience.OPERATORS,
)  # fmt: skip
TENANT_DEPROVISIONED = event_type(
    "tenant.deprovisioned", aggregate="tenant", payload=TenantDeprovisioned,
    description="A tenant was deactivated; its data was exported to the archive first.",
    audience=Audience.OPERATORS,
)  # fmt: skip
TENANT_SCHEMA_DROPPED = event_type(
    "tenant.schema_dropped", aggregate="tenant", payload=TenantSchemaDropped,
    description="A deactivated tenant's schema was dropped after its export.", audience=Audience.OPERATORS,
)  # fmt: skip


class PopulationsLoaded(TypedDict):
    gminas: int
    years: list[int]


# The registry's figures changed for many gminas at once: every rollup recomputes its shares.
POPULATIONS_LOADED = event_type(
    "registry.populations_loaded", aggregate="registry", payload=PopulationsLoaded,
    description="GUS population figures were loaded for the gminas.", audience=Audience.OPERATORS,
)  # fmt: skip


class StandardsLoaded(TypedDict):
    edition: int
    added: int
    changed: int
    retired: int


# The catalogue of standard indicators changed: how the rollups add indicators up may have too.
STANDARDS_LOADED = event_type(
    "registry.standards_loaded", aggregate="registry", payload=StandardsLoaded,
    description="A new edition of the standard indicators' catalogue was loaded.", audience=Audience.OPERATORS,
)  # fmt: skip
