from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "mozaika.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        # The consumer subscribes to every public event type: the catalogue is complete only once
        # the domain apps, listed before this one in INSTALLED_APPS, are ready.
        from mozaika.webhooks import actors  # noqa: F401
