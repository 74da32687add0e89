from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "mozaika.events"
    label = "events"
    verbose_name = "Event log"
