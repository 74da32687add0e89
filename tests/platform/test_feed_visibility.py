"""The event feed per role and event type (issue 19): each party reads only what its roles may.
The expectations are written out here, one row per party, not computed from the rule."""

from __future__ import annotations

import pytest

from aggregation.quality.events import QUALITY_RULE_CHANGED
from mozaika.audit.log import Actor
from mozaika.events.bus import event_record
from mozaika.events.catalogue import EventType
from mozaika.events.models import Event
from mozaika.identity.models import Role, Scope
from mozaika.identity.tokens import api_client_create
from tenants.events import TENANT_PROVISIONED
from tenants.plans.events import INDICATOR_REPORTED, PLAN_ADOPTED, PLAN_CREATED, PLAN_SUBMITTED
from tests.factories import RoleGrantFactory, UserFactory
from tests.support import KRAKOW, TRZEBIEL, Api, payload_for, token_for

# One event of each audience in Trzebiel (lubuskie, 08), and the same in Kraków (małopolskie, 12).
# And a change of a data-quality rule, which concerns every gmina and none in particular.
RECORDED: list[tuple[EventType, str]] = [
    (kind, teryt)
    for teryt in (TRZEBIEL, KRAKOW)
    for kind in (PLAN_CREATED, PLAN_SUBMITTED, INDICATOR_REPORTED, PLAN_ADOPTED, TENANT_PROVISIONED)
] + [(QUALITY_RULE_CHANGED, "")]

EXPECTED: dict[str, set[tuple[str, str]]] = {
    "operator": {(k.name, t) for k, t in RECORDED},
    "trzebiel admin": {("plan.created", TRZEBIEL), ("plan.submitted", TRZEBIEL), ("indicator.reported", TRZEBIEL),
                       ("plan.adopted", TRZEBIEL)},
    "krakow viewer": {("plan.created", KRAKOW), ("plan.submitted", KRAKOW), ("indicator.reported", KRAKOW),
                      ("plan.adopted", KRAKOW)},
    # Not the reported value: it may be a draft's, which a reviewer does not see.
    "lubuskie reviewer": {("plan.submitted", TRZEBIEL), ("plan.adopted", TRZEBIEL)},
    "analyst": {("plan.adopted", TRZEBIEL), ("plan.adopted", KRAKOW)},
    "lubuskie client": {("plan.adopted", TRZEBIEL)},
    "nationwide client": {("plan.adopted", TRZEBIEL), ("plan.adopted", KRAKOW)},
}  # fmt: skip


def _party(name: str) -> Api:
    if name.endswith("client"):
        voivodeships = ["08"] if name.startswith("lubuskie") else []
        _, secret = api_client_create(name=name, scopes=[Scope.EVENTS_READ], voivodeships=voivodeships,
                                      actor=Actor.system("test"))  # fmt: skip
        return Api(secret)
    if name == "analyst":
        user = UserFactory()
        RoleGrantFactory(user=user, role=Role.NATIONAL_ANALYST, scope="")
        return Api(token_for(user.username))
    username = {"operator": "demo-operator", "trzebiel admin": "demo-trzebiel-admin",
                "lubuskie reviewer": "demo-lubuskie-reviewer"}.get(name)  # fmt: skip
    if username is None:  # krakow viewer
        user = UserFactory()
        RoleGrantFactory(user=user, role=Role.GMINA_VIEWER, scope=KRAKOW)
        username = user.username
    return Api(token_for(username))


@pytest.mark.parametrize("party", sorted(EXPECTED))
def test_each_party_reads_only_what_its_roles_may(db: None, party: str) -> None:
    start = Event.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    for kind, teryt in RECORDED:
        event_record(type=kind, teryt=teryt, aggregate="plan", aggregate_id=1, aggregate_version=1, actor="t",
                     payload=payload_for(kind))  # fmt: skip

    answer = _party(party).get("/api/v1/events", after=start, limit=1000)

    assert answer.status_code == 200, answer.content
    assert {(e["type"], e["teryt"]) for e in answer.json()["events"]} == EXPECTED[party]


def test_a_person_without_any_role_reads_no_feed(db: None) -> None:
    answer = Api(token_for(UserFactory().username)).get("/api/v1/events")
    assert answer.status_code == 403
    assert "reviewers" in answer.json()["detail"]
