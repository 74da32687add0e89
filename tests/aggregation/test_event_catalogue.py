"""The event catalogue: every change to what a gmina's snapshot holds is an event the views
consume, and what must follow a change (a call's evaluation) goes through the outbox, so a
broker that is down delays it and loses nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import dramatiq
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aggregation.calls.actors import evaluate_call
from aggregation.models import CallEvaluation, GminaSnapshot
from aggregation.views.actors import recompute_quality
from mozaika.audit.log import Actor
from mozaika.events.bus import events_relay, subscribers_of
from mozaika.events.catalogue import catalogue, event_type_named, snapshot_changing
from mozaika.events.models import Event
from mozaika.tenancy import in_gmina
from tenants.plans.documents.archiving import document_archive
from tenants.plans.models import ArchiveStatus, PlanDocument
from tenants.plans.snapshot import gmina_snapshot
from tenants.registry.selectors import gminas_in_scope
from tests.aggregation.test_regional_views import refresh
from tests.support import MINIMAL_PDF, TRZEBIEL, Api, adoption_form, call_body, complete_programme, put_programme

VIEWS = "aggregation.refresh_views"


def test_the_views_consume_every_event_the_catalogue_says_changes_a_snapshot() -> None:
    changing = {t.name for t in snapshot_changing()}

    assert {"document.uploaded", "document.archived", "plan.adopted", "indicator.reported"} <= changing
    assert all(VIEWS in subscribers_of(t) for t in snapshot_changing())
    assert all(t.name == str(t) and t.description for t in catalogue())


def _fresh_snapshot() -> Any:
    with in_gmina(TRZEBIEL):
        return gmina_snapshot(teryt=TRZEBIEL)


def test_every_step_that_changes_a_snapshot_records_an_event_the_views_consume(
    trzebiel_admin: Api, lubuskie_reviewer: Api, created_plan: dict[str, Any]
) -> None:
    plan_id, [indicator] = created_plan["id"], created_plan["indicators"]
    plan = f"/api/v1/gminas/{TRZEBIEL}/plans/{plan_id}"
    pdf = SimpleUploadedFile("sprawozdanie.pdf", MINIMAL_PDF, "application/pdf")

    def archive_pending() -> None:  # what the worker does after `document.uploaded`
        with in_gmina(TRZEBIEL):
            for pending in PlanDocument.objects.filter(plan_id=plan_id, status=ArchiveStatus.PENDING):
                document_archive(teryt=TRZEBIEL, document_id=pending.pk, actor=Actor.system("test"))

    steps: list[tuple[str, Callable[[], Any]]] = [
        ("programme", lambda: put_programme(trzebiel_admin, TRZEBIEL, plan_id, complete_programme(), 1)),
        ("document upload", lambda: trzebiel_admin.post_form(f"{plan}/documents", {"kind": "report", "file": pdf})),
        ("archiving", archive_pending),
        ("submission", lambda: trzebiel_admin.post_json(f"{plan}/submission", {})),
        ("acceptance", lambda: lubuskie_reviewer.post_json(f"{plan}/review", {"decision": "accept"})),
        ("adoption", lambda: trzebiel_admin.post_form(f"{plan}/adoption", adoption_form())),
        ("archiving the resolution", archive_pending),
        ("a value", lambda: trzebiel_admin.post_json(f"{plan}/indicators/{indicator['id']}/values",
                                                     {"year": 2026, "value": "19"})),
        ("a report", lambda: trzebiel_admin.post_json(f"{plan}/reports",
                                                      {"kind": "yearly", "year": 2026, "narrative": "x"})),
    ]  # fmt: skip
    changed_steps = []
    for name, step in steps:
        before, last_seq = _fresh_snapshot(), Event.objects.order_by("-seq").values_list("seq", flat=True).first()
        response = step()
        assert response is None or response.status_code in (200, 201), (name, response.content)
        if _fresh_snapshot() == before:
            continue
        changed_steps.append(name)
        recorded = Event.objects.filter(seq__gt=last_seq or 0, teryt=TRZEBIEL).values_list("type", flat=True)
        consumed = [t for t in recorded if VIEWS in subscribers_of(event_type_named(t))]  # type: ignore[arg-type]
        assert consumed, f"{name} changed the snapshot, and no event the views consume says so: {list(recorded)}"
    assert len(changed_steps) == len(steps)  # each step did change what the views show


def test_a_call_saved_while_the_broker_is_down_is_evaluated_once_the_relay_publishes_its_event(
    operator: Api, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise dramatiq.errors.ConnectionClosed(OSError("broker down"))

    # A fault injected in-process: a real outage would also cut the test's own broker connection.
    with monkeypatch.context() as fault:
        fault.setattr(dramatiq.get_broker(), "enqueue", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            response = operator.post_json("/api/v1/calls", call_body())
    assert response.status_code == 201, response.content
    [defined] = Event.objects.filter(type="call.defined", aggregate_id="FEPZ.06.19")
    assert defined.published_at is None  # the broker refused it; the event waits in the outbox
    assert not CallEvaluation.objects.filter(call__code="FEPZ.06.19").exists()

    assert events_relay(older_than=timedelta(0)) >= 1
    evaluate_call.fn(str(defined.id))  # what the worker does with the relayed message

    defined.refresh_from_db()
    assert defined.published_at is not None
    in_scope = gminas_in_scope(voivodeship="32").count()
    assert CallEvaluation.objects.filter(call__code="FEPZ.06.19").count() == in_scope


def test_a_rule_change_is_an_operators_event_the_snapshots_flags_follow() -> None:
    changed = event_type_named("quality_rule.changed")

    assert changed is not None
    assert changed.audience == "operators"
    # Not a change of a gmina's data (it has no gmina): the views do not read a schema for it.
    assert not changed.changes_snapshot
    assert subscribers_of(changed) == ["aggregation.recompute_quality"]


def test_a_rule_saved_while_the_broker_is_down_is_applied_once_the_relay_publishes_its_event(
    operator: Api, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise dramatiq.errors.ConnectionClosed(OSError("broker down"))

    refresh(TRZEBIEL)
    GminaSnapshot.objects.filter(gmina_id=TRZEBIEL).update(quality=[{"stale": "flag"}])
    with monkeypatch.context() as fault:
        fault.setattr(dramatiq.get_broker(), "enqueue", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            response = operator.patch_json("/api/v1/quality-rules/VALUE.NOT_NEGATIVE", {"severity": "warning"})
    assert response.status_code == 200, response.content
    [changed] = Event.objects.filter(type="quality_rule.changed", aggregate_id="VALUE.NOT_NEGATIVE")
    assert changed.published_at is None  # the broker refused it; the event waits in the outbox

    assert events_relay(older_than=timedelta(0)) >= 1
    recompute_quality.fn(str(changed.id))  # what the worker does with the relayed message

    changed.refresh_from_db()
    assert changed.published_at is not None
    assert GminaSnapshot.objects.get(gmina_id=TRZEBIEL).quality != [{"stale": "flag"}]
