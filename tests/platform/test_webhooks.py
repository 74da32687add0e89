"""Webhooks (Standard Webhooks signatures, CloudEvents bodies): a real HTTP receiver on
127.0.0.1 checks every signature with the spec's algorithm written out here (not Mozaika's
helper), sees retries after it answers 500, sees only what its client may read, and gets a
replay under the same webhook-id. The actors run in-process, as the worker would run them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import dramatiq
import pytest
from django.utils import timezone
from dramatiq.middleware import Middleware

from mozaika.events.bus import event_record
from mozaika.events.catalogue import EventType
from mozaika.events.models import Event
from mozaika.identity.models import ApiClient, Scope
from mozaika.webhooks.actors import deliver, fan_out, sweep
from mozaika.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tenants.plans.events import PLAN_ADOPTED, PLAN_CREATED
from tests.factories import ApiClientFactory
from tests.support import KRAKOW, TRZEBIEL, Api, free_port, payload_for, wait_until


class Receiver:
    """An HTTP server that records what it is sent and answers with the statuses it is given
    (then 204)."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(receiver.answers.pop(0) if receiver.answers else 204)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/mozaika"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.stop()


@pytest.fixture
def fast_retries(settings: Any) -> None:
    settings.WEBHOOK_RETRY_DELAYS = [0.2]


