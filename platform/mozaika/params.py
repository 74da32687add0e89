"""What enters at the API's edge, declared once: path parameters with their pattern and
description, and days and moments that are only what they say (pydantic's lax mode would read
`0` as 1 January 1970, which no client means)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from ninja.params.functions import Path
from pydantic import BeforeValidator

from mozaika.tenancy import TERYT_GMINA_PATTERN

# The edge where a gmina's TERYT code enters; services make it a `mozaika.tenancy.Teryt`.
GminaTerytPath = Path(..., pattern=TERYT_GMINA_PATTERN, description="7-digit TERYT (TERC) code of the gmina")

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def _day_text(value: object) -> object:
    if isinstance(value, str) and not _ISO_DAY.fullmatch(value):
        raise ValueError("a day as YYYY-MM-DD")
    if isinstance(value, int | float):
        raise ValueError("a day as YYYY-MM-DD, not a number")
    return value


def _moment_text(value: object) -> object:
    if isinstance(value, int | float) or (isinstance(value, str) and _NUMBER.fullmatch(value.strip())):
        raise ValueError("a moment in ISO 8601, e.g. 2026-03-02T12:00:00+01:00, not a number")
    return value


Day = Annotated[date, BeforeValidator(_day_text)]
Moment = Annotated[datetime, BeforeValidator(_moment_text)]
