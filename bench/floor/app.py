"""One authenticated JSON answer: `GET /api/v1/floor` with `Authorization: Bearer floor` (and
`/healthz`, which the benchmark waits for, as for Mozaika)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
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


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


urlpatterns = [path("api/v1/", api.urls), path("healthz", healthz)]
