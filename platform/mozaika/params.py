"""Path parameters shared by every router, declared once with their pattern and description."""

from __future__ import annotations

from ninja.params.functions import Path

from mozaika.tenancy import TERYT_GMINA_PATTERN

# The edge where a gmina's TERYT code enters; services make it a `mozaika.tenancy.Teryt`.
GminaTerytPath = Path(..., pattern=TERYT_GMINA_PATTERN, description="7-digit TERYT (TERC) code of the gmina")
