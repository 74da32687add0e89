from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "mozaika.site"
    label = "mozaika_site"
    verbose_name = "Mozaika site (composition root)"
