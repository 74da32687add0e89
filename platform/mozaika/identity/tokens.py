"""Bearer tokens: issue, resolve, revoke. Secrets are random 256-bit values, so a plain SHA-256
digest is a safe at-rest form (no slow hash needed, unlike passwords)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Q
from django.utils import timezone

from mozaika.identity.models import ApiToken

TOKEN_PREFIX = "mzk_"  # noqa: S105  (marks Mozaika tokens for secret scanners; not a secret)
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_issue(*, user: User, ttl: timedelta | None = None) -> str:
    """Create a token for `user` and return its secret; only its digest is kept."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        digest=token_digest(secret),
        prefix=secret[: len(TOKEN_PREFIX) + 4],
        expires_at=timezone.now() + (ttl or timedelta(days=settings.API_TOKEN_TTL_DAYS)),
    )
    return secret


def api_token_user(*, secret: str) -> User | None:
    """The active user behind a valid, unexpired, unrevoked token, or None."""
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(secret), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
        ).update(last_used_at=now)
    return token.user


def api_token_revoke(*, secret: str) -> bool:
    updated = ApiToken.objects.filter(digest=token_digest(secret), revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return updated == 1
