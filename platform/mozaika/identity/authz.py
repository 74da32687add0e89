"""Every authorisation decision, in one module. Endpoints call these before any schema switch.

The skeleton's model: platform operators (`is_staff`) may do everything; a person holds a role
per gmina (`GminaGrant`). Regional and national roles and API-client scopes come with the
full access model.
"""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth.models import AnonymousUser, User

from mozaika.errors import NotAuthenticated, PermissionDenied
from mozaika.identity.models import GminaGrant, GminaRole


class Permission(StrEnum):
    GMINA_READ = "gmina.read"
    PLAN_WRITE = "plan.write"
    ROLLUP_READ = "rollup.read"
    REGISTRY_READ = "registry.read"
    TENANT_MANAGE = "tenant.manage"
    ELIGIBILITY_READ = "eligibility.read"


_GMINA_ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    GminaRole.ADMIN: frozenset({Permission.GMINA_READ, Permission.PLAN_WRITE}),
    GminaRole.VIEWER: frozenset({Permission.GMINA_READ}),
}
# Public-interest views every authenticated party may read in the skeleton.
_ANY_AUTHENTICATED = frozenset({Permission.ROLLUP_READ, Permission.ELIGIBILITY_READ, Permission.REGISTRY_READ})


def _require_user(user: User | AnonymousUser | None) -> User:
    if user is None or not user.is_authenticated or not user.is_active:
        raise NotAuthenticated("A valid bearer token is required.")
    assert isinstance(user, User)
    return user


def is_operator(user: User) -> bool:
    return bool(getattr(user, "is_staff", False))


def authorize_gmina(*, user: User | AnonymousUser | None, teryt: str, permission: Permission) -> None:
    """Raise unless `user` may exercise `permission` in gmina `teryt`."""
    person = _require_user(user)
    if is_operator(person):
        return
    roles = GminaGrant.objects.filter(user_id=person.pk, teryt=teryt).values_list("role", flat=True)
    if any(permission in _GMINA_ROLE_PERMISSIONS.get(role, frozenset()) for role in roles):
        return
    raise PermissionDenied(f"You may not {permission.value} in gmina {teryt}.")


def authorize(*, user: User | AnonymousUser | None, permission: Permission) -> None:
    """Raise unless `user` may exercise a permission that is not tied to one gmina."""
    person = _require_user(user)
    if is_operator(person) or permission in _ANY_AUTHENTICATED:
        return
    raise PermissionDenied(f"You may not {permission.value}.")
