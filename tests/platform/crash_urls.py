"""The product's URLs plus one view that crashes, to see what a client gets from a 500."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from mozaika.site.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internal detail: password=hunter2 at /srv/mozaika/settings.py")


urlpatterns = [path("crash", crash), *urlpatterns]
