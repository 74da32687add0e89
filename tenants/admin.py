from django.contrib import admin

from tenants.models import Gmina, Tenant


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "kind", "voivodeship", "is_active", "created_at")
    list_filter = ("kind", "is_active", "voivodeship")
    search_fields = ("code", "name")
    readonly_fields = ("schema_name", "created_at", "deactivated_at", "schema_dropped_at")


@admin.register(Gmina)
class GminaAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("teryt", "name", "kind", "powiat", "voivodeship", "is_active")
    list_filter = ("kind", "voivodeship", "is_active")
    search_fields = ("teryt", "name")
