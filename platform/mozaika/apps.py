from django.apps import AppConfig


class MozaikaConfig(AppConfig):
    name = "mozaika"
    label = "mozaika"
    verbose_name = "Mozaika kernel"

    def ready(self) -> None:
        # The dramatiq broker must exist before any app declares its actors (in their ready()).
        from mozaika.broker import install_broker

        install_broker()
