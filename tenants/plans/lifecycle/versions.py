"""A plan frozen as canonical JSON (what a submission records and hashes), and the structural
difference between two versions."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from tenants.plans.models import Plan
from tenants.plans.programme.values import programme_of


def plan_document(plan: Plan) -> dict[str, Any]:
    """Everything a version fixes: the plan's header, its programme part and its indicators."""
    return {
        "title": plan.title,
        "kind": plan.kind,
        "period_start": plan.period_start,
        "period_end": plan.period_end,
        "valid_from": plan.valid_from.isoformat(),
        "valid_until": plan.valid_until.isoformat(),
        "diagnosis": {
            "sections": [{"title": d.title, "text": d.text} for d in plan.diagnostic_sections.all()],
            "figures": [
                {"name": f.name, "value": str(f.value), "unit": f.unit, "year": f.year, "source": f.source}
                for f in plan.key_figures.all()
            ],
        },
        "programme": programme_of(plan).model_dump(mode="json"),
        "indicators": [
            {
                "area": i.area,
                "number": i.number,
                "name": i.name,
                "unit": i.unit,
                "direction": i.direction,
                "standard_code": i.standard_code,
                "baseline": None if i.baseline_value is None else [str(i.baseline_value), i.baseline_year],
                "target": None if i.target_value is None else [str(i.target_value), i.target_year],
            }
            for i in plan.indicators.all()
        ],
    }


def canonical_json(document: dict[str, Any]) -> str:
    """One spelling per document: sorted keys, no insignificant whitespace, UTF-8 text kept."""
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256_of(canonical: str) -> str:
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class Change:
    path: str
    change: str  # added | removed | changed
    before: Any = None
    after: Any = None


# The one spelling of a place in a plan: `programme.areas[2].general_goals[0]` (ASCII digits,
# no leading zeros, a dot before every name but the first).
_PATH = re.compile(r"[^.\[\]]+(?:\.[^.\[\]]+|\[(?:0|[1-9][0-9]*)\])*")
_STEP = re.compile(r"\.?([^.\[\]]+)|\[([0-9]+)\]")


def path_exists(document: Any, path: str) -> bool:
    """Whether `path`, spelt as findings and diffs spell it, names a place in the document."""
    if not _PATH.fullmatch(path):
        return False
    node = document
    for key, index in _STEP.findall(path):
        if key and isinstance(node, dict) and key in node:
            node = node[key]
        elif index and isinstance(node, list) and int(index) < len(node):
            node = node[int(index)]
        else:
            return False
    return True


def structural_diff(before: Any, after: Any, path: str = "") -> list[Change]:
    """Differences between two JSON values, by path (`programme.areas[0].goals[1].text`)."""
    if isinstance(before, dict) and isinstance(after, dict):
        changes: list[Change] = []
        for key in sorted(set(before) | set(after)):
            sub = f"{path}.{key}" if path else key
            if key not in before:
                changes.append(Change(sub, "added", after=after[key]))
            elif key not in after:
                changes.append(Change(sub, "removed", before=before[key]))
            else:
                changes.extend(structural_diff(before[key], after[key], sub))
        return changes
    if isinstance(before, list) and isinstance(after, list):
        changes = []
        for index in range(max(len(before), len(after))):
            sub = f"{path}[{index}]"
            if index >= len(before):
                changes.append(Change(sub, "added", after=after[index]))
            elif index >= len(after):
                changes.append(Change(sub, "removed", before=before[index]))
            else:
                changes.extend(structural_diff(before[index], after[index], sub))
        return changes
    return [] if before == after else [Change(path, "changed", before, after)]
