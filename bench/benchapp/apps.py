from django.apps import AppConfig


class BenchAppConfig(AppConfig):
    """A tenant app that exists only in benchmarks: its second migration is "the new migration"
    applied to every tenant schema."""

    name = "bench.benchapp"
    label = "benchapp"
