"""Changing the data-quality validation rules (`QualityRule`): an operator creates a rule or
changes one (its names, factor, bounds, severity, whether it is active) through the API.

A rule's code, kind and standards never change once made: the flags stored with every snapshot
name the rule by its code, and a different check under the same code would make old and new
flags look alike. A rule that no longer applies is deactivated, never deleted (the same reason:
flags already raised, audit entries and events name it). Each change is one transaction with its
audit entry and a `quality_rule.changed` event; every stored snapshot's flags follow that event
(`aggregation.views.actors.recompute_quality`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from aggregation.models import QualityRule, QualityRuleKind, QualityRuleSeverity
from aggregation.quality.events import QUALITY_RULE_CHANGED
from mozaika.audit.log import Actor, audit_record, changes_between
from mozaika.errors import Conflict, FieldError, NotFound, ValidationFailed
from mozaika.events.bus import event_record
from tenants.registry.standards import standard_code_problems

# New codes: lower-case words joined by "_" (the first rules, made by a migration, are written
# `VALUE.NOT_NEGATIVE`; they keep their codes, which the stored flags carry).
RULE_CODE_PATTERN = r"^[a-z][a-z0-9_]{2,39}$"
# Any rule's code as a path segment, the first rules' included.
RULE_CODE_PATH_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._]{0,39}$"
# What a PATCH may change; the rest makes the rule what it is.
CHANGEABLE = ("name_pl", "name_en", "factor", "minimum", "maximum", "severity", "active")
# The optional fields, and the kinds that use each.
_USED_BY: dict[str, frozenset[str]] = {
    "left_standard": frozenset({QualityRuleKind.AT_MOST_RATIO, QualityRuleKind.WITHIN_RANGE}),
    "right_standard": frozenset({QualityRuleKind.AT_MOST_RATIO}),
    "factor": frozenset({QualityRuleKind.AT_MOST_RATIO}),
    "minimum": frozenset({QualityRuleKind.WITHIN_RANGE}),
    "maximum": frozenset({QualityRuleKind.WITHIN_RANGE}),
}


@dataclass(frozen=True)
class RuleDefinition:
    """What a rule says, as stored (a standard not used is "", a number not used None)."""

    code: str
    kind: str
    name_pl: str
    name_en: str
    left_standard: str = ""
    right_standard: str = ""
    factor: Decimal | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    severity: str = QualityRuleSeverity.WARNING
    active: bool = True

    @classmethod
    def of(cls, rule: QualityRule) -> RuleDefinition:
        return cls(**{f.name: getattr(rule, f.name) for f in fields(cls)})

    def stored(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _kind_errors(rule: RuleDefinition) -> list[FieldError]:
    kind = rule.kind
    errors = [
        FieldError(name, f"not used by a rule of kind {kind}")
        for name, kinds in _USED_BY.items()
        if getattr(rule, name) not in (None, "") and kind not in kinds
    ]
    if kind in _USED_BY["left_standard"] and not rule.left_standard:
        errors.append(FieldError("left_standard", f"required by a rule of kind {kind}: a standard indicator's code"))
    if kind == QualityRuleKind.AT_MOST_RATIO:
        if not rule.right_standard:
            errors.append(
                FieldError("right_standard", f"required by a rule of kind {kind}: a standard indicator's code")
            )
        elif rule.right_standard == rule.left_standard:
            errors.append(FieldError("right_standard", "must differ from left_standard"))
        if rule.factor is None:
            errors.append(FieldError("factor", f"required by a rule of kind {kind}: left <= factor x right"))
        elif rule.factor <= 0:
            errors.append(FieldError("factor", "must be greater than 0"))
    if kind == QualityRuleKind.WITHIN_RANGE:
        if rule.minimum is None and rule.maximum is None:
            errors.append(FieldError("minimum", f"a rule of kind {kind} needs minimum, maximum or both"))
        elif rule.minimum is not None and rule.maximum is not None and rule.minimum > rule.maximum:
            errors.append(FieldError("maximum", f"must not be below minimum ({rule.minimum})"))
    return errors


def quality_rule_errors(rule: RuleDefinition, *, check_standards: bool = True) -> list[FieldError]:
    """Everything wrong with the rule, each by its field. `check_standards`: its standards must be
    codes of the catalogue in force (when it is made; a standard retired later does not stop an
    operator from deactivating or adjusting the rule)."""
    errors: list[FieldError] = []
    for name in ("name_pl", "name_en"):
        if not (getattr(rule, name) or "").strip():
            errors.append(FieldError(name, "required"))
    if rule.severity not in QualityRuleSeverity.values:
        errors.append(FieldError("severity", f"one of {', '.join(QualityRuleSeverity.values)}"))
    if not isinstance(rule.active, bool):
        errors.append(FieldError("active", "true or false"))
    if rule.kind not in QualityRuleKind.values:
        return [*errors, FieldError("kind", f"one of {', '.join(QualityRuleKind.values)}")]
    errors += _kind_errors(rule)
    if check_standards:
        for name in ("left_standard", "right_standard"):
            code = getattr(rule, name)
            problem = standard_code_problems([code]).get(0) if code and rule.kind in _USED_BY[name] else None
            if problem:
                errors.append(FieldError(name, f"{code}: {problem}"))
    return errors


def _audited(rule: RuleDefinition) -> dict[str, Any]:
    return {name: value for name, value in rule.stored().items() if name != "code"}


def _announce(rule: QualityRule, *, actor: Actor, created: bool, changed: list[str]) -> None:
    """The change's event, in its transaction: every stored snapshot's flags follow it."""
    event_record(
        type=QUALITY_RULE_CHANGED,
        teryt="",
        aggregate="quality_rule",
        aggregate_id=rule.code,
        aggregate_version=rule.version,
        actor=actor.name,
        payload={"code": rule.code, "version": rule.version, "created": created, "fields": changed},
    )


def quality_rule_create(*, definition: RuleDefinition, actor: Actor) -> QualityRule:
    """A new rule; every stored snapshot's flags are recomputed after its event."""
    errors = quality_rule_errors(definition)
    if not re.fullmatch(RULE_CODE_PATTERN, definition.code):
        errors.insert(0, FieldError("code", f"lower-case letters, digits and _ ({RULE_CODE_PATTERN})"))
    if errors:
        raise ValidationFailed("The rule is not valid; nothing was saved.", errors=errors)
    exists = Conflict(
        f"Rule {definition.code} already exists; change it with PATCH /quality-rules/{definition.code}.",
        errors=[FieldError("code", "already exists")],
    )
    with transaction.atomic():
        try:
            with transaction.atomic():  # two creations of one code at once: the second is a 409
                rule = QualityRule.objects.create(**definition.stored())
        except IntegrityError as duplicate:
            raise exists from duplicate
        rule.refresh_from_db()  # the numbers as stored (15 -> 15.0000)
        audited = _audited(RuleDefinition.of(rule))
        given = {name: value for name, value in audited.items() if value not in (None, "")}
        audit_record(actor=actor, action="quality_rule.create", object_type="quality_rule", object_id=rule.code,
                     changes=changes_between({}, given))  # fmt: skip
        _announce(rule, actor=actor, created=True, changed=sorted(audited))
    return rule


