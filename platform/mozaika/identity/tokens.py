"""Bearer credentials: people's tokens (`mzk_…`) and API clients' secrets (`mzc_…`).

Secrets are random 256-bit values, so a plain SHA-256 digest is a safe at-rest form (no slow
hash needed, unlike passwords); only the digest and a short prefix are stored."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mozaika.audit.log import Actor, audit_record
from mozaika.errors import Conflict, FieldError, NotFound, ValidationFailed
from mozaika.identity.cache import principals_changed
from mozaika.identity.models import ApiClient, ApiClientSecret, ApiToken, RoleGrant, Scope
from mozaika.identity.principal import Grant, Principal, PrincipalKind
from mozaika.tenancy import VOIVODESHIP_PATTERN

PERSON_TOKEN_PREFIX = "mzk_"  # noqa: S105  (marks Mozaika tokens for secret scanners; not a secret)
CLIENT_SECRET_PREFIX = "mzc_"  # noqa: S105
LAST_USED_RESOLUTION = timedelta(minutes=1)
# During a rotation the previous secret stays valid this long, so clients can switch over.
ROTATION_GRACE = timedelta(days=7)


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_secret(prefix: str) -> tuple[str, str, str]:
    secret = prefix + secrets.token_urlsafe(32)
    return secret, token_digest(secret), secret[: len(prefix) + 4]


def api_token_issue(*, user: User, ttl: timedelta | None = None) -> str:
    """Create a token for `user` and return its secret; only its digest is kept."""
    secret, digest, prefix = _new_secret(PERSON_TOKEN_PREFIX)
    ApiToken.objects.create(
        user=user,
        digest=digest,
        prefix=prefix,
        expires_at=timezone.now() + (ttl or timedelta(days=settings.API_TOKEN_TTL_DAYS)),
    )
    return secret


def credential_revoke(*, secret: str) -> bool:
    """Revoke, at once, the credential a request carries: a person's token or an API client's
    secret (each is looked up by its digest on every request, so the next one is refused)."""
    rows = ApiClientSecret.objects if secret.startswith(CLIENT_SECRET_PREFIX) else ApiToken.objects
    with transaction.atomic():
        revoked = rows.filter(digest=token_digest(secret), revoked_at__isnull=True).update(revoked_at=timezone.now())
        if revoked:
            principals_changed()
    return revoked == 1


@dataclass(frozen=True)
class Credential:
    """A valid credential: who it stands for, until when, and (a person's token) its row."""

    principal: Principal
    expires_at: datetime
    token_id: int | None = None
    last_used_at: datetime | None = None


def credential_lookup(secret: str) -> Credential | None:
    """The credential behind a bearer secret if it is valid, unexpired and unrevoked, else None
    (read from the database every time; the API reads through `mozaika.identity.gate`)."""
    if secret.startswith(CLIENT_SECRET_PREFIX):
        return _client_credential(secret)
    if secret.startswith(PERSON_TOKEN_PREFIX):
        return _person_credential(secret)
    return None


def token_last_use_record(*, token_id: int, last_used_at: datetime | None, now: datetime) -> bool:
    """Record a person's token's last use, at most once per `LAST_USED_RESOLUTION`; whether it
    wrote."""
    if last_used_at is not None and now - last_used_at <= LAST_USED_RESOLUTION:
        return False
    ApiToken.objects.filter(pk=token_id).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    ).update(last_used_at=now)
    return True


def _person_credential(secret: str) -> Credential | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(secret), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    principal = person_principal(token.user, credential=token.prefix)
    return Credential(principal, token.expires_at, token_id=token.pk, last_used_at=token.last_used_at)


def person_principal(user: User, *, credential: str = "") -> Principal:
    grants = frozenset(Grant(r.role, r.scope) for r in RoleGrant.objects.filter(user=user))  # type: ignore[arg-type]
    return Principal(PrincipalKind.PERSON, user.pk, user.get_username(), grants=grants, credential=credential)


