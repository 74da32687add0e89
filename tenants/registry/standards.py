"""The catalogue of standard indicators: what a gmina maps its own indicators to so that a
region can add them up (`data/indicator-standards.json`, loaded into the public schema).

A gmina maps an indicator by giving its `standard_code`; Mozaika suggests one from the
indicator's name and unit (`standard_suggested`), and never applies a suggestion itself."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from mozaika.errors import FieldError, ValidationFailed
from mozaika.events.bus import event_record
from tenants.events import STANDARDS_LOADED
from tenants.models import IndicatorStandard, StandardAggregation

STANDARDS_FILE = Path(__file__).with_name("data") / "indicator-standards.json"
_FIELDS = ("name_pl", "name_en", "definition_pl", "definition_en", "unit", "direction", "areas", "aggregation")
# Words that say nothing about which indicator it is.
_NOISE = frozenset(
    [
        "liczba",
        "osob",
        "osoby",
        "objetych",
        "objete",
        "wsparciem",
        "zakresu",
        "ramach",
        "ktore",
        "oraz",
        "gminie",
        "gminy",
        "roku",
        "w",
        "z",
        "i",
        "na",
        "do",
    ]
)
# Units written in many ways, reduced to what they count.
_UNITS = {"os": "osoby", "osob": "osoby", "osoba": "osoby", "osoby": "osoby", "miejsca": "miejsca", "miejsc": "miejsca",
          "miejsce": "miejsca", "rodziny": "rodziny", "rodzin": "rodziny", "%": "%", "procent": "%"}  # fmt: skip


@dataclass(frozen=True)
class CatalogueLoaded:
    edition: int
    added: int
    changed: int
    retired: int


def indicator_standards_load(path: Path = STANDARDS_FILE) -> CatalogueLoaded:
    """Bring the catalogue to the file's edition: new codes are added, changed ones get a new
    version, codes the file no longer has are retired (never deleted: plans refer to them)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    edition = int(document["edition"])
    given = {s["code"]: s for s in document["standards"]}
    kinds = StandardAggregation.values
    wrong = [
        FieldError(f"standards[{i}].aggregation", f"one of {', '.join(kinds)}")
        for i, standard in enumerate(document["standards"])
        if standard.get("aggregation") not in kinds
    ]
    if wrong:
        raise ValidationFailed(f"{path.name}: the catalogue is not valid; nothing was loaded.", errors=wrong)
    added = changed = 0
    with transaction.atomic():
        existing = {s.code: s for s in IndicatorStandard.objects.select_for_update()}
        for code, fields in given.items():
            standard = existing.get(code)
            values = {name: fields[name] for name in _FIELDS}
            if standard is None:
                IndicatorStandard.objects.create(code=code, edition=edition, **values)
                added += 1
            elif any(getattr(standard, name) != value for name, value in values.items()) or standard.retired:
                IndicatorStandard.objects.filter(code=code).update(
                    version=standard.version + 1, edition=edition, retired=False, **values
                )
                changed += 1
        retired = IndicatorStandard.objects.exclude(code__in=list(given)).filter(retired=False).update(retired=True)
        if added or changed or retired:  # how figures add up may have changed: the rollups recompute
            event_record(
                type=STANDARDS_LOADED,
                teryt="",
                aggregate="registry",
                aggregate_id="indicator-standards",
                aggregate_version=edition,
                actor="registry",
                payload={"edition": edition, "added": added, "changed": changed, "retired": retired},
            )
    return CatalogueLoaded(edition=edition, added=added, changed=changed, retired=retired)


def standard_code_problems(codes: list[str]) -> dict[int, str]:
    """Why a plan's mapping (its indicators' codes in order; empty: not mapped) is wrong, by
    position: a code of no standard in force, or a second indicator mapped to a standard that is
    not a sum (two rates of one gmina do not add up)."""
    wanted = {code for code in codes if code}
    known = dict(IndicatorStandard.objects.filter(code__in=wanted, retired=False).values_list("code", "aggregation"))
    problems: dict[int, str] = {}
    seen: set[str] = set()
    for i, code in enumerate(codes):
        if not code:
            continue
        if code not in known:
            problems[i] = "not a standard indicator's code (GET /indicator-standards)"
        elif code in seen and known[code] != StandardAggregation.SUM:
            problems[i] = f"{code} is a {known[code]}: one indicator of a plan may map to it"
        seen.add(code)
    return problems


def standard_aggregations() -> dict[str, str]:
    """How each standard adds up over gminas, by code (retired ones included: old plans use them)."""
    return dict(IndicatorStandard.objects.values_list("code", "aggregation"))


def _folded(text: str) -> str:
    """Lower case without diacritics (ł has no decomposition of its own)."""
    return unicodedata.normalize("NFKD", text.lower().replace("ł", "l")).encode("ascii", "ignore").decode()


def _words(text: str) -> set[str]:
    folded = _folded(text)
    # A stem of five letters meets "opiekunczymi" and "opiekunczych", "zlobku" and "zlobki".
    return {word[:5] for word in re.findall(r"[a-z]{3,}", folded) if word not in _NOISE}


def _unit(unit: str) -> str:
    folded = _folded(unit).strip(" .")
    return _UNITS.get(folded, folded)


@dataclass(frozen=True)
class Suggestion:
    code: str
    name_pl: str
    score: float  # 0..1: shared words over the words of the shorter name
    reason: str


def standard_suggested(name: str, unit: str, standards: list[Any]) -> Suggestion | None:
    """The standard whose name shares the most words with the indicator's, among those of the
    same unit; None when none shares enough to be worth showing."""
    words, counted = _words(name), _unit(unit)
    best: Suggestion | None = None
    for standard in standards:
        if _unit(standard.unit) != counted:
            continue
        theirs = _words(standard.name_pl)
        if not theirs:
            continue
        shared = words & theirs
        if len(shared) < 2 or not words:
            continue
        score = round(len(shared) / min(len(words), len(theirs)), 2)
        if score >= 0.5 and (best is None or score > best.score):
            best = Suggestion(standard.code, standard.name_pl, score,
                              f"same unit ({counted}); shared words: {', '.join(sorted(shared))}")  # fmt: skip
    return best