def quality_rule_change(*, code: str, changes: Mapping[str, Any], actor: Actor) -> QualityRule:
    """Change what `changes` names (of `CHANGEABLE`); the resulting rule must be valid. A change
    that changes nothing records nothing."""
    fixed = [FieldError(name, "cannot be changed: create a new rule and deactivate this one") for name in changes
             if name not in CHANGEABLE]  # fmt: skip
    if fixed:
        raise ValidationFailed("The rule was not changed.", errors=fixed)
    with transaction.atomic():
        rule = QualityRule.objects.select_for_update().filter(code=code).first()
        if rule is None:
            raise NotFound(f"No data-quality rule {code}; GET /quality-rules lists them.")
        before = RuleDefinition.of(rule)
        after = replace(before, **changes)
        errors = quality_rule_errors(after, check_standards=False)
        if errors:
            raise ValidationFailed("The rule was not changed.", errors=errors)
        difference = changes_between(_audited(before), _audited(after))
        if not difference:
            return rule
        for name in difference:
            setattr(rule, name, getattr(after, name))
        rule.version += 1
        rule.save()
        rule.refresh_from_db()
        audit_record(actor=actor, action="quality_rule.change", object_type="quality_rule", object_id=rule.code,
                     changes=difference)  # fmt: skip
        _announce(rule, actor=actor, created=False, changed=sorted(difference))
    return rule
