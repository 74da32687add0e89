"""Writes to identities: people, their role grants, logins. Each change is audited."""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from mozaika.audit.log import Actor, audit_record
from mozaika.errors import Conflict, FieldError, LockedOut, NotAuthenticated, NotFound, ValidationFailed
from mozaika.identity.models import GMINA_ROLES, LoginThrottle, Role, RoleGrant
from mozaika.identity.tokens import api_token_issue

_SCOPE_RULES = {
    Role.OPERATOR: (r"", "must be empty"),
    Role.NATIONAL_ANALYST: (r"", "must be empty"),
    Role.REGIONAL_REVIEWER: (r"^[0-9]{2}$", "must be a voivodeship code (2 digits)"),
}


def _check_scope(role: Role, scope: str) -> None:
    pattern, message = _SCOPE_RULES.get(role, (r"^[0-9]{7}$", "must be a gmina TERYT code (7 digits)"))
    if (pattern == "" and scope) or (pattern and not re.match(pattern, scope)):
        raise ValidationFailed("The role's scope is not valid.", errors=[FieldError("scope", message)])


def login(*, username: str, password: str) -> str:
    """A bearer token for valid credentials. Repeated failures lock the username for a while;
    unknown names and wrong passwords fail alike."""
    now = timezone.now()
    with transaction.atomic():
        throttle, _ = LoginThrottle.objects.select_for_update().get_or_create(username=username)
        if throttle.locked_until and throttle.locked_until > now:
            raise LockedOut(
                int((throttle.locked_until - now).total_seconds()) + 1, "Too many failed logins; try later."
            )
    user = authenticate(username=username, password=password)
    with transaction.atomic():
        throttle = LoginThrottle.objects.select_for_update().get(username=username)
        if user is None:
            throttle.failures += 1
            if throttle.failures >= settings.LOGIN_MAX_FAILURES:
                throttle.locked_until = now + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
                throttle.failures = 0
        else:
            throttle.failures = 0
            throttle.locked_until = None
        throttle.save()
    # Raised after the block: an exception inside it would roll the failure count back.
    if not isinstance(user, User):
        raise NotAuthenticated("Wrong username or password.")
    return api_token_issue(user=user)


def person_create(*, username: str, password: str | None, email: str, actor: Actor) -> User:
    if User.objects.filter(username=username).exists():
        raise ValidationFailed("The username is taken.", errors=[FieldError("username", "already exists")])
    with transaction.atomic():
        user = User.objects.create_user(username=username, email=email, password=password)
        audit_record(
            actor=actor, action="user.create", object_type="user", object_id=username, changes={"email": [None, email]}
        )
    return user


def role_grant(*, username: str, role: Role, scope: str, actor: Actor) -> RoleGrant:
    _check_scope(role, scope)
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise NotFound(f"No active user {username}.")
    try:
        with transaction.atomic():
            grant = RoleGrant.objects.create(user=user, role=role, scope=scope, granted_by=actor.name)
            audit_record(
                actor=actor,
                action="role.grant",
                object_type="user",
                object_id=username,
                teryt=scope if role in GMINA_ROLES else "",
                changes={"role": [None, f"{role.value}:{scope}"]},
            )
    except IntegrityError as error:
        raise Conflict(f"{username} already holds {role.value} {scope}.") from error
    if role is Role.OPERATOR and not user.is_staff:  # operators use the Django admin too
        User.objects.filter(pk=user.pk).update(is_staff=True)
    return grant


def role_revoke(*, username: str, role: Role, scope: str, actor: Actor) -> None:
    with transaction.atomic():
        deleted, _ = RoleGrant.objects.filter(user__username=username, role=role, scope=scope).delete()
        if not deleted:
            raise NotFound(f"{username} does not hold {role.value} {scope}.")
        audit_record(
            actor=actor,
            action="role.revoke",
            object_type="user",
            object_id=username,
            teryt=scope if role in GMINA_ROLES else "",
            changes={"role": [f"{role.value}:{scope}", None]},
        )
