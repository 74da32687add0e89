"""Every authorisation decision, in one module. Endpoints call these before any schema switch,
and act on the returned `Decision` (which role allowed it, what it may see, whether the read is
audited); no view checks roles itself.

| role / credential        | where          | may                                                     |
|--------------------------|----------------|---------------------------------------------------------|
| operator                 | everywhere     | registry (data-quality rules too), tenants, users, API  |
|                          |                | clients, calls, audit;                                  |
|                          |                | read gmina data (audited), rollups, eligibility;        |
|                          |                | extend documents' retention, set/lift legal holds;      |
|                          |                | withdraw a plan's act recorded by mistake               |
| gmina admin              | its gmina      | everything in its plans, submit, record acts (adopt,    |
|                          |                | amend, repeal, annulment), members, audit               |
| gmina editor             | its gmina      | read, edit drafts, report indicator values              |
| gmina viewer             | its gmina      | read                                                    |
| regional reviewer        | its voivodeship| read submitted/adopted plans, rollups, eligibility;     |
|                          |                | review; define the voivodeship's calls                  |
| national analyst         | everywhere     | read rollups and adopted plans, eligibility             |
| API client (scopes)      | its voivodeships or nationwide | eligibility:read, rollups:read, events:read |

Some platform-wide reads follow a voivodeship's: whoever may do the voivodeship's action in
any voivodeship may read them (`_FOLLOWS_REGION`). The data-quality rules apply to every
gmina alike and are read by whoever reads a region's data quality (`rollup.read`): operators,
every regional reviewer, national analysts, API clients with `rollups:read`; changed by
operators (`registry.manage`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from mozaika.errors import NotAuthenticated, PermissionDenied
from mozaika.identity.models import Role, Scope
from mozaika.identity.principal import Principal, PrincipalKind
from mozaika.tenancy import Teryt


class Action(StrEnum):
    # In one gmina
    GMINA_READ = "gmina.read"
    PLAN_EDIT = "plan.edit"
    PLAN_SUBMIT = "plan.submit"
    PLAN_ADOPT = "plan.adopt"
    INDICATOR_REPORT = "indicator.report"
    MEMBERS_MANAGE = "gmina.members.manage"
    GMINA_AUDIT_READ = "gmina.audit.read"
    ELIGIBILITY_READ = "eligibility.read"
    DOCUMENT_PROTECT = "document.protect"  # extend retention, set or lift a legal hold
    ACT_WITHDRAW = "plan.act.withdraw"  # withdraw an act recorded by mistake
    # In one voivodeship (or the nation, scope "")
    ROLLUP_READ = "rollup.read"
    REVIEW_DECIDE = "review.decide"
    CALL_DEFINE = "call.define"
    # Platform-wide
    REGISTRY_READ = "registry.read"
    REGISTRY_MANAGE = "registry.manage"
    TENANT_MANAGE = "tenant.manage"
    USERS_MANAGE = "users.manage"
    CLIENTS_MANAGE = "clients.manage"
    AUDIT_READ = "audit.read"
    EVENTS_READ = "events.read"
    QUALITY_RULES_READ = "quality_rules.read"


class Visibility(StrEnum):
    """Which of a gmina's plans a decision lets the caller see."""

    ALL = "all"  # drafts included
    SUBMITTED = "submitted"  # everything but drafts
    ADOPTED = "adopted"


