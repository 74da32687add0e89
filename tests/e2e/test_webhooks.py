"""Webhooks through the whole product: the API registers the endpoint, a plan adopted through
the API reaches a real receiver from the dramatiq worker, signed, after a retry."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.e2e.conftest import Product
from tests.platform.test_webhooks import Receiver, signature_valid
from tests.support import TRZEBIEL, adoption_form, wait_until

pytestmark = pytest.mark.e2e


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.stop()


@pytest.mark.product_env(WEBHOOK_ALLOW_LOOPBACK="true", WEBHOOK_RETRY_DELAYS="0.5")
def test_an_adopted_plan_reaches_the_funding_systems_endpoint_signed_after_a_retry(
    product: Product, receiver: Receiver
) -> None:
    client = product.client(product.manage("client_secret", "demo-funding-system").strip().splitlines()[-1])
    created = client.post("/api/v1/webhooks", json={"url": receiver.url, "event_types": ["plan.adopted"]})
    assert created.status_code == 201, created.text
    secret = created.json()["secret"]
    receiver.answers = [500]
    gmina, plan = product.accepted_plan()
    plans = f"/api/v1/gminas/{TRZEBIEL}/plans"
    form = adoption_form()
    upload = form.pop("resolution")
    adopted = gmina.post(
        f"{plans}/{plan['id']}/adoption",
        data=form,
        files={"resolution": (upload.name, upload.read(), "application/pdf")},
    )
    assert adopted.status_code in (200, 201), adopted.text

    wait_until(lambda: len(receiver.requests) >= 2, timeout=60, what="a retry after the 500")

    first, second = receiver.requests[:2]
    assert first[0]["webhook-id"] == second[0]["webhook-id"]
    assert all(signature_valid(secret, headers, body) for headers, body in (first, second))
    event = json.loads(second[1])
    assert (event["type"], event["source"]) == ("pl.mozaika.plan.adopted", f"/mozaika/gminas/{TRZEBIEL}")
    assert [json.loads(body)["type"] for _, body in receiver.requests] == ["pl.mozaika.plan.adopted"] * 2
    deliveries = f"/api/v1/webhooks/{created.json()['id']}/deliveries"
    wait_until(
        lambda: [(d["status"], d["attempts"]) for d in client.get(deliveries).json()] == [("succeeded", 2)],
        timeout=30,
        what="the delivery recorded as succeeded on its second attempt",
    )
