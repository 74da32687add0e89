from django.contrib import admin
from django.urls import path

from mozaika.health import healthz, readyz
from mozaika.metrics import metrics
from mozaika.site.api import api

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = "mozaika.problems.bad_request"
handler403 = "mozaika.problems.permission_denied"
handler404 = "mozaika.problems.not_found"
handler500 = "mozaika.problems.server_error"
