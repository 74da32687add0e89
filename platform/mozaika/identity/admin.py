"""The Django admin, for operators (staff): roles and API clients. Secrets never show here."""

from django.contrib import admin

from mozaika.identity.models import ApiClient, RoleGrant


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "role", "scope", "granted_by", "granted_at")
    list_filter = ("role",)
    search_fields = ("user__username", "scope")


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "scopes", "voivodeships", "is_active", "created_at")
    readonly_fields = ("created_by", "created_at")
