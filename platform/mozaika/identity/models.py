from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """A bearer token. Only the SHA-256 of the secret is stored: the secret is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    # The first characters identify a token in lists and logs without revealing it.
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"


class GminaRole(models.TextChoices):
    ADMIN = "gmina_admin", "Gmina admin"
    VIEWER = "gmina_viewer", "Gmina viewer"


class GminaGrant(models.Model):
    """A person's role in one gmina, by TERYT code (the registry lives in `tenants`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="gmina_grants")
    teryt = models.CharField(max_length=7)
    role = models.CharField(max_length=20, choices=GminaRole.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "teryt"], name="one_role_per_user_and_gmina")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} {self.teryt}"
