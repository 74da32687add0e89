"""Liveness, readiness and the API description are reachable without a token."""

from __future__ import annotations

from typing import Any

from django.test import Client


def test_healthz_answers_without_touching_anything() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_reports_each_dependency(db: None) -> None:
    response = Client().get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"] == {"database": "ok", "broker": "ok", "archive": "ok"}


def test_readyz_is_503_when_the_archive_is_unreachable(db: None, settings: Any, monkeypatch: Any) -> None:
    settings.ARCHIVE_S3_BUCKET = "mozaika-archive"
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9")  # the discard port: nothing answers
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")

    response = Client().get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["archive"] == "unavailable"
    assert response.json()["checks"]["database"] == "ok"


def test_openapi_document_is_public_and_lists_the_skeletons_paths() -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/gminas/{teryt}/plans",
        "/api/v1/gminas/{teryt}/plans/{plan_id}/adoption",
        "/api/v1/regions/{voivodeship}/rollup",
        "/api/v1/national/rollup",
        "/api/v1/eligibility/{teryt}",
    ):
        assert path in paths
    assert Client().get("/api/v1/docs").status_code == 200
