"""The plan domain's consumers: they translate events into service calls, nothing more."""

from __future__ import annotations

import logging
from typing import Any

import dramatiq
from django.db import transaction
from django.utils import timezone

from mozaika.audit.log import Actor
from mozaika.broker import TENANT_SCHEMA_OPTION
from mozaika.events.bus import EventEnvelope, event_consumer, event_record
from mozaika.events.models import Event
from mozaika.scheduling import periodic
from mozaika.tenancy import Teryt
from tenants.models import Tenant
from tenants.plans.documents.archive_check import archive_verify, pending_documents
from tenants.plans.documents.archiving import document_archive
from tenants.plans.events import DOCUMENT_UPLOADED, PLAN_ACT_EVENTS, REPORTING_REMINDER
from tenants.plans.lifecycle.acts import plans_expire
from tenants.plans.notifications import tell_force_ending

logger = logging.getLogger(__name__)
WORKER_ACTOR = Actor.system("worker:archive")
SCHEDULER = Actor.system("scheduler")


@event_consumer(*PLAN_ACT_EVENTS, DOCUMENT_UPLOADED, name="plans.archive_documents")
def archive_documents(event: EventEnvelope) -> None:
    for document in event.payload.get("documents", []):
        document_archive(teryt=event.teryt, document_id=document["id"], actor=WORKER_ACTOR)


@dramatiq.actor(actor_name="plans.expire_ended", queue_name="periodic", max_retries=3)
def expire_ended(teryt: str) -> None:
    """Runs in the gmina's schema (the message carries it): adopted plans whose force ended."""
    plans_expire(teryt=teryt, today=timezone.localdate(), actor=SCHEDULER)


@periodic(name="plans.expire", cron="30 0 * * *", description="adopted plans whose period ended become expired")
def schedule_expiry() -> int:
    codes = list(Tenant.objects.live().values_list("code", flat=True))
    for code in codes:
        options: dict[str, Any] = {TENANT_SCHEMA_OPTION: Teryt(code).schema_name}
        expire_ended.send_with_options(args=(code,), **options)
    return len(codes)


@periodic(name="plans.force_ending", cron="0 8 * * *", description="tell gminas 90 days before a plan's force ends")
def schedule_force_ending_notices() -> int:
    codes = list(Tenant.objects.live().values_list("code", flat=True))
    for code in codes:
        options: dict[str, Any] = {TENANT_SCHEMA_OPTION: Teryt(code).schema_name}
        tell_force_ending.send_with_options(args=(code,), **options)
    return len(codes)


@dramatiq.actor(actor_name="plans.archive_document", queue_name="archive", max_retries=5)
def archive_document(teryt: str, document_id: int) -> None:
    """Runs in the gmina's schema (the message carries it)."""
    document_archive(teryt=teryt, document_id=document_id, actor=WORKER_ACTOR)


@periodic(name="plans.archive_pending", cron="*/5 * * * *", description="archive documents still pending")
def schedule_pending_archiving() -> int:
    """Documents whose archiving gave up (the archive was down for longer than the retries) are
    tried again every five minutes, until the archive answers."""
    pending = pending_documents()
    for document in pending:
        options: dict[str, Any] = {TENANT_SCHEMA_OPTION: Teryt(document.teryt).schema_name}
        archive_document.send_with_options(args=(document.teryt, document.document_id), **options)
    return len(pending)


@dramatiq.actor(actor_name="plans.verify_archive", queue_name="periodic", max_retries=0, time_limit=6 * 3_600_000)
def verify_archive() -> None:
    check = archive_verify()
    for finding in check.findings:
        logger.error("archived document %s %s (gmina %s, document %s, recorded %s, found %s)", finding.document.key,
                     finding.problem, finding.document.teryt, finding.document.document_id, finding.document.sha256,
                     finding.found_sha256)  # fmt: skip
    logger.info("archive verified: %d documents, %d problems", check.checked, len(check.findings))


@periodic(name="plans.verify_archive", cron="30 3 * * *", description="re-read archived documents, compare hashes")
def schedule_archive_verification() -> str:
    verify_archive.send()
    return "enqueued"


@periodic(name="plans.reporting_reminders", cron="0 9 15 1 *", description="yearly reporting reminders (15 January)")
def reporting_reminders() -> int:
    """Each active tenant is reminded to report last year's indicator values, once a year: a
    second run (a retry, a restarted scheduler) reminds nobody again."""
    year = timezone.localdate().year - 1
    reminded = Event.objects.filter(type=REPORTING_REMINDER.name, payload__year=year).values_list("teryt", flat=True)
    codes = list(Tenant.objects.live().exclude(code__in=reminded).values_list("code", flat=True))
    with transaction.atomic():
        for code in codes:
            event_record(type=REPORTING_REMINDER, teryt=code, aggregate="tenant", aggregate_id=code,
                         aggregate_version=0, actor=SCHEDULER.name, payload={"year": year})  # fmt: skip
    return len(codes)
