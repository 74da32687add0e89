"""The data-quality validation rules over the API (issue 20): operators create and change them,
whoever reads a region's data quality lists them; every refused request names its field and
changes nothing; every change is audited and an event, after which every stored snapshot's flags
follow the rules and `aggregation verify` finds nothing to repair."""

from __future__ import annotations

from typing import Any

import pytest

from aggregation.models import GminaSnapshot, QualityRule
from aggregation.views.actors import recompute_quality
from aggregation.views.consistency import views_verify
from aggregation.views.refresh import snapshots_quality_recompute
from mozaika.audit.models import AuditEntry
from mozaika.events.models import Event
from mozaika.identity.models import Role, Scope
from tests.factories import ApiClientFactory, RoleGrantFactory
from tests.support import TRZEBIEL, Api, plan_body, token_for

RULES = "/api/v1/quality-rules"
SHARE = "RESIDENTS.SERVICES.SHARE"
SEEDED = {"FAMILIES.PER.ASSISTANT", "TARGET.DIRECTION", "VALUE.NOT_NEGATIVE"}


def range_rule(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "code": "share_in_percent",
        "kind": "within_range",
        "name_pl": "Udział mieszkańców objętych usługami między 0 a 100 %",
        "name_en": "The share of residents served lies between 0 and 100 %",
        "left_standard": SHARE,
        "minimum": "0",
        "maximum": "100",
        "severity": "error",
    }
    return body | overrides


def ratio_rule(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "code": "care_per_assistant",
        "kind": "at_most_ratio",
        "name_pl": "Najwyżej 20 osób z usługami opiekuńczymi na asystenta rodziny",
        "name_en": "At most 20 persons in home care per family assistant",
        "left_standard": "CARE.HOME.PERSONS",
        "right_standard": "FAMILY.ASSISTANTS",
        "factor": "20",
    }
    return body | overrides


def stored() -> dict[str, dict[str, Any]]:
    return {rule["code"]: rule for rule in QualityRule.objects.values()}


def trail() -> tuple[int, int]:
    """How many rule events and audit entries there are: a refused request adds neither."""
    return (
        Event.objects.filter(type="quality_rule.changed").count(),
        AuditEntry.objects.filter(object_type="quality_rule").count(),
    )


def fields_of(answer: Any) -> list[str]:
    return [error["path"] for error in answer.json()["errors"]]


# Creating


def test_an_operator_makes_a_range_rule_audited_and_announced(operator: Api) -> None:
    answer = operator.post_json(RULES, range_rule())

    assert answer.status_code == 201, answer.content
    assert answer.json() == {
        "code": "share_in_percent", "kind": "within_range", "name_pl": range_rule()["name_pl"],
        "name_en": range_rule()["name_en"], "left_standard": SHARE, "right_standard": None, "factor": None,
        "minimum": "0.00", "maximum": "100.00", "severity": "error", "active": True, "version": 1,
    }  # fmt: skip
    listed = {rule["code"]: rule for rule in operator.get(RULES).json()}
    assert set(listed) == SEEDED | {"share_in_percent"}
    assert listed["share_in_percent"] == answer.json()
    assert listed["FAMILIES.PER.ASSISTANT"]["factor"] == "15.0000"
    [entry] = AuditEntry.objects.filter(object_type="quality_rule", object_id="share_in_percent")
    assert (entry.action, entry.actor_name, entry.role) == ("quality_rule.create", "demo-operator", "operator")
    assert entry.changes["maximum"] == [None, "100.00"]
    [event] = Event.objects.filter(type="quality_rule.changed", aggregate_id="share_in_percent")
    assert (event.teryt, event.aggregate, event.aggregate_version) == ("", "quality_rule", 1)
    assert event.payload["created"] is True
    assert {"kind", "left_standard", "minimum", "maximum"} <= set(event.payload["fields"])


def test_a_ratio_rule_and_a_rule_without_parameters_are_made_too(operator: Api) -> None:
    assert operator.post_json(RULES, ratio_rule()).status_code == 201
    plain = {"code": "never_negative", "kind": "non_negative", "name_pl": "Nieujemne", "name_en": "Not negative"}
    made = operator.post_json(RULES, plain)
    assert made.status_code == 201, made.content
    assert (made.json()["severity"], made.json()["active"]) == ("warning", True)
    assert stored()["care_per_assistant"]["factor"] == 20


