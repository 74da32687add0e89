"""Reads of the registry of gminas (public schema)."""

from __future__ import annotations

from django.db.models import QuerySet

from mozaika.errors import NotFound
from tenants.models import Gmina


def gmina_get(*, teryt: str) -> Gmina:
    gmina: Gmina | None = Gmina.objects.select_related("voivodeship").filter(teryt=teryt).first()
    if gmina is None:
        raise NotFound(f"Gmina {teryt} is not a Mozaika tenant.")
    return gmina


def gmina_list(*, only: set[str] | None) -> QuerySet[Gmina]:
    gminas: QuerySet[Gmina] = Gmina.objects.select_related("voivodeship").order_by("teryt")
    return gminas if only is None else gminas.filter(teryt__in=only)
