"""Helpers shared by the tests: the demo gminas' codes, an API client, request bodies."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from mozaika.identity.tokens import api_token_issue

TRZEBIEL = "0811082"
ZIELONA_GORA = "0862011"
KRAKOW = "1261011"
KOSZALIN = "3261011"

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


class Api:
    """A Django test client that speaks JSON and carries a bearer token."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.token = token

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, headers=self._headers())

    def post_json(self, path: str, body: Any) -> Any:
        return self.client.post(path, body, content_type="application/json", headers=self._headers())

    def post_form(self, path: str, data: dict[str, Any]) -> Any:
        return self.client.post(path, data, headers=self._headers())


def token_for(username: str) -> str:
    return api_token_issue(user=get_user_model().objects.get(username=username))


def plan_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Plan testowy 2025-2027",
        "period_start": 2025,
        "period_end": 2027,
        "areas": ["seniors", "family"],
        "indicators": [
            {
                "area": "seniors",
                "number": "1",
                "name": "Liczba osób objętych usługami opiekuńczymi",
                "unit": "osoby",
                "baseline_value": "12",
                "baseline_year": 2025,
                "target_value": "30",
                "target_year": 2027,
                "values": {"2025": "12", "2026": "18"},
            }
        ],
    }
    body.update(overrides)
    return body


def adoption_form(**overrides: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "act_number": "XII/84/2024",
        "act_date": "2024-06-27",
        "resolution": SimpleUploadedFile("Uchwała XII-84-2024.pdf", MINIMAL_PDF, "application/pdf"),
    }
    form.update(overrides)
    return form
