from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "mozaika.identity"
    label = "identity"
    verbose_name = "Identity and access"

    def ready(self) -> None:
        from mozaika.identity.signals import connect

        connect()