# Each refused request: its status, the field named, nothing stored, audited or announced.
REFUSED_CREATIONS = [
    pytest.param(range_rule(code="Share"), "code", id="code with a capital"),
    pytest.param(range_rule(code="ab"), "code", id="code too short"),
    pytest.param(range_rule(code="a" * 41), "code", id="code too long"),
    pytest.param(range_rule(code="share.in.percent"), "code", id="code with dots"),
    pytest.param(range_rule(kind="at_most"), "kind", id="unknown kind"),
    pytest.param(range_rule(severity="fatal"), "severity", id="unknown severity"),
    pytest.param(range_rule(active=0), "active", id="0 for false"),
    pytest.param(range_rule(name_pl=""), "name_pl", id="empty Polish name"),
    pytest.param(range_rule(name_en="x" * 301), "name_en", id="English name too long"),
    pytest.param(range_rule(left_standard=""), "left_standard", id="range without a standard"),
    pytest.param(range_rule(left_standard="NO.SUCH.STANDARD"), "left_standard", id="range of an unknown standard"),
    pytest.param(range_rule(minimum=None, maximum=None), "minimum", id="range without bounds"),
    pytest.param(range_rule(minimum="100", maximum="0"), "maximum", id="minimum above maximum"),
    pytest.param(range_rule(minimum="0.001"), "minimum", id="bound finer than a value"),
    pytest.param(range_rule(maximum="not a number"), "maximum", id="bound not a number"),
    pytest.param(range_rule(factor="2"), "factor", id="range with a factor"),
    pytest.param(range_rule(right_standard="FAMILY.ASSISTANTS"), "right_standard", id="range with a second standard"),
    pytest.param(ratio_rule(right_standard=""), "right_standard", id="ratio without its right standard"),
    pytest.param(ratio_rule(left_standard=""), "left_standard", id="ratio without its left standard"),
    pytest.param(ratio_rule(right_standard="NO.SUCH"), "right_standard", id="ratio of an unknown standard"),
    pytest.param(ratio_rule(right_standard="CARE.HOME.PERSONS"), "right_standard", id="ratio of a standard to itself"),
    pytest.param(ratio_rule(factor=None), "factor", id="ratio without a factor"),
    pytest.param(ratio_rule(factor="0"), "factor", id="ratio with factor 0"),
    pytest.param(ratio_rule(factor="-1"), "factor", id="ratio with a negative factor"),
    pytest.param(ratio_rule(minimum="1"), "minimum", id="ratio with a bound"),
    pytest.param(
        range_rule(kind="non_negative", minimum=None, maximum=None),
        "left_standard",
        id="a standard on a rule of no standard",
    ),
    pytest.param(range_rule(factr="2"), "factr", id="unknown field"),
]


@pytest.mark.parametrize(("body", "field"), REFUSED_CREATIONS)
def test_a_rule_that_is_not_valid_is_refused_naming_its_field(operator: Api, body: dict[str, Any], field: str) -> None:
    before, recorded = stored(), trail()

    answer = operator.post_json(RULES, body)

    assert answer.status_code == 422, answer.content
    assert answer["Content-Type"] == "application/problem+json"
    assert answer.json()["code"] == "validation_failed"
    assert field in fields_of(answer), answer.json()
    assert (stored(), trail()) == (before, recorded)


def test_a_code_taken_is_a_conflict_naming_code(operator: Api) -> None:
    assert operator.post_json(RULES, range_rule()).status_code == 201
    before, recorded = stored(), trail()

    again = operator.post_json(RULES, range_rule(name_en="Another rule under the same code", maximum="50"))

    assert again.status_code == 409, again.content
    assert (again.json()["code"], fields_of(again)) == ("conflict", ["code"])
    assert (stored(), trail()) == (before, recorded)


# Changing


def test_an_operator_changes_a_rules_bounds_and_severity(operator: Api) -> None:
    operator.post_json(RULES, range_rule())

    answer = operator.patch_json(f"{RULES}/share_in_percent", {"maximum": "90", "severity": "warning"})

    assert answer.status_code == 200, answer.content
    changed = answer.json()
    assert (changed["minimum"], changed["maximum"], changed["severity"], changed["version"]) == (
        "0.00", "90.00", "warning", 2
    )  # fmt: skip
    assert changed["name_pl"] == range_rule()["name_pl"]  # what was not given stays
    [entry] = AuditEntry.objects.filter(action="quality_rule.change", object_id="share_in_percent")
    assert entry.changes == {"maximum": ["100.00", "90"], "severity": ["error", "warning"]}
    event = Event.objects.filter(type="quality_rule.changed", aggregate_id="share_in_percent").latest("seq")
    assert (event.aggregate_version, event.payload["created"], event.payload["fields"]) == (
        2, False, ["maximum", "severity"]
    )  # fmt: skip


