from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from mozaika.tenancy import TERYT_GMINA_PATTERN, VOIVODESHIP_PATTERN


class ApiToken(models.Model):
    """A person's bearer token. Only the SHA-256 of the secret is stored: it is shown once."""

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


class Role(models.TextChoices):
    OPERATOR = "operator", "platform operator"
    GMINA_ADMIN = "gmina_admin", "gmina admin"
    GMINA_EDITOR = "gmina_editor", "gmina editor"
    GMINA_VIEWER = "gmina_viewer", "gmina viewer"
    REGIONAL_REVIEWER = "regional_reviewer", "regional reviewer (marshal's office / ROPS)"
    NATIONAL_ANALYST = "national_analyst", "national analyst"


GMINA_ROLES = (Role.GMINA_ADMIN, Role.GMINA_EDITOR, Role.GMINA_VIEWER)


class RoleGrant(models.Model):
    """A person's role, scoped: gmina roles to a gmina (TERYT), the reviewer to a voivodeship,
    the operator and the analyst to the whole country (empty scope). One person may hold many."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=20, choices=Role.choices)
    scope = models.CharField(max_length=7, blank=True)
    granted_by = models.CharField(max_length=150)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "scope"], name="one_grant_per_role_and_scope"),
            models.CheckConstraint(
                name="role_scope_matches_role",
                condition=(
                    models.Q(role__in=[r.value for r in GMINA_ROLES], scope__regex=TERYT_GMINA_PATTERN)
                    | models.Q(role=Role.REGIONAL_REVIEWER.value, scope__regex=VOIVODESHIP_PATTERN)
                    | models.Q(role__in=[Role.OPERATOR.value, Role.NATIONAL_ANALYST.value], scope="")
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} {self.scope or '*'}"


class Scope(models.TextChoices):
    """What an API client (a funding application system) may do."""

    ELIGIBILITY_READ = "eligibility:read"
    EVENTS_READ = "events:read"
    ROLLUPS_READ = "rollups:read"


class ApiClient(models.Model):
    """Machine credentials: scopes, limited to some voivodeships or (empty list) nationwide."""

    name = models.CharField(max_length=100, unique=True)
    scopes = ArrayField(models.CharField(max_length=30, choices=Scope.choices))
    voivodeships = ArrayField(models.CharField(max_length=2), default=list, blank=True)
    is_active = models.BooleanField(default=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class ApiClientSecret(models.Model):
    """One of a client's secrets (two are valid while a rotation is under way); hashed."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="secrets")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.client_id})"


class LoginThrottle(models.Model):
    """Failed password logins per username; repeated failures lock the name for a while."""

    username = models.CharField(max_length=150, primary_key=True)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.username


class RateWindow(models.Model):
    """Requests per credential per fixed window, counted atomically in the database (shared by
    every API process, whatever the broker)."""

    key = models.CharField(max_length=80)
    window = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="one_counter_per_window")]

    def __str__(self) -> str:
        return f"{self.key}@{self.window}"


class NotificationKind(models.TextChoices):
    """The e-mails people get; each person can switch each kind off."""

    PLAN_SUBMITTED = "plan_submitted", "plan złożony do oceny (dla oceniających)"
    PLAN_RETURNED = "plan_returned", "plan zwrócony z uwagami"
    PLAN_ACCEPTED = "plan_accepted", "plan zaakceptowany"
    REPORT_DUE = "report_due", "przypomnienie o sprawozdaniu rocznym"
    FORCE_ENDING = "force_ending", "plan przestaje obowiązywać za 90 dni"


class NotificationOptOut(models.Model):
    """A kind of e-mail a person switched off (every kind is on until then)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_opt_outs")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_opt_out_per_kind")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} off"


class SentNotification(models.Model):
    """An e-mail sent for an event to a person: a redelivered event sends nothing again."""

    event_id = models.UUIDField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event_id", "user"], name="one_mail_per_event_and_person")]

    def __str__(self) -> str:
        return f"{self.kind} to {self.user_id} for {self.event_id}"
