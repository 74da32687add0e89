from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "tenants.plans"
    label = "plans"
    verbose_name = "Local plans (LPRUSiD)"

    def ready(self) -> None:
        from tenants.plans import actors, events  # noqa: F401  (the plan's events, the archive consumer)