def test_a_bound_is_removed_with_null_and_a_first_rule_is_changed_under_its_old_code(operator: Api) -> None:
    operator.post_json(RULES, range_rule())
    opened = operator.patch_json(f"{RULES}/share_in_percent", {"maximum": None})
    assert (opened.status_code, opened.json()["maximum"]) == (200, None)

    seeded = operator.patch_json(f"{RULES}/FAMILIES.PER.ASSISTANT", {"factor": "12", "active": False})

    assert seeded.status_code == 200, seeded.content
    assert (seeded.json()["factor"], seeded.json()["active"], seeded.json()["version"]) == ("12.0000", False, 2)


def test_a_change_that_changes_nothing_records_nothing(operator: Api) -> None:
    operator.post_json(RULES, range_rule())
    recorded = trail()

    for body in ({}, {"maximum": "100.00", "severity": "error"}):
        answer = operator.patch_json(f"{RULES}/share_in_percent", body)
        assert (answer.status_code, answer.json()["version"]) == (200, 1)
    assert trail() == recorded


REFUSED_CHANGES = [
    pytest.param("share_in_percent", {"minimum": "101"}, "maximum", 422, id="minimum above maximum"),
    pytest.param("share_in_percent", {"maximum": None, "minimum": None}, "minimum", 422, id="no bound left"),
    pytest.param("share_in_percent", {"factor": "2"}, "factor", 422, id="a factor on a range"),
    pytest.param("share_in_percent", {"severity": None}, "severity", 422, id="severity null"),
    pytest.param("share_in_percent", {"active": "yes"}, "active", 422, id="yes for true"),
    pytest.param("share_in_percent", {"severity": "info"}, "severity", 422, id="unknown severity"),
    pytest.param("share_in_percent", {"name_pl": None}, "name_pl", 422, id="Polish name null"),
    pytest.param("share_in_percent", {"name_en": ""}, "name_en", 422, id="English name empty"),
    pytest.param("share_in_percent", {"active": None}, "active", 422, id="active null"),
    pytest.param("share_in_percent", {"active": "perhaps"}, "active", 422, id="active not a boolean"),
    pytest.param("share_in_percent", {"kind": "non_negative"}, "kind", 422, id="the kind"),
    pytest.param("share_in_percent", {"left_standard": "CARE.HOME.PERSONS"}, "left_standard", 422, id="a standard"),
    pytest.param("share_in_percent", {"code": "other_code"}, "code", 422, id="the code"),
    pytest.param("FAMILIES.PER.ASSISTANT", {"factor": "0"}, "factor", 422, id="a ratio's factor 0"),
    pytest.param("FAMILIES.PER.ASSISTANT", {"factor": None}, "factor", 422, id="a ratio's factor removed"),
    pytest.param("FAMILIES.PER.ASSISTANT", {"minimum": "1"}, "minimum", 422, id="a bound on a ratio"),
    pytest.param("no_such_rule", {"active": False}, None, 404, id="unknown code"),
    pytest.param("no such rule", {"active": False}, "code", 422, id="a code that cannot be one"),
]


@pytest.mark.parametrize(("code", "body", "field", "status"), REFUSED_CHANGES)
def test_a_change_leaving_a_rule_not_valid_is_refused_naming_its_field(
    operator: Api, code: str, body: dict[str, Any], field: str | None, status: int
) -> None:
    operator.post_json(RULES, range_rule())
    before, recorded = stored(), trail()

    answer = operator.patch_json(f"{RULES}/{code.replace(' ', '%20')}", body)

    assert answer.status_code == status, answer.content
    assert answer["Content-Type"] == "application/problem+json"
    if field is None:
        assert answer.json()["code"] == "not_found"
    else:
        assert field in fields_of(answer), answer.json()
    assert (stored(), trail()) == (before, recorded)


# Who may


