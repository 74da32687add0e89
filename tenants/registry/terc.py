"""The territorial registry, loaded from GUS's TERC register (`;`-separated, UTF-8 with BOM).

Two kinds of file share the TERC columns `WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA`:
- a full register: every unit as of its date; units it no longer lists are deactivated;
- a change file: the same columns plus a change column (`ZMIANA`, `TYP_ZMIANY` or `TYP_KOR`)
  holding `D` (created), `M` (modified) or `U` (removed), applied as updates.
A file is checked whole first: any bad row is reported with its line number and nothing is
imported.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from django.db import transaction

from mozaika.errors import FieldError, ValidationFailed
from mozaika.tenancy import Teryt
from tenants.models import GMINA_KIND_BY_TERC_DIGIT, Gmina, Powiat, Voivodeship
from tenants.registry.cache import registry_changed

TERC_2020 = Path(__file__).parent / "data" / "terc-2020-01-01.csv"
TERC_COLUMNS = ("WOJ", "POW", "GMI", "RODZ", "NAZWA")
CHANGE_COLUMNS = ("ZMIANA", "TYP_ZMIANY", "TYP_KOR")


class Change(StrEnum):
    CREATED = "D"
    MODIFIED = "M"
    REMOVED = "U"


@dataclass(frozen=True)
class TercRow:
    line: int
    code: str  # 2, 4 or 7 digits
    name: str
    kind_digit: str
    change: Change | None

    @property
    def level(self) -> str:
        return {2: "voivodeship", 4: "powiat", 7: "gmina"}[len(self.code)]


@dataclass
class ImportSummary:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    deactivated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)

    def lines(self) -> list[str]:
        return [
            f"{what}: " + ", ".join(f"{level} {n}" for level, n in sorted(counter.items()))
            for what, counter in vars(self).items()
            if counter
        ]


class RegistryImportError(ValidationFailed):
    """The file has bad rows; `errors` name them as `line N`."""


def _parse(path: Path, *, changes: bool) -> list[TercRow]:
    rows: list[TercRow] = []
    errors: list[FieldError] = []
    with open(path, encoding="utf-8-sig", newline="") as source:
        reader = csv.DictReader(source, delimiter=";")
        header = reader.fieldnames or []
        missing = [c for c in TERC_COLUMNS if c not in header]
        change_column = next((c for c in CHANGE_COLUMNS if c in header), None)
        if missing or (changes and change_column is None):
            need = missing or [f"one of {', '.join(CHANGE_COLUMNS)}"]
            raise RegistryImportError(
                f"{path.name} is not a TERC {'change ' if changes else ''}file.",
                errors=[FieldError("line 1", f"missing column {', '.join(need)}")],
            )
        for line, raw in enumerate(reader, start=2):
            values = {k: (v or "").strip() for k, v in raw.items() if k is not None}
            if not any(values.values()):
                continue  # a blank line, as at the end of GUS's files
            row, problem = _row(line, values, change_column if changes else None)
            if problem:
                errors.append(FieldError(f"line {line}", problem))
            elif row is not None:
                rows.append(row)
    errors.extend(_duplicates(rows))
    if errors:
        raise RegistryImportError(f"{path.name}: {len(errors)} bad row(s); nothing was imported.", errors=errors)
    return rows


def _row(line: int, values: dict[str, str], change_column: str | None) -> tuple[TercRow | None, str | None]:
    woj, pow_, gmi, rodz, name = (values.get(c, "") for c in TERC_COLUMNS)
    if not name:
        return None, "empty name (NAZWA)"
    for column, value in (("WOJ", woj), ("POW", pow_), ("GMI", gmi)):
        if value and not (len(value) == 2 and value.isdigit()):
            return None, f"{column} must be 2 digits, got {value!r}"
    if not woj:
        return None, "empty voivodeship code (WOJ)"
    if gmi and not pow_:
        return None, "a gmina code (GMI) without a powiat code (POW)"
    if bool(gmi) != bool(rodz):
        return None, "GMI and RODZ must both be set (a gmina) or both be empty"
    if rodz and rodz not in GMINA_KIND_BY_TERC_DIGIT:
        return None, f"unknown gmina kind RODZ={rodz!r}"
    change: Change | None = None
    if change_column is not None:
        try:
            change = Change(values.get(change_column, "").upper())
        except ValueError:
            return None, f"{change_column} must be D, M or U, got {values.get(change_column)!r}"
    return TercRow(line=line, code=woj + pow_ + gmi + rodz, name=name, kind_digit=rodz, change=change), None


def _duplicates(rows: Iterable[TercRow]) -> list[FieldError]:
    first_line: dict[str, int] = {}
    errors = []
    for row in rows:
        if row.code in first_line:
            errors.append(
                FieldError(f"line {row.line}", f"duplicate code {row.code} (first on line {first_line[row.code]})")
            )
        else:
            first_line.setdefault(row.code, row.line)
    return errors


def registry_import(path: Path = TERC_2020, *, changes: bool = False) -> ImportSummary:
    """Import a full TERC register or a change file, all or nothing."""
    rows = _parse(path, changes=changes)
    with transaction.atomic():
        return _apply(rows, full=not changes)


MODELS: dict[str, type[Voivodeship] | type[Powiat] | type[Gmina]] = {
    "voivodeship": Voivodeship,
    "powiat": Powiat,
    "gmina": Gmina,
}
LEVELS = tuple(MODELS)


def _apply(rows: list[TercRow], *, full: bool) -> ImportSummary:
    summary = ImportSummary()
    units: dict[str, dict[str, Any]] = {
        "voivodeship": {v.code: v for v in Voivodeship.objects.select_for_update()},
        "powiat": {p.code: p for p in Powiat.objects.select_for_update()},
        "gmina": {g.teryt: g for g in Gmina.objects.select_for_update()},
    }
    to_create: dict[str, list[Any]] = {level: [] for level in LEVELS}
    to_update: dict[str, list[Any]] = {level: [] for level in LEVELS}
    to_deactivate: dict[str, list[str]] = {level: [] for level in LEVELS}
    errors: list[FieldError] = []
    seen: set[str] = set()

    for row in sorted(rows, key=lambda r: len(r.code)):  # parents before children
        seen.add(row.code)
        existing = units[row.level].get(row.code)
        if row.change is Change.REMOVED:
            if existing is None:
                errors.append(FieldError(f"line {row.line}", f"cannot remove unknown unit {row.code}"))
            elif existing.is_active:
                to_deactivate[row.level].append(row.code)
                summary.deactivated[row.level] += 1
            continue
        if row.change is Change.MODIFIED and existing is None:
            errors.append(FieldError(f"line {row.line}", f"cannot modify unknown unit {row.code}"))
            continue
        parent_problem = _parent_problem(row, units["voivodeship"], units["powiat"])
        if parent_problem:
            errors.append(FieldError(f"line {row.line}", parent_problem))
            continue
        values = _values(row)
        if existing is None:
            unit = MODELS[row.level](**values)
            units[row.level][row.code] = unit
            to_create[row.level].append(unit)
            summary.created[row.level] += 1
        elif any(getattr(existing, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(existing, k, v)
            to_update[row.level].append(existing)
            summary.updated[row.level] += 1
        else:
            summary.unchanged[row.level] += 1

    if full:
        for level in LEVELS:
            for code, unit in units[level].items():
                if code not in seen and unit.is_active:
                    to_deactivate[level].append(code)
                    summary.deactivated[level] += 1
    if errors:
        raise RegistryImportError(f"{len(errors)} bad row(s); nothing was imported.", errors=errors)
    for level in LEVELS:  # parents first, so that foreign keys hold
        model = MODELS[level]
        model.objects.bulk_create(to_create[level], batch_size=1000)
        fields = [f.name for f in model._meta.concrete_fields if not f.primary_key]
        model.objects.bulk_update(to_update[level], fields, batch_size=1000)
        model.objects.filter(pk__in=to_deactivate[level]).update(is_active=False)
    registry_changed()
    return summary


def _parent_problem(row: TercRow, voivodeships: dict[str, Voivodeship], powiats: dict[str, Powiat]) -> str | None:
    if row.level == "voivodeship":
        return None
    code = Teryt(row.code)
    if code.voivodeship not in voivodeships:
        return f"unknown voivodeship {code.voivodeship} for {code}"
    if row.level == "gmina" and code.powiat not in powiats:
        return f"unknown powiat {code.powiat} for {code}"
    return None


def _values(row: TercRow) -> dict[str, object]:
    if row.level == "voivodeship":
        return {"code": row.code, "name": row.name.lower(), "is_active": True}
    code = Teryt(row.code)
    if row.level == "powiat":
        return {"code": row.code, "name": row.name, "voivodeship_id": code.voivodeship, "is_active": True}
    # Foreign keys by id: comparing related objects would fetch each one.
    return {
        "teryt": row.code,
        "name": row.name,
        "kind": GMINA_KIND_BY_TERC_DIGIT[row.kind_digit],
        "powiat_id": code.powiat,
        "voivodeship_id": code.voivodeship,
        "is_active": True,
    }
