"""One authenticated JSON answer: `GET /api/v1/floor` with `Authorization: Bearer floor`."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import path
from ninja import NinjaAPI
from ninja.security import HttpBearer

TOKEN = "floor"  # noqa: S105  (a benchmark's fixed credential)


class FixedBearer(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> str | None:
        return token if token == TOKEN else None


api = NinjaAPI(auth=FixedBearer(), urls_namespace="floor")


@api.get("/floor")
def floor(request: HttpRequest) -> dict[str, str]:
    return {"teryt": "0811082", "name": "Trzebiel", "kind": "rural"}


urlpatterns = [path("api/v1/", api.urls)]
