"""Every string an API client sends that is stored has the stored column's width as its limit:
a longer one would pass validation and fail in the database (a 500). Generated from the OpenAPI
document, like the authorisation matrix: a new input field without a row here fails."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.apps import apps

from mozaika.site.api import api

# (schema, field) -> "app.Model.field" where it is stored, or None: not stored as such (a code
# checked against a list, a number, a password that is hashed, text kept without a limit).
STORED_IN: dict[tuple[str, str], str | None] = {
    ("ActionValue", "number"): "plans.PlanAction.number",
    ("ActionValue", "text"): None,  # TextField
    ("ActionValue", "institutions_other"): None,  # TextField
    ("ActionValue", "timeframe"): "plans.PlanAction.timeframe",
    ("ActionValue", "estimated_cost"): None,
    ("AreaValue", "name"): "plans.PlanArea.name",
    ("BatchIn", "call"): None,
    ("BatchItemIn", "teryt"): None,
    ("BatchItemIn", "area"): None,
    ("BatchItemIn", "actions"): None,
    ("CallCreateIn", "title"): "aggregation.Call.title",
    ("CallCreateIn", "programme"): "aggregation.Call.programme",
    ("CallCreateIn", "voivodeship"): None,
    ("CallCreateIn", "code"): "aggregation.Call.code",
    ("CallIn", "title"): "aggregation.Call.title",
    ("CallIn", "programme"): "aggregation.Call.programme",
    ("CallIn", "voivodeship"): None,
    ("ClientIn", "name"): "identity.ApiClient.name",
    ("ClientIn", "voivodeships"): None,
    ("CommentIn", "path"): "plans.ReviewComment.path",
    ("CommentIn", "text"): None,  # TextField
    ("CriterionIn", "code"): None,  # kept in the call's JSON criteria
    ("CriterionIn", "name"): None,
    ("CriterionIn", "rule"): None,
    ("EuProjectValue", "call_code"): "plans.EuProject.call_code",
    ("EuProjectValue", "title"): "plans.EuProject.title",
    ("EuProjectValue", "value"): None,
    ("FigureIO", "name"): "plans.KeyFigure.name",
    ("FigureIO", "value"): None,
    ("FigureIO", "unit"): "plans.KeyFigure.unit",
    ("FigureIO", "source"): "plans.KeyFigure.source",
    ("FundingValue", "description"): "plans.PlanFunding.description",
    ("FundingValue", "amount"): None,
    ("GeneralGoalValue", "number"): "plans.GeneralGoal.number",
    ("GeneralGoalValue", "text"): None,  # TextField
    ("GrantIn", "scope"): "identity.RoleGrant.scope",
    ("IndicatorIn", "number"): "plans.Indicator.number",
    ("IndicatorIn", "name"): "plans.Indicator.name",
    ("IndicatorIn", "unit"): "plans.Indicator.unit",
    ("IndicatorIn", "baseline_value"): None,
    ("IndicatorIn", "target_value"): None,
    ("IndicatorIn", "values"): None,
    ("IndicatorIn", "standard_code"): "plans.Indicator.standard_code",
    ("IndicatorEditIn", "number"): "plans.Indicator.number",
    ("IndicatorEditIn", "name"): "plans.Indicator.name",
    ("IndicatorEditIn", "unit"): "plans.Indicator.unit",
    ("IndicatorEditIn", "baseline_value"): None,
    ("IndicatorEditIn", "target_value"): None,
    ("IndicatorEditIn", "standard_code"): "plans.Indicator.standard_code",
    ("PlanDetailsIn", "title"): "plans.Plan.title",
    ("QualityRuleIn", "code"): "aggregation.QualityRule.code",
    ("QualityRuleIn", "name_pl"): "aggregation.QualityRule.name_pl",
    ("QualityRuleIn", "name_en"): "aggregation.QualityRule.name_en",
    ("QualityRuleIn", "left_standard"): "aggregation.QualityRule.left_standard",
    ("QualityRuleIn", "right_standard"): "aggregation.QualityRule.right_standard",
    ("QualityRuleIn", "factor"): None,
    ("QualityRuleIn", "minimum"): None,
    ("QualityRuleIn", "maximum"): None,
    ("QualityRuleChangeIn", "name_pl"): "aggregation.QualityRule.name_pl",
    ("QualityRuleChangeIn", "name_en"): "aggregation.QualityRule.name_en",
    ("QualityRuleChangeIn", "factor"): None,
    ("QualityRuleChangeIn", "minimum"): None,
    ("QualityRuleChangeIn", "maximum"): None,
    ("LoginIn", "username"): "auth.User.username",
    ("LoginIn", "password"): None,  # hashed
    ("MemberIn", "username"): "auth.User.username",
    ("PersonIn", "username"): "auth.User.username",
    ("PersonIn", "email"): "auth.User.email",
    ("PersonIn", "password"): None,  # hashed
    ("PlanIn", "title"): "plans.Plan.title",
    ("ReportIn", "narrative"): None,  # TextField
    ("ExplanationIn", "text"): None,  # TextField
    ("SectionIO", "title"): "plans.DiagnosticSection.title",
    ("SectionIO", "text"): None,  # TextField
    ("ServiceValue", "name"): "plans.PlanService.name",
    ("ServiceValue", "capacity"): None,
    ("ServiceValue", "unit"): "plans.PlanService.unit",
    ("ServiceValue", "copayment_percent"): None,
    ("ServiceValue", "exemption_groups"): None,  # an array of TextField
    ("SpecificGoalValue", "number"): "plans.SpecificGoal.number",
    ("SpecificGoalValue", "text"): None,  # TextField
    ("TenantIn", "code"): None,  # a TERYT code by its pattern
    ("ValueIn", "value"): None,
    ("ValueIn", "note"): "plans.IndicatorValue.note",
    ("WithdrawalIn", "reason"): None,  # TextField
    ("WebhookIn", "url"): "webhooks.WebhookEndpoint.url",
    ("WebhookIn", "event_types"): None,  # names checked against the catalogue
    ("WebhookIn", "voivodeships"): None,  # 2-digit codes by their pattern
}


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"].split("/")[-1]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def input_strings() -> dict[tuple[str, str], int | None]:
    """Every string property of every schema a request body can carry, with its maxLength."""
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    pending = [name for ops in schema["paths"].values() for op in ops.values() for name in _refs(op.get("requestBody"))]
    seen: set[str] = set()
    found: dict[tuple[str, str], int | None] = {}
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        pending.extend(_refs(components[name]))
        for field, spec in components[name].get("properties", {}).items():
            variants = [spec, *spec.get("anyOf", [])]
            strings = [v for v in variants if v.get("type") == "string" and "format" not in v]
            if strings or (spec.get("type") == "array" and spec.get("items", {}).get("type") == "string"):
                found[(name, field)] = next((v["maxLength"] for v in strings if "maxLength" in v), None)
    return found


def test_every_input_string_has_a_row() -> None:
    missing = sorted(set(input_strings()) - set(STORED_IN))
    assert missing == [], f"add these input fields to STORED_IN: {missing}"


def test_stored_strings_are_limited_to_their_columns_width() -> None:
    wrong = {}
    for key, max_length in input_strings().items():
        column = STORED_IN.get(key)
        if column is None:
            continue
        label, field = column.rsplit(".", 1)
        width = apps.get_model(label)._meta.get_field(field).max_length
        if max_length is None or max_length > width:
            wrong[key] = (max_length, width)
    assert wrong == {}, "schema limit vs column width"
