from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from mozaika.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: the log is append-only (the database refuses changes anyway)."""

    list_display = ("at", "actor_name", "role", "action", "object_type", "object_id", "teryt")
    list_filter = ("action", "role")
    search_fields = ("actor_name", "teryt", "object_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
