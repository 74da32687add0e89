"""The territorial registry, loaded from GUS's TERC register (`;`-separated, UTF-8 with BOM)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tenants.models import GminaKind, Voivodeship

TERC_2020 = Path(__file__).parent / "data" / "terc-2020-01-01.csv"

GMINA_KIND_BY_TERC_CODE = {"1": GminaKind.URBAN, "2": GminaKind.RURAL, "3": GminaKind.URBAN_RURAL}


@dataclass(frozen=True)
class TercRow:
    woj: str
    pow: str
    gmi: str
    rodz: str
    name: str
    kind_label: str

    @property
    def teryt(self) -> str:
        return f"{self.woj}{self.pow}{self.gmi}{self.rodz}"


def terc_rows(path: Path = TERC_2020) -> Iterator[TercRow]:
    with open(path, encoding="utf-8-sig", newline="") as source:
        for row in csv.DictReader(source, delimiter=";"):
            yield TercRow(
                woj=row["WOJ"].strip(),
                pow=row["POW"].strip(),
                gmi=row["GMI"].strip(),
                rodz=row["RODZ"].strip(),
                name=row["NAZWA"].strip(),
                kind_label=row["NAZWA_DOD"].strip(),
            )


def voivodeships_load(path: Path = TERC_2020) -> int:
    """Create or rename the voivodeships listed in the register; returns how many it holds."""
    count = 0
    for row in terc_rows(path):
        if row.pow:
            continue
        Voivodeship.objects.update_or_create(code=row.woj, defaults={"name": row.name.lower()})
        count += 1
    return count
