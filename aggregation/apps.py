from django.apps import AppConfig


class AggregationConfig(AppConfig):
    name = "aggregation"
    label = "aggregation"
    verbose_name = "Regional and national views"

    def ready(self) -> None:
        from aggregation import actors, events  # noqa: F401  (its events, the views' and calls' consumers)
