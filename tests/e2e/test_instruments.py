"""What an operator sees of the running product (issue 18): Prometheus metrics gathered from
both API processes and the worker, and JSON log lines that carry a change's request id from the
API through the outbox into the worker."""

from __future__ import annotations

import json
import re

import httpx
import psycopg
import pytest

from tests.e2e.conftest import Product
from tests.support import TRZEBIEL, plan_body, wait_until

pytestmark = pytest.mark.e2e


def applied(product: Product, sql: str, *params: str) -> bool:
    with psycopg.connect(product.env["DATABASE_URL"]) as conn:
        row = conn.execute(sql, params).fetchone()
    return bool(row and row[0])


def scrape_showing(product: Product, needle: str) -> str | None:
    text = httpx.get(f"{product.base_url}/metrics", timeout=30).text
    return text if needle in text else None


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample, its labels given in any order (a subset is enough)."""
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split(" ")[0]))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"no sample {name} {labels} in /metrics")


@pytest.mark.product_env(API_RATE_LIMIT_PER_MINUTE="40")
def test_metrics_and_logs_follow_a_change_from_the_api_into_the_worker(product: Product) -> None:
    token = product.manage("issue_token", "demo-trzebiel-admin").strip().splitlines()[-1]
    gmina = product.client(token)

    created = gmina.post(f"/api/v1/gminas/{TRZEBIEL}/plans", json=plan_body())
    assert created.status_code == 201
    request_id = created.headers["X-Request-ID"]
    consumed = (
        "SELECT count(*) FROM events_consumedevent c JOIN events_event e ON e.seq = c.event_id "
        "WHERE e.request_id = %s AND c.consumer = 'aggregation.refresh_views'"
    )
    wait_until(lambda: applied(product, consumed, request_id), timeout=60, what="the plan's event in the views")
    rollup_after_it = (
        "SELECT count(*) FROM aggregation_rollup r, events_consumedevent c JOIN events_event e ON e.seq = c.event_id "
        "WHERE e.request_id = %s AND c.consumer = 'aggregation.refresh_views' AND r.scope = 'national' "
        "AND r.refreshed_at > c.consumed_at"
    )
    wait_until(lambda: applied(product, rollup_after_it, request_id), timeout=60, what="the national rollup")
    statuses = [gmina.get(f"/api/v1/gminas/{TRZEBIEL}/plans").status_code for _ in range(45)]
    assert 429 in statuses

    # The worker records a rollup's age just after committing it: poll the scrape, not the table.
    text = wait_until(lambda: scrape_showing(product, 'view="rollup"'), timeout=30, what="a rollup's age")
    plans_route = "api/v1/gminas/<teryt>/plans"
    assert metric(text, "mozaika_http_request_duration_seconds_count", route=plans_route, method="POST",
                  status="201") == 1  # fmt: skip
    assert metric(text, "mozaika_http_request_duration_seconds_count", route=plans_route, method="GET",
                  status="429") >= 1  # fmt: skip
    assert metric(text, "mozaika_http_request_sql_statements_count", route=plans_route) >= 2
    assert metric(text, "mozaika_rate_limit_refusals_total", limit="credential") >= 1
    prefix = product.env["BROKER_QUEUE_PREFIX"]
    assert metric(text, "mozaika_queue_wait_seconds_count", queue=f"{prefix}events") >= 1
    assert metric(text, "mozaika_queue_depth", queue=f"{prefix}events") >= 0
    assert metric(text, "mozaika_view_age_seconds_count", view="snapshot") >= 1
    assert metric(text, "mozaika_view_age_seconds_count", view="rollup") >= 1
    assert metric(text, "mozaika_dead_letters") == 0

    # The worker's line for the same change carries the API request's id.
    lines = [json.loads(line) for line in product.logs.joinpath("serve.log").read_text().splitlines()
             if line.startswith("{")]  # fmt: skip
    worker_lines = [line for line in lines if line.get("request_id") == request_id
                    and "aggregation.refresh_views applied plan.created" in line.get("message", "")]  # fmt: skip
    assert worker_lines, [line for line in lines if line.get("request_id")][:5]
    # ...and so does the API's access line for the request itself.
    assert any(line.get("logger") == "gunicorn.access" and line.get("status") == 201 for line in lines
               if line.get("request_id") == request_id)  # fmt: skip
