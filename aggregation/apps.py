from django.apps import AppConfig


class AggregationConfig(AppConfig):
    name = "aggregation"
    label = "aggregation"
    verbose_name = "Regional and national views"

    def ready(self) -> None:
        from aggregation import actors  # noqa: F401  (the views' and calls' consumers)
        from aggregation.calls import events  # noqa: F401  (the calls' events)
