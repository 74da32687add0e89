from django.contrib import admin
from django.urls import path

from mozaika.api import api
from mozaika.health import healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
