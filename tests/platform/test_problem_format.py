"""Every answer a client can get is a problem document (RFC 9457), also those no API handler
builds: unrouted paths, methods a path does not take, requests Django refuses before a view,
bodies over their limits, and crashes (with a correlation id and nothing internal)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings

from tests.support import Api


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert (body["status"], body["code"]) == (status, code)
    assert body["detail"]
    assert response["X-Request-Id"]
    return body


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/nothing", "/api/v2/gminas"])
def test_an_unrouted_path_is_a_404_problem(operator: Api, path: str) -> None:
    assert_problem(operator.get(path), 404, "not_found")


@pytest.mark.parametrize(("method", "path"), [("DELETE", "/api/v1/gminas"), ("PATCH", "/api/v1/calls")])
def test_a_method_the_path_does_not_take_is_a_405_problem_with_allow(operator: Api, method: str, path: str) -> None:
    response = operator.client.generic(method, path, headers=operator._headers())
    assert_problem(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_a_disallowed_host_is_a_400_problem(db: None) -> None:
    response = Client(HTTP_HOST="evil.example").get("/api/v1/gminas")
    assert_problem(response, 400, "bad_request")


def test_a_body_over_the_limit_is_a_413_problem(operator: Api, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = operator.post_json("/api/v1/calls", {"code": "X" * 5000})
    assert_problem(response, 413, "payload_too_large")


@override_settings(ROOT_URLCONF="tests.platform.crash_urls")
def test_a_crash_is_a_500_problem_with_a_request_id_and_nothing_internal(db: None) -> None:
    response = Client(raise_request_exception=False).get("/crash")

    body = assert_problem(response, 500, "internal_error")
    assert response["X-Request-Id"] in body["detail"]
    assert "hunter2" not in response.content.decode()
    assert "settings.py" not in response.content.decode()


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("[" * 100_000, id="deep-array"),
        pytest.param('{"a":' * 50_000 + "1" + "}" * 50_000, id="deep-object"),
    ],
)
def test_json_nested_beyond_reason_is_a_400_problem(operator: Api, body: str) -> None:
    client = Client(raise_request_exception=False)
    response = client.post("/api/v1/calls", body, content_type="application/json", headers=operator._headers())
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
