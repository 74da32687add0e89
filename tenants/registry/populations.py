"""Gminas' populations from GUS's Local Data Bank (BDL), for shares weighted by people.

The file is BDL's CSV export of "Ludność według miejsca zameldowania/zamieszkania" (or the
census' NSP table) in its vertical layout: `;`-separated, UTF-8 or Windows-1250, with the
columns `Kod` (the unit: the 7-digit TERC code of a gmina, or the 10-digit code that
ends in 000), `Rok` and `Wartosc`; a `Płeć` column, where there is one, keeps only
`ogółem`. Units that are not gminas (Poland, voivodeships, powiats, the towns and rural parts of
urban-rural gminas) are skipped. For each gmina the latest year in the file (or `year`) counts.

A file is checked whole before anything is written: every bad row is reported with its line
number and nothing is loaded. A load records one event, so the rollups recompute their shares.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from mozaika.errors import FieldError, ValidationFailed
from mozaika.events.bus import event_record
from mozaika.locks import advisory_xact_lock
from tenants.events import POPULATIONS_LOADED
from tenants.models import TENANT_GMINA_KINDS, Gmina

# A whole number of people, as BDL writes it ("5650", "5 650", "5650,00"); "5.000" is refused:
# a thousands separator or a decimal, nobody can tell.
_NUMBER = re.compile(r"\d+([.,]0{1,2})?")
# The columns of BDL's vertical layout; any other is a dimension (age, place) whose rows would
# otherwise be taken for the total.
_KNOWN_COLUMNS = {"kod", "nazwa", "płeć", "plec", "rok", "wartosc", "wartość", "jednostka miary", "atrybut", ""}
_CODE = re.compile(r"\d{7}(\d{3})?")


class PopulationsError(ValidationFailed):
    """The file has bad rows; `errors` name them as `line N`."""


@dataclass(frozen=True)
class PopulationsLoaded:
    gminas: int
    year: int | None
    without_population: int  # active gminas the file left without a figure


def _decoded(path: Path) -> str:
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")  # Excel's "Unicode text"
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1250")  # BDL's "Windows" export
    except UnicodeDecodeError:
        raise PopulationsError(
            f"{path.name}: not text in UTF-8 or Windows-1250; nothing was loaded.",
            errors=[FieldError("file", "export the CSV from BDL again (UTF-8 or Windows-1250)")],
        ) from None


def _column(header: list[str], *names: str) -> int | None:
    folded = [h.strip().lower() for h in header]
    for name in names:
        if name in folded:
            return folded.index(name)
    return None


def _parse(path: Path, year: int | None) -> tuple[dict[str, tuple[int, int]], list[FieldError]]:
    """TERC gmina code -> (year, population): the latest year for each, or `year`."""
    try:
        rows = list(csv.reader(io.StringIO(_decoded(path)), delimiter=";"))
    except csv.Error as error:
        return {}, [FieldError("file", f"not a CSV file: {error}")]
    if not rows:
        return {}, [FieldError("line 1", "the file is empty")]
    header = rows[0]
    dimensions = [h.strip() for h in header if h.strip().lower() not in _KNOWN_COLUMNS]
    if dimensions:
        return {}, [FieldError("line 1", f"column {', '.join(dimensions)}: export the total only (ogółem)")]
    code_at, year_at = _column(header, "kod"), _column(header, "rok")
    value_at, sex_at = _column(header, "wartosc", "wartość"), _column(header, "płeć", "plec")
    if code_at is None or year_at is None or value_at is None:
        missing = [name for name, at in (("Kod", code_at), ("Rok", year_at), ("Wartosc", value_at)) if at is None]
        return {}, [FieldError("line 1", f"missing column {', '.join(missing)} (BDL's vertical layout)")]
    found: dict[str, tuple[int, int]] = {}
    first_line: dict[tuple[str, int], tuple[int, int]] = {}  # (gmina, year) -> (line, people)
    errors: list[FieldError] = []
    for line, values in enumerate(rows[1:], start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) <= max(code_at, year_at, value_at):
            errors.append(FieldError(f"line {line}", "fewer columns than the header"))
            continue
        if sex_at is not None and sex_at < len(values) and values[sex_at].strip().lower() not in ("ogółem", "ogolem"):
            continue
        code, row_year, value = values[code_at].strip(), values[year_at].strip(), values[value_at].strip()
        if not _CODE.fullmatch(code) or (len(code) > 7 and set(code[7:]) != {"0"}):
            errors.append(
                FieldError(f"line {line}", f"Kod {code!r} is not a TERC code (7 digits, or 10 ending in 000)")
            )
            continue
        if not row_year.isdigit() or not 1990 <= int(row_year) <= 2100:
            errors.append(FieldError(f"line {line}", f"Rok {row_year!r} is not a year"))
            continue
        if not _NUMBER.fullmatch(value.replace(" ", "").replace("\u00a0", "")):
            errors.append(FieldError(f"line {line}", f"Wartosc {value!r} is not a number of people"))
            continue
        teryt, people = code[:7], int(re.split(r"[.,]", value.replace(" ", "").replace("\u00a0", ""))[0])
        earlier = first_line.setdefault((teryt, int(row_year)), (line, people))
        if earlier[0] != line and earlier[1] != people:
            errors.append(FieldError(f"line {line}", f"a second figure for {teryt} in {row_year} "
                                                     f"(first on line {earlier[0]}: {earlier[1]})"))  # fmt: skip
            continue
        if year is not None and int(row_year) != year:
            continue
        if teryt not in found or found[teryt][0] < int(row_year):
            found[teryt] = (int(row_year), people)
    return found, errors


def populations_load(path: Path, *, year: int | None = None) -> PopulationsLoaded:
    """Set the gminas' populations from a BDL export, all or nothing."""
    found, errors = _parse(path, year)
    gminas = {g.teryt: g for g in Gmina.objects.filter(teryt__in=list(found), kind__in=TENANT_GMINA_KINDS)}
    figures = {teryt: figure for teryt, figure in found.items() if teryt in gminas}
    if not errors and not figures:
        errors.append(FieldError("file", "no gmina of the registry has a figure in this file"))
    if errors:
        raise PopulationsError(f"{path.name}: {len(errors)} problem(s); nothing was loaded.", errors=errors)
    with transaction.atomic():
        advisory_xact_lock("registry", "populations")  # two loads at once: one after the other
        gminas = {g.teryt: g for g in Gmina.objects.select_for_update().filter(teryt__in=list(figures))}
        for teryt, (_, people) in figures.items():
            gminas[teryt].population = people
        Gmina.objects.bulk_update(gminas.values(), ["population"], batch_size=1000)
        years = sorted({figure_year for figure_year, _ in figures.values()})
        event_record(
            type=POPULATIONS_LOADED,
            teryt="",
            aggregate="registry",
            aggregate_id="populations",
            aggregate_version=1,
            actor="registry",
            payload={"gminas": len(figures), "years": years},
        )
    left = Gmina.objects.filter(kind__in=TENANT_GMINA_KINDS, is_active=True, population__isnull=True).count()
    return PopulationsLoaded(gminas=len(figures), year=years[-1] if years else None, without_population=left)