def _client_credential(secret: str) -> Credential | None:
    row = (
        ApiClientSecret.objects.select_related("client")
        .filter(digest=token_digest(secret), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if row is None or not row.client.is_active:
        return None
    client = row.client
    principal = Principal(
        PrincipalKind.CLIENT,
        client.pk,
        f"client:{client.name}",
        scopes=frozenset(client.scopes),
        voivodeships=frozenset(client.voivodeships) if client.voivodeships else None,
        credential=row.prefix,
    )
    return Credential(principal, row.expires_at)


def _secret_for(client: ApiClient, ttl_days: int) -> str:
    secret, digest, prefix = _new_secret(CLIENT_SECRET_PREFIX)
    ApiClientSecret.objects.create(
        client=client, digest=digest, prefix=prefix, expires_at=timezone.now() + timedelta(days=ttl_days)
    )
    return secret


def api_client_create(
    *, name: str, scopes: list[Scope], voivodeships: list[str], actor: Actor, ttl_days: int = 365
) -> tuple[ApiClient, str]:
    """A new client and its first secret (shown once)."""
    bad = [i for i, code in enumerate(voivodeships) if not re.match(VOIVODESHIP_PATTERN, code)]
    if bad:
        errors = [FieldError(f"voivodeships[{i}]", "a voivodeship code has 2 digits") for i in bad]
        raise ValidationFailed("The client's voivodeships are not valid.", errors=errors)
    if ApiClient.objects.filter(name=name).exists():
        raise ValidationFailed("The client name is taken.", errors=[FieldError("name", "already exists")])
    with transaction.atomic():
        client = ApiClient.objects.create(
            name=name, scopes=[s.value for s in scopes], voivodeships=sorted(set(voivodeships)), created_by=actor.name
        )
        audit_record(
            actor=actor,
            action="client.create",
            object_type="api_client",
            object_id=client.pk,
            changes={"scopes": [None, client.scopes], "voivodeships": [None, client.voivodeships]},
        )
        return client, _secret_for(client, ttl_days)


def api_client_rotate(*, client_id: int, actor: Actor, ttl_days: int = 365) -> str:
    """Issue a new secret; the newest previous one stays valid for `ROTATION_GRACE`, older ones
    are revoked, so at most two secrets are valid at any time."""
    with transaction.atomic():
        client = ApiClient.objects.select_for_update().filter(pk=client_id, is_active=True).first()
        if client is None:
            raise NotFound(f"API client {client_id} does not exist or is deactivated.")
        now = timezone.now()
        active = list(client.secrets.filter(revoked_at__isnull=True, expires_at__gt=now).order_by("-created_at"))
        for older in active[1:]:
            older.revoked_at = now
            older.save(update_fields=["revoked_at"])
        if active:
            active[0].expires_at = min(active[0].expires_at, now + ROTATION_GRACE)
            active[0].save(update_fields=["expires_at"])
        audit_record(actor=actor, action="client.rotate", object_type="api_client", object_id=client_id)
        return _secret_for(client, ttl_days)


def api_client_secret_revoke(*, client_id: int, secret_id: int, actor: Actor) -> None:
    with transaction.atomic():
        updated = ApiClientSecret.objects.filter(pk=secret_id, client_id=client_id, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if not updated:
            raise Conflict(f"Secret {secret_id} of client {client_id} is unknown or already revoked.")
        principals_changed()
        audit_record(
            actor=actor, action="client.revoke_secret", object_type="api_client", object_id=f"{client_id}/{secret_id}"
        )


def api_client_deactivate(*, client_id: int, actor: Actor) -> None:
    with transaction.atomic():
        if not ApiClient.objects.filter(pk=client_id).update(is_active=False):
            raise NotFound(f"API client {client_id} does not exist.")
        principals_changed()
        audit_record(actor=actor, action="client.deactivate", object_type="api_client", object_id=client_id)
