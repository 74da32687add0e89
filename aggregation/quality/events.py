"""The events of the data-quality rules (`mozaika.events.catalogue`)."""

# No `from __future__ import annotations`: TypedDict reads NotRequired from real annotations.
from typing import TypedDict

from mozaika.events.catalogue import Audience, event_type


class QualityRuleChanged(TypedDict):
    code: str
    version: int
    created: bool
    fields: list[str]  # what changed (every field of a new rule)


# Every stored snapshot's flags are recomputed after it (`aggregation.recompute_quality`), through
# the outbox: a broker that is down when the rule is saved delays the recomputation, it does not
# lose it. The rules concern every gmina and no one gmina (the event has no TERYT), so only
# operators read it in the feed: a reviewer's feed is its voivodeship's gminas' events.
QUALITY_RULE_CHANGED = event_type(
    "quality_rule.changed", aggregate="quality_rule", payload=QualityRuleChanged,
    description="A data-quality validation rule was created or changed (deactivated, reactivated, "
    "its bounds, factor, severity or names).", audience=Audience.OPERATORS,
)  # fmt: skip