_GMINA_ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.GMINA_ADMIN: frozenset(
        {
            Action.GMINA_READ,
            Action.PLAN_EDIT,
            Action.PLAN_SUBMIT,
            Action.PLAN_ADOPT,
            Action.INDICATOR_REPORT,
            Action.MEMBERS_MANAGE,
            Action.GMINA_AUDIT_READ,
            Action.ELIGIBILITY_READ,
        }
    ),
    Role.GMINA_EDITOR: frozenset(
        {Action.GMINA_READ, Action.PLAN_EDIT, Action.INDICATOR_REPORT, Action.ELIGIBILITY_READ}
    ),
    Role.GMINA_VIEWER: frozenset({Action.GMINA_READ, Action.ELIGIBILITY_READ}),
}
_REVIEWER_GMINA_ACTIONS = frozenset({Action.GMINA_READ, Action.ELIGIBILITY_READ, Action.REVIEW_DECIDE})
_REVIEWER_REGION_ACTIONS = frozenset({Action.ROLLUP_READ, Action.REVIEW_DECIDE, Action.CALL_DEFINE})
_ANALYST_ACTIONS = frozenset({Action.GMINA_READ, Action.ELIGIBILITY_READ, Action.ROLLUP_READ})
_OPERATOR_GMINA_ACTIONS = frozenset(
    {Action.GMINA_READ, Action.ELIGIBILITY_READ, Action.DOCUMENT_PROTECT, Action.ACT_WITHDRAW}
)
_OPERATOR_REGION_ACTIONS = frozenset({Action.ROLLUP_READ, Action.CALL_DEFINE})
_OPERATOR_PLATFORM_ACTIONS = frozenset(
    {
        Action.REGISTRY_READ,
        Action.REGISTRY_MANAGE,
        Action.TENANT_MANAGE,
        Action.USERS_MANAGE,
        Action.CLIENTS_MANAGE,
        Action.AUDIT_READ,
        Action.EVENTS_READ,
    }
)
_SCOPE_ACTIONS: dict[str, Action] = {
    Scope.ELIGIBILITY_READ: Action.ELIGIBILITY_READ,
    Scope.ROLLUPS_READ: Action.ROLLUP_READ,
    Scope.EVENTS_READ: Action.EVENTS_READ,
}
_ANY_AUTHENTICATED = frozenset({Action.REGISTRY_READ})
# A platform-wide read -> the voivodeship's action that allows it wherever it is held.
_FOLLOWS_REGION: dict[Action, Action] = {Action.QUALITY_RULES_READ: Action.ROLLUP_READ}


@dataclass(frozen=True)
class Decision:
    principal: Principal
    role: str  # the role or scope that allowed the action, recorded in the audit log
    visibility: Visibility = Visibility.ALL
    audit_read: bool = False  # a read of a gmina's data by someone outside the gmina


def _require(principal: Principal | None) -> Principal:
    if principal is None or not isinstance(principal, Principal):
        raise NotAuthenticated("A valid bearer token is required.")
    return principal


def who_may(action: Action) -> list[str]:
    """The roles (and API client scopes) that allow `action`, named as people know them."""
    if action in _FOLLOWS_REGION:
        return who_may(_FOLLOWS_REGION[action])
    roles = [str(role.label) for role, actions in _GMINA_ROLE_ACTIONS.items() if action in actions]
    if action in _REVIEWER_GMINA_ACTIONS | _REVIEWER_REGION_ACTIONS:
        roles.append(str(Role.REGIONAL_REVIEWER.label))
    if action in _ANALYST_ACTIONS:
        roles.append(str(Role.NATIONAL_ANALYST.label))
    if action in _OPERATOR_GMINA_ACTIONS | _OPERATOR_REGION_ACTIONS | _OPERATOR_PLATFORM_ACTIONS:
        roles.append(str(Role.OPERATOR.label))
    roles += [f"an API client with the {scope} scope" for scope, allowed in _SCOPE_ACTIONS.items() if allowed is action]
    return roles


def _deny(action: Action, where: str) -> PermissionDenied:
    """A refusal that says who may: the roles, for this gmina or voivodeship where it is one."""
    allowed = who_may(action)
    hint = f" Allowed for: {', '.join(allowed)}{' ' + where if where else ''}." if allowed else ""
    return PermissionDenied(f"Not allowed: {action.value} {where}.".replace("  ", " ").replace(" .", ".") + hint)


def _outside_voivodeships(who: Principal, action: Action, where: str) -> PermissionDenied:
    """A client with the scope, asking outside the voivodeships it serves: say which it serves."""
    served = ", ".join(sorted(who.voivodeships or ()))
    return PermissionDenied(
        f"Not allowed: {action.value} {where}. This API client serves only voivodeship(s) {served}; "
        "an operator can change that."
    )


