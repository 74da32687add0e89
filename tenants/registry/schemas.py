"""API shapes of the territorial register."""

from __future__ import annotations

from ninja import Schema

from tenants.models import Gmina, GminaKind


class VoivodeshipOut(Schema):
    code: str
    name: str


class PowiatOut(Schema):
    code: str
    name: str
    is_city_with_powiat_rights: bool


class GminaOut(Schema):
    """A registry entry, with its parents and whether it is a provisioned tenant."""

    teryt: str
    name: str
    kind: GminaKind
    kind_label: str
    is_active: bool
    provisioned: bool
    powiat: PowiatOut
    voivodeship: VoivodeshipOut

    @staticmethod
    def resolve_kind_label(obj: Gmina) -> str:
        return str(obj.get_kind_display())
