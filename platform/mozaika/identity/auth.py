"""Authentication for the API: `Authorization: Bearer <token or client secret>`, rate limited
per credential."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer

from mozaika.errors import RateLimited
from mozaika.identity.principal import Principal
from mozaika.identity.ratelimit import rate_limit_retry_after
from mozaika.identity.tokens import principal_for_bearer


def principal_of(request: HttpRequest) -> Principal:
    """Who the API authenticated for this request, typed (ninja keeps it in `request.auth`)."""
    principal = getattr(request, "auth", None)
    if not isinstance(principal, Principal):
        raise TypeError("no authenticated principal on this request: the operation must require auth")
    return principal


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Principal | None:
        principal = principal_for_bearer(token)
        if principal is None:
            return None
        retry_after = rate_limit_retry_after(
            key=f"{principal.kind}:{principal.id}",
            limit=settings.API_RATE_LIMIT_PER_MINUTE,
            window_seconds=settings.API_RATE_LIMIT_WINDOW_SECONDS,
        )
        if retry_after is not None:
            raise RateLimited(retry_after)
        return principal