def _party(name: str) -> Api:
    if name == "anonymous":
        return Api(None)
    if name == "operator":
        return Api(token_for("demo-operator"))
    if name.startswith("client"):
        scopes = [Scope.ROLLUPS_READ] if name == "client with rollups:read" else [Scope.EVENTS_READ]
        return Api(ApiClientFactory(scopes=scopes, voivodeships=["08"])[1])
    role, scope = {
        "lubuskie reviewer": (Role.REGIONAL_REVIEWER, "08"),
        "małopolskie reviewer": (Role.REGIONAL_REVIEWER, "12"),
        "analyst": (Role.NATIONAL_ANALYST, ""),
        "trzebiel admin": (Role.GMINA_ADMIN, TRZEBIEL),
    }[name]
    return Api(token_for(RoleGrantFactory(role=role, scope=scope).user.username))


# (list, create, change): the rules concern every gmina alike, so any voivodeship's reviewer reads
# them, as does whoever else reads a region's data quality; only operators change them.
WHO_MAY = [
    pytest.param("operator", (200, 201, 200), id="operator"),
    pytest.param("lubuskie reviewer", (200, 403, 403), id="reviewer"),
    pytest.param("małopolskie reviewer", (200, 403, 403), id="another voivodeship's reviewer"),
    pytest.param("analyst", (200, 403, 403), id="national analyst"),
    pytest.param("client with rollups:read", (200, 403, 403), id="funding system"),
    pytest.param("client without it", (403, 403, 403), id="client with events:read only"),
    pytest.param("trzebiel admin", (403, 403, 403), id="gmina admin"),
    pytest.param("anonymous", (401, 401, 401), id="anonymous"),
]


@pytest.mark.parametrize(("party", "statuses"), WHO_MAY)
def test_who_may_read_and_change_the_rules(db: None, party: str, statuses: tuple[int, int, int]) -> None:
    api = _party(party)

    answers = (
        api.get(RULES),
        api.post_json(RULES, range_rule()),
        api.patch_json(f"{RULES}/VALUE.NOT_NEGATIVE", {"severity": "warning"}),
    )

    assert tuple(a.status_code for a in answers) == statuses, [a.content[:200] for a in answers]
    for answer in answers:
        if answer.status_code == 403:
            assert "rollups:read" in answer.json()["detail"] or "operator" in answer.json()["detail"]


# The stored flags follow


def _flags(code: str) -> list[tuple[int | None, str | None]]:
    snapshot = GminaSnapshot.objects.get(gmina_id=TRZEBIEL)
    return [(flag["year"], flag["value"]) for flag in snapshot.quality if flag["code"] == code]


def _consume_latest(code: str) -> None:
    """What the worker does with the rule's latest event (twice: a redelivery changes nothing)."""
    event = Event.objects.filter(type="quality_rule.changed", aggregate_id=code).latest("seq")
    recompute_quality.fn(str(event.id))
    recompute_quality.fn(str(event.id))


def test_stored_flags_follow_a_rule_created_changed_and_deactivated(operator: Api, trzebiel_admin: Api) -> None:
    """A draft in Trzebiel maps an indicator to CARE.HOME.PERSONS with 12 (2025) and 18 (2026)."""
    indicator = plan_body()["indicators"][0] | {"standard_code": "CARE.HOME.PERSONS"}
    made = trzebiel_admin.post_json(f"/api/v1/gminas/{TRZEBIEL}/plans", plan_body(indicators=[indicator]))
    assert made.status_code == 201, made.content
    views_verify(repair=True)
    assert not views_verify().found
    care = range_rule(code="care_at_most_15", left_standard="CARE.HOME.PERSONS", minimum=None, maximum="15")

    assert operator.post_json(RULES, care).status_code == 201
    assert TRZEBIEL in views_verify().snapshots  # until the event is consumed, the stored flags lag
    _consume_latest("care_at_most_15")
    assert _flags("care_at_most_15") == [(2026, "18.00")]
    assert not views_verify().found

    operator.patch_json(f"{RULES}/care_at_most_15", {"maximum": "10"})
    _consume_latest("care_at_most_15")
    assert _flags("care_at_most_15") == [(2025, "12.00"), (2026, "18.00")]
    assert not views_verify().found

    operator.patch_json(f"{RULES}/care_at_most_15", {"active": False})
    _consume_latest("care_at_most_15")
    assert _flags("care_at_most_15") == []
    assert not views_verify().found
    assert snapshots_quality_recompute().changed == 0  # nothing left to change: safe to repeat
