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
from mozaika.identity.cache import principals_changed
from mozaika.identity.models import GMINA_ROLES, LoginThrottle, Role, RoleGrant
from mozaika.identity.ratelimit import rate_limit_retry_after
from mozaika.identity.tokens import api_token_issue
from mozaika.metrics import RATE_LIMITED
from mozaika.tenancy import TERYT_GMINA_PATTERN, VOIVODESHIP_PATTERN

_SCOPE_RULES = {
    Role.OPERATOR: (r"", "must be empty"),
    Role.NATIONAL_ANALYST: (r"", "must be empty"),
    Role.REGIONAL_REVIEWER: (VOIVODESHIP_PATTERN, "must be a voivodeship code (2 digits)"),
}


def _check_scope(role: Role, scope: str) -> None:
    pattern, message = _SCOPE_RULES.get(role, (TERYT_GMINA_PATTERN, "must be a gmina TERYT code (7 digits)"))
    if (pattern == "" and scope) or (pattern and not re.match(pattern, scope)):
        raise ValidationFailed("The role's scope is not valid.", errors=[FieldError("scope", message)])


def _attempt_claimed(username: str) -> None:
    """Count a sign-in attempt for an existing username before its password is checked, under
    the row's lock: parallel attempts cannot all pass the check and then fail (a check-then-
    authenticate race). The attempt that reaches the limit locks the name unless it succeeds."""
    now = timezone.now()
    with transaction.atomic():
        throttle, _ = LoginThrottle.objects.select_for_update().get_or_create(username=username)
        if throttle.locked_until and throttle.locked_until > now:
            retry_after = int((throttle.locked_until - now).total_seconds()) + 1
        else:
            retry_after = 0
            if throttle.locked_until is not None:  # a lock that ran out starts a new count
                throttle.failures, throttle.locked_until = 0, None
            throttle.failures += 1
            if throttle.failures >= settings.LOGIN_MAX_FAILURES:
                throttle.locked_until = now + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
            throttle.save()
    if retry_after:
        raise LockedOut(retry_after, "Too many failed logins; try later.")


def login(*, username: str, password: str, ip: str | None) -> str:
    """A bearer token for valid credentials. Each address may try `LOGIN_ATTEMPTS_PER_IP_MINUTE`
    times a minute (refused before any password hashing, which costs ~0.1 s of CPU); each
    existing username `LOGIN_MAX_FAILURES` times before a lockout. Unknown names leave no row
    behind and fail like wrong passwords (Django hashes a password for them too)."""
    retry_after = rate_limit_retry_after(key=f"login:{ip or 'unknown'}", limit=settings.LOGIN_ATTEMPTS_PER_IP_MINUTE,
                                         window_seconds=60)  # fmt: skip
    if retry_after is not None:
        RATE_LIMITED.labels("sign_in_address").inc()
        raise LockedOut(retry_after, "Too many sign-in attempts from this address; try later.")
    known = User.objects.filter(username=username).exists()
    if known:
        _attempt_claimed(username)
    user = authenticate(username=username, password=password)
    if not isinstance(user, User):
        raise NotAuthenticated("Wrong username or password.")
    LoginThrottle.objects.filter(username=username).update(failures=0, locked_until=None)
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
            principals_changed()
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
        principals_changed()
        audit_record(
            actor=actor,
            action="role.revoke",
            object_type="user",
            object_id=username,
            teryt=scope if role in GMINA_ROLES else "",
            changes={"role": [f"{role.value}:{scope}", None]},
        )
