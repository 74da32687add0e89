"""Creating a gmina's tenant: its registry row and its own schema, migrated."""

from __future__ import annotations

from django.db import transaction

from mozaika.events.bus import event_record
from mozaika.tenancy import schema_name_for
from tenants.models import Gmina, GminaKind, Voivodeship


def gmina_provision(*, teryt: str, name: str, kind: GminaKind, actor: str) -> Gmina:
    """Create the gmina and its schema if it does not exist yet (idempotent)."""
    existing: Gmina | None = Gmina.objects.filter(teryt=teryt).first()
    if existing is not None:
        return existing
    voivodeship = Voivodeship.objects.get(code=teryt[:2])
    with transaction.atomic():
        # django-tenants creates and migrates the schema inside save().
        gmina = Gmina(teryt=teryt, name=name, kind=kind, voivodeship=voivodeship, schema_name=schema_name_for(teryt))
        gmina.save(verbosity=0)
        event_record(
            type="tenant.provisioned",
            teryt=teryt,
            aggregate="gmina",
            aggregate_id=teryt,
            aggregate_version=1,
            actor=actor,
            payload={"name": name, "kind": kind.value, "voivodeship": voivodeship.code},
        )
    return gmina
