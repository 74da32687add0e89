"""API shapes of tenants."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from mozaika.tenancy import TERYT_PATTERN
from tenants.models import TenantKind
from tenants.registry.schemas import VoivodeshipOut


class TenantIn(Schema):
    code: str = Field(pattern=TERYT_PATTERN, description="TERYT of a gmina (7 digits) or a powiat (4 digits)")


class TenantOut(Schema):
    code: str
    kind: TenantKind
    name: str
    voivodeship: VoivodeshipOut
    is_active: bool
    created_at: dt.datetime
