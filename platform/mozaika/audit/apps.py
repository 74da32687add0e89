from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "mozaika.audit"
    label = "audit"
    verbose_name = "Audit log"