def signature_valid(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """The Standard Webhooks check: HMAC-SHA256 over "{id}.{timestamp}.{body}" keyed by the
    base64-decoded part of the secret after `whsec_`; any one of the signatures may match."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    fresh = abs(time.time() - int(headers["webhook-timestamp"])) < 300
    return fresh and any(hmac.compare_digest(expected, given) for given in headers["webhook-signature"].split(" "))


def record(event_type: EventType, teryt: str) -> Event:
    return event_record(
        type=event_type, teryt=teryt, aggregate="plan", aggregate_id=7, aggregate_version=1, actor="test",
        payload=payload_for(event_type, plan_id=7),
    )  # fmt: skip


def run_due() -> int:
    """What a worker would do with the delivery messages due now: attempt each."""
    due = WebhookDelivery.objects.filter(
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED], next_attempt_at__lte=timezone.now()
    )
    ids = [str(i) for i in due.values_list("id", flat=True)]
    for delivery_id in ids:
        deliver.fn(delivery_id)
    return len(ids)


def register(api: Api, url: str, **body: Any) -> dict[str, Any]:
    response = api.post_json("/api/v1/webhooks", {"url": url, "event_types": ["plan.adopted"], **body})
    assert response.status_code == 201, response.content
    created: dict[str, Any] = response.json()
    return created


def test_a_receiver_gets_signed_public_events_it_may_read_with_retries_and_a_replay(
    funding_system: Api, receiver: Receiver, fast_retries: None
) -> None:
    created = register(funding_system, receiver.url)
    secret = created["secret"]
    assert secret.startswith("whsec_")
    draft = record(PLAN_CREATED, TRZEBIEL)  # a draft: never public
    elsewhere = record(PLAN_ADOPTED, KRAKOW)  # małopolskie: not this lubuskie client's
    adopted = record(PLAN_ADOPTED, TRZEBIEL)
    for event in (draft, elsewhere, adopted):
        fan_out.fn(str(event.id))
    receiver.answers = [500, 500]

    wait_until(
        lambda: run_due() >= 0 and WebhookDelivery.objects.filter(status=DeliveryStatus.SUCCEEDED).exists(),
        timeout=10,
        interval=0.05,
        what="the third attempt to succeed",
    )

    assert len(receiver.requests) == 3
    assert all(signature_valid(secret, headers, body) for headers, body in receiver.requests)
    assert len({headers["webhook-id"] for headers, _ in receiver.requests}) == 1
    assert {body for _, body in receiver.requests} == {receiver.requests[0][1]}  # the same bytes each time
    cloud_event = json.loads(receiver.requests[0][1])
    assert cloud_event == {
        "specversion": "1.0",
        "id": str(adopted.id),
        "source": f"/mozaika/gminas/{TRZEBIEL}",
        "type": "pl.mozaika.plan.adopted",
        "time": adopted.occurred_at.isoformat(),
        "subject": "7",
        "datacontenttype": "application/json",
        "data": adopted.payload,
        "sequence": str(adopted.seq),
    }
    listed = funding_system.get(f"/api/v1/webhooks/{created['id']}/deliveries").json()
    assert [(d["event_id"], d["status"], d["attempts"]) for d in listed] == [(str(adopted.id), "succeeded", 3)]
    assert [a["status_code"] for a in listed[0]["attempt_log"]] == [500, 500, 204]

    replayed = funding_system.post_json(f"/api/v1/webhooks/{created['id']}/deliveries/{listed[0]['id']}/replay", {})
    assert replayed.status_code == 202, replayed.content
    wait_until(lambda: run_due() >= 0 and len(receiver.requests) == 4, timeout=10, interval=0.05, what="the replay")
    replay_headers, replay_body = receiver.requests[3]
    assert replay_headers["webhook-id"] == receiver.requests[0][0]["webhook-id"] == listed[0]["id"]
    assert signature_valid(secret, replay_headers, replay_body)
    assert run_due() == 0
    assert len(receiver.requests) == 4


def test_a_ping_arrives_signed(funding_system: Api, receiver: Receiver) -> None:
    created = register(funding_system, receiver.url)
    pinged = funding_system.post_json(f"/api/v1/webhooks/{created['id']}/ping", {})
    assert pinged.status_code == 202, pinged.content

    run_due()

    [(headers, body)] = receiver.requests
    assert signature_valid(created["secret"], headers, body)
    assert headers["webhook-id"] == pinged.json()["id"]
    assert json.loads(body)["type"] == "pl.mozaika.webhook.ping"


def test_an_endpoint_gets_only_its_voivodeships_and_types(db: None, receiver: Receiver) -> None:
    _, secret = ApiClientFactory(scopes=[Scope.EVENTS_READ], voivodeships=[])  # nationwide
    nationwide = Api(secret)
    register(nationwide, receiver.url, voivodeships=["12"])
    register(nationwide, receiver.url, event_types=["plan.repealed"])
    lubuskie = record(PLAN_ADOPTED, TRZEBIEL)
    malopolskie = record(PLAN_ADOPTED, KRAKOW)

    fan_out.fn(str(lubuskie.id))
    fan_out.fn(str(malopolskie.id))
    fan_out.fn(str(malopolskie.id))  # redelivered: applied once
    run_due()

    assert [json.loads(body)["id"] for _, body in receiver.requests] == [str(malopolskie.id)]


def test_a_disabled_client_or_endpoint_gets_nothing(funding_system: Api, receiver: Receiver) -> None:
    created = register(funding_system, receiver.url)
    WebhookEndpoint.objects.filter(pk=created["id"]).update(is_active=False, disabled_reason="test")

    fan_out.fn(str(record(PLAN_ADOPTED, TRZEBIEL).id))

    assert not WebhookDelivery.objects.exists()


@pytest.mark.parametrize(
    ("url", "loopback_allowed"),
    [
        pytest.param("http://127.0.0.1:8080/hook", False, id="loopback-http"),
        pytest.param("https://127.0.0.1/hook", False, id="loopback-https"),
        pytest.param("https://[::1]/hook", False, id="ipv6-loopback"),
        pytest.param("https://localhost/hook", False, id="a-name-for-loopback"),
        pytest.param("https://10.1.2.3/hook", True, id="private-10"),
        pytest.param("https://192.168.0.10/hook", True, id="private-192"),
        pytest.param("https://169.254.169.254/latest/meta-data", True, id="link-local-metadata"),
        pytest.param("https://[fe80::1]/hook", True, id="ipv6-link-local"),
        pytest.param("https://224.0.0.1/hook", True, id="multicast"),
        pytest.param("https://0.0.0.0/hook", True, id="unspecified"),
        pytest.param("https://240.0.0.1/hook", True, id="reserved"),
        pytest.param("https://[::ffff:10.0.0.1]/hook", True, id="ipv4-mapped-private"),
        pytest.param("http://93.184.215.14/hook", True, id="plain-http-public"),
        pytest.param("ftp://93.184.215.14/hook", True, id="not-http"),
        pytest.param("https://user:pw@93.184.215.14/hook", True, id="credentials-in-url"),
    ],
)
def test_unsafe_urls_are_refused(funding_system: Api, settings: Any, url: str, loopback_allowed: bool) -> None:
    settings.WEBHOOK_ALLOW_LOOPBACK = loopback_allowed

    response = funding_system.post_json("/api/v1/webhooks", {"url": url, "event_types": ["plan.adopted"]})

    assert response.status_code == 422, response.content
    assert response["content-type"] == "application/problem+json"
    assert [e["path"] for e in response.json()["errors"]] == ["url"]
    assert not WebhookEndpoint.objects.exists()


def test_the_url_is_checked_again_at_delivery(funding_system: Api, receiver: Receiver, settings: Any) -> None:
    register(funding_system, receiver.url)
    fan_out.fn(str(record(PLAN_ADOPTED, TRZEBIEL).id))
    settings.WEBHOOK_ALLOW_LOOPBACK = False  # as if the name now resolved to an address inside

    run_due()

    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert "not a public one" in delivery.last_error  # the client reads it: no address named
    assert delivery.attempt_log.get().error.startswith("refused:")


def test_event_types_and_voivodeships_must_be_the_clients(funding_system: Api, receiver: Receiver) -> None:
    response = funding_system.post_json(
        "/api/v1/webhooks",
        {
            "url": receiver.url,
            "event_types": ["plan.adopted", "plan.created", "nonsense"],
            "voivodeships": ["08", "12"],
        },
    )

    assert response.status_code == 422, response.content
    assert [e["path"] for e in response.json()["errors"]] == ["event_types[1]", "event_types[2]", "voivodeships[1]"]


def test_410_gone_disables_the_endpoint_at_once(funding_system: Api, receiver: Receiver) -> None:
    created = register(funding_system, receiver.url)
    fan_out.fn(str(record(PLAN_ADOPTED, TRZEBIEL).id))
    receiver.answers = [410]

    run_due()

    shown = funding_system.get(f"/api/v1/webhooks/{created['id']}").json()
    assert shown["is_active"] is False
    assert "410" in shown["disabled_reason"]
    assert WebhookDelivery.objects.get().status == DeliveryStatus.GAVE_UP
    fan_out.fn(str(record(PLAN_ADOPTED, TRZEBIEL).id))
    assert WebhookDelivery.objects.count() == 1  # nothing more for a disabled endpoint


def test_three_days_of_failures_disable_the_endpoint(funding_system: Api, receiver: Receiver) -> None:
    created = register(funding_system, receiver.url)
    three_days_ago = timezone.now() - timedelta(days=3, seconds=1)
    WebhookEndpoint.objects.filter(pk=created["id"]).update(first_failure_at=three_days_ago)
    fan_out.fn(str(record(PLAN_ADOPTED, TRZEBIEL).id))
    fan_out.fn(str(record(PLAN_ADOPTED, TRZEBIEL).id))
    receiver.answers = [500, 500]

    run_due()

    endpoint = WebhookEndpoint.objects.get()
    assert not endpoint.is_active
    assert "failed since" in endpoint.disabled_reason
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.GAVE_UP}
    assert len(receiver.requests) == 1  # the other delivery was given up with the endpoint


def test_a_delivery_failing_for_three_days_is_given_up(funding_system: Api, receiver: Receiver) -> None:
    register(funding_system, receiver.url)
    fan_out.fn(str(record(PLAN_ADOPTED, TRZEBIEL).id))
    WebhookDelivery.objects.update(first_attempt_at=timezone.now() - timedelta(days=3, seconds=1))
    receiver.answers = [503]

    run_due()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_status_code, delivery.next_attempt_at) == (DeliveryStatus.GAVE_UP, 503, None)
    assert WebhookEndpoint.objects.get().is_active  # it failed once, just now


def test_a_success_ends_the_endpoints_failing_spell(funding_system: Api, receiver: Receiver) -> None:
    register(funding_system, receiver.url)
    WebhookEndpoint.objects.update(first_failure_at=timezone.now() - timedelta(days=2))
    fan_out.fn(str(record(PLAN_ADOPTED, TRZEBIEL).id))

    run_due()

    assert WebhookEndpoint.objects.get().first_failure_at is None


def test_rotation_signs_with_both_secrets_for_a_day(funding_system: Api, receiver: Receiver) -> None:
    created = register(funding_system, receiver.url)
    rotated = funding_system.post_json(f"/api/v1/webhooks/{created['id']}/secret", {})
    assert rotated.status_code == 201, rotated.content
    old, new = created["secret"], rotated.json()["secret"]
    assert old != new
    fan_out.fn(str(record(PLAN_ADOPTED, TRZEBIEL).id))

    run_due()

    [(headers, body)] = receiver.requests
    assert len(headers["webhook-signature"].split(" ")) == 2
    assert signature_valid(old, headers, body)
    assert signature_valid(new, headers, body)

    WebhookEndpoint.objects.update(previous_secret_expires_at=timezone.now())  # a day later
    funding_system.post_json(f"/api/v1/webhooks/{created['id']}/ping", {})
    run_due()
    headers, body = receiver.requests[1]
    assert signature_valid(new, headers, body)
    assert not signature_valid(old, headers, body)


def test_a_secret_is_in_one_answer_and_no_log_line(
    funding_system: Api, receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    answers: list[bytes] = []
    created = funding_system.post_json("/api/v1/webhooks", {"url": receiver.url, "event_types": ["plan.adopted"]})
    answers.append(created.content)
    webhook = f"/api/v1/webhooks/{created.json()['id']}"
    rotated = funding_system.post_json(f"{webhook}/secret", {})
    answers.append(rotated.content)
    answers.append(funding_system.post_json(f"{webhook}/ping", {}).content)
    fan_out.fn(str(record(PLAN_ADOPTED, TRZEBIEL).id))
    receiver.answers = [500]
    run_due()
    for path in ("/api/v1/webhooks", webhook, f"{webhook}/deliveries"):
        answers.append(funding_system.get(path).content)

    assert any("webhook attempt" in r.getMessage() for r in caplog.records)  # the attempts were logged
    for secret in (created.json()["secret"], rotated.json()["secret"]):
        key = secret.removeprefix("whsec_")
        assert sum(answer.decode().count(key) for answer in answers) == 1
        assert not [r for r in caplog.records if key in r.getMessage() or key in repr(r.__dict__)]


def test_a_client_sees_only_its_own_webhooks(funding_system: Api, receiver: Receiver) -> None:
    mine = register(funding_system, receiver.url)
    _, secret = ApiClientFactory(scopes=[Scope.EVENTS_READ], voivodeships=["08"])
    other = Api(secret)
    theirs = register(other, receiver.url)
    their_delivery = other.post_json(f"/api/v1/webhooks/{theirs['id']}/ping", {}).json()["id"]

    assert [w["id"] for w in funding_system.get("/api/v1/webhooks").json()] == [mine["id"]]
    base = f"/api/v1/webhooks/{theirs['id']}"
    for response in (
        funding_system.get(base),
        funding_system.get(f"{base}/deliveries"),
        funding_system.post_json(f"{base}/secret", {}),
        funding_system.post_json(f"{base}/ping", {}),
        funding_system.post_json(f"{base}/deliveries/{their_delivery}/replay", {}),
        funding_system.post_json(f"/api/v1/webhooks/{mine['id']}/deliveries/{their_delivery}/replay", {}),
        funding_system.client.delete(base, headers=funding_system._headers()),
    ):
        assert response.status_code == 404, response.content
        assert response.json()["code"] == "not_found"
    assert WebhookEndpoint.objects.filter(pk=theirs["id"]).exists()
    assert (
        funding_system.client.delete(f"/api/v1/webhooks/{mine['id']}", headers=funding_system._headers()).status_code
        == 204
    )
    assert not WebhookEndpoint.objects.filter(pk=mine["id"]).exists()


def test_people_and_clients_without_events_read_are_refused(operator: Api, receiver: Receiver) -> None:
    _, secret = ApiClientFactory(scopes=[Scope.ELIGIBILITY_READ, Scope.ROLLUPS_READ], voivodeships=["08"])
    body = {"url": receiver.url, "event_types": ["plan.adopted"]}
    for caller in (operator, Api(secret)):
        for response in (caller.post_json("/api/v1/webhooks", body), caller.get("/api/v1/webhooks")):
            assert response.status_code == 403, response.content
            assert response.json()["code"] == "permission_denied"


class EnqueuedMessages(Middleware):
    def __init__(self) -> None:
        self.messages: list[dramatiq.Message[Any]] = []

    def after_enqueue(self, broker: dramatiq.Broker, message: dramatiq.Message[Any], delay: int) -> None:
        self.messages.append(message)


def test_the_sweep_resends_deliveries_whose_message_was_lost(funding_system: Api, receiver: Receiver) -> None:
    register(funding_system, receiver.url)
    fan_out.fn(str(record(PLAN_ADOPTED, TRZEBIEL).id))
    fan_out.fn(str(record(PLAN_ADOPTED, TRZEBIEL).id))
    lost, _recent = WebhookDelivery.objects.order_by("created_at", "id")
    WebhookDelivery.objects.filter(pk=lost.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=2))
    spy = EnqueuedMessages()
    broker = dramatiq.get_broker()
    broker.middleware.append(spy)
    try:
        sweep.fn()
    finally:
        broker.middleware.remove(spy)

    assert [(m.actor_name, m.args) for m in spy.messages] == [("webhooks.deliver", (str(lost.id),))]
    deliver.fn(str(lost.id))
    deliver.fn(str(lost.id))  # the original message, arriving late: the delivery is done
    assert len(receiver.requests) == 1


def test_a_delivery_to_a_client_deactivated_since_is_given_up_unsent(funding_system: Api, receiver: Receiver) -> None:
    register(funding_system, receiver.url)
    fan_out.fn(str(record(PLAN_ADOPTED, TRZEBIEL).id))
    ApiClient.objects.filter(webhook_endpoints__isnull=False).update(is_active=False)

    run_due()

    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.GAVE_UP, 0)
    assert "deactivated" in delivery.last_error


def test_a_delivery_goes_to_the_address_that_was_checked(
    funding_system: Api, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the name resolves to a checked address, then elsewhere a moment later. The
    connection goes to the checked address, with the name as the Host."""
    import socket

    real = socket.getaddrinfo
    lookups: list[str] = []

    def rebinding(host: str, *args: Any, **kwargs: Any) -> Any:
        if host != "hooks.example.test":
            return real(host, *args, **kwargs)
        lookups.append(host)
        address = "127.0.0.1" if len(lookups) <= 2 else "10.9.9.9"  # after the checks: inside
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    port = receiver.server.server_port
    register(funding_system, f"http://hooks.example.test:{port}/hooks")  # checked: 127.0.0.1
    fan_out.fn(str(record(PLAN_ADOPTED, TRZEBIEL).id))

    run_due()  # checked again (127.0.0.1), then connected to that address, not looked up a third time

    assert [h["host"] for h, _ in receiver.requests] == [f"hooks.example.test:{port}"]
    assert len(lookups) == 2  # the check at registration and before the attempt; never by the HTTP client


def test_a_client_has_at_most_ten_webhooks(funding_system: Api, receiver: Receiver) -> None:
    for n in range(10):
        register(funding_system, f"{receiver.url}/{n}")
    eleventh = funding_system.post_json(
        "/api/v1/webhooks", {"url": f"{receiver.url}/x", "event_types": ["plan.adopted"]}
    )
    assert eleventh.status_code == 409


def test_a_refusal_names_no_internal_address(funding_system: Api) -> None:
    refused = funding_system.post_json(
        "/api/v1/webhooks", {"url": "https://10.1.2.3/", "event_types": ["plan.adopted"]}
    )
    assert refused.status_code == 422
    assert "10.1.2.3" not in refused.text


def test_nothing_is_sent_for_a_voivodeship_the_client_no_longer_serves(funding_system: Api, receiver: Receiver) -> None:
    register(funding_system, receiver.url)
    fan_out.fn(str(record(PLAN_ADOPTED, TRZEBIEL).id))
    client = ApiClient.objects.get(webhook_endpoints__isnull=False)
    client.voivodeships = ["32"]  # an operator narrows it before the delivery is attempted
    client.save()

    run_due()

    assert receiver.requests == []
    assert WebhookDelivery.objects.get().status == DeliveryStatus.GAVE_UP
