from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    label = "tenants"
    verbose_name = "Gminas (tenants) and the territorial registry"

    def ready(self) -> None:
        from tenants import events  # noqa: F401  (declares the tenancy's events)
        from tenants.registry.cache import connect_signals

        connect_signals()