def authorize_gmina(*, principal: Principal | None, teryt: str, action: Action) -> Decision:
    """May `principal` do `action` in gmina (or powiat) `teryt`?"""
    who = _require(principal)
    if who.kind is PrincipalKind.CLIENT:
        scope_action = {a: s for s, a in _SCOPE_ACTIONS.items()}.get(action)
        if scope_action in who.scopes and (who.voivodeships is None or Teryt(teryt).voivodeship in who.voivodeships):
            return Decision(who, f"scope:{scope_action}", Visibility.ADOPTED)
        if scope_action in who.scopes:
            raise _outside_voivodeships(who, action, f"in {teryt}")
        raise _deny(action, f"in {teryt}")
    for role in (Role.GMINA_ADMIN, Role.GMINA_EDITOR, Role.GMINA_VIEWER):
        if who.has_role(role, teryt) and action in _GMINA_ROLE_ACTIONS[role]:
            return Decision(who, role.value)
    if who.has_role(Role.REGIONAL_REVIEWER, Teryt(teryt).voivodeship) and action in _REVIEWER_GMINA_ACTIONS:
        return Decision(who, Role.REGIONAL_REVIEWER.value, Visibility.SUBMITTED)
    if who.has_role(Role.NATIONAL_ANALYST) and action in _ANALYST_ACTIONS:
        return Decision(who, Role.NATIONAL_ANALYST.value, Visibility.ADOPTED)
    if who.has_role(Role.OPERATOR) and action in _OPERATOR_GMINA_ACTIONS:
        return Decision(who, Role.OPERATOR.value, Visibility.ALL, audit_read=action is Action.GMINA_READ)
    raise _deny(action, f"in {teryt}")


def authorize_region(*, principal: Principal | None, voivodeship: str, action: Action) -> Decision:
    """May `principal` do `action` for voivodeship `voivodeship` ("" for the whole country)?"""
    who = _require(principal)
    if who.kind is PrincipalKind.CLIENT:
        scope_action = {a: s for s, a in _SCOPE_ACTIONS.items()}.get(action)
        within = who.voivodeships is None or (voivodeship != "" and voivodeship in who.voivodeships)
        if scope_action in who.scopes and within:
            return Decision(who, f"scope:{scope_action}", Visibility.ADOPTED)
        if scope_action in who.scopes:
            raise _outside_voivodeships(who, action, f"for {voivodeship or 'the whole country'}")
        raise _deny(action, f"for {voivodeship or 'the whole country'}")
    if voivodeship and who.has_role(Role.REGIONAL_REVIEWER, voivodeship) and action in _REVIEWER_REGION_ACTIONS:
        return Decision(who, Role.REGIONAL_REVIEWER.value, Visibility.SUBMITTED)
    if who.has_role(Role.NATIONAL_ANALYST) and action in _ANALYST_ACTIONS:
        return Decision(who, Role.NATIONAL_ANALYST.value, Visibility.ADOPTED)
    if who.has_role(Role.OPERATOR) and action in _OPERATOR_REGION_ACTIONS:
        return Decision(who, Role.OPERATOR.value)
    raise _deny(action, f"for {voivodeship or 'the whole country'}")


def _in_any_region(who: Principal, action: Action, regional: Action) -> Decision:
    """A platform-wide `action` allowed to whoever may do `regional` in some voivodeship."""
    if who.kind is PrincipalKind.CLIENT:
        scope = {a: s for s, a in _SCOPE_ACTIONS.items()}.get(regional)
        if scope in who.scopes:
            return Decision(who, f"scope:{scope}", Visibility.ADOPTED)
        raise _deny(action, "")
    if regional in _REVIEWER_REGION_ACTIONS and any(g.role == Role.REGIONAL_REVIEWER for g in who.grants):
        return Decision(who, Role.REGIONAL_REVIEWER.value, Visibility.SUBMITTED)
    if who.has_role(Role.NATIONAL_ANALYST) and regional in _ANALYST_ACTIONS:
        return Decision(who, Role.NATIONAL_ANALYST.value, Visibility.ADOPTED)
    if who.has_role(Role.OPERATOR) and regional in _OPERATOR_REGION_ACTIONS:
        return Decision(who, Role.OPERATOR.value)
    raise _deny(action, "")


def authorize_platform(*, principal: Principal | None, action: Action) -> Decision:
    """May `principal` do a platform-wide `action`?"""
    who = _require(principal)
    if action in _ANY_AUTHENTICATED:
        return Decision(who, "authenticated")
    if action in _FOLLOWS_REGION:
        return _in_any_region(who, action, _FOLLOWS_REGION[action])
    if who.kind is PrincipalKind.CLIENT:
        scope_action = {a: s for s, a in _SCOPE_ACTIONS.items()}.get(action)
        if scope_action in who.scopes:
            return Decision(who, f"scope:{scope_action}", Visibility.ADOPTED)
        raise _deny(action, "")
    if who.has_role(Role.OPERATOR) and action in _OPERATOR_PLATFORM_ACTIONS:
        return Decision(who, Role.OPERATOR.value)
    raise _deny(action, "")
