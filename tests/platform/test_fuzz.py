"""A bounded fuzz run of the whole API (schemathesis, from the OpenAPI document, in-process
through the WSGI application and a real PostgreSQL): no generated request, valid or not, gets a
5xx, and every error answer is a problem document. Ten cases per operation keep CI short (under a minute); run
`FUZZ_EXAMPLES=200 .venv/bin/python -m pytest tests/platform/test_fuzz.py` for a longer hunt."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from tests.support import token_for

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))


@contextmanager
def connection_kept() -> Iterator[None]:
    """As Django's test client does: the test's transaction must outlive each request, so the
    end of a request does not close the database connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_no_request_is_a_server_error(db: None) -> None:
    with connection_kept():
        _fuzz()


def _fuzz() -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    headers = {"Authorization": f"Bearer {token_for('demo-operator')}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 50

    for operation in operations:

        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck),
                  database=None)  # fmt: skip
        @given(case=operation.as_strategy())
        def no_server_error(case: Any) -> None:
            response = case.call(headers=headers)
            where = (case.method, case.formatted_path, response.status_code, response.content[:300])
            assert response.status_code < 500, where
            if response.status_code >= 400:
                content_type = {k.lower(): v for k, v in response.headers.items()}["content-type"]
                assert str(content_type[0] if isinstance(content_type, list) else content_type).startswith(
                    "application/problem+json"
                ), where

        no_server_error()
