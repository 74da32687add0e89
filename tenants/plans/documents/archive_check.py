# ruff: noqa: S608 - SQL is built from a model table name, a status constant and validated schema names
"""Proving the archive still holds what was adopted: every archived document of the given gminas
is read back from the archive and its SHA-256 compared with the one recorded at upload."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from mozaika.archive import get_archive
from mozaika.tenancy import many_schema_cursor, union_over_gminas
from tenants.models import Tenant, TenantKind
from tenants.plans.models import ArchiveStatus, PlanDocument

BATCH = 200


class Problem(StrEnum):
    MISSING = "missing"
    ALTERED = "altered"


@dataclass(frozen=True)
class ArchivedDocument:
    teryt: str
    document_id: int
    plan_id: int
    sha256: str
    key: str


@dataclass(frozen=True)
class ArchiveFinding:
    document: ArchivedDocument
    problem: Problem
    found_sha256: str | None


@dataclass
class ArchiveCheck:
    checked: int = 0
    findings: list[ArchiveFinding] = field(default_factory=list)


def archived_documents(teryts: Iterable[str], status: ArchiveStatus = ArchiveStatus.ARCHIVED) -> list[ArchivedDocument]:
    """The gminas' documents in `status` (archived ones by default), read from their schemas a
    batch at a time."""
    codes = sorted(teryts)
    select = (
        f"SELECT id, plan_id, sha256, archive_key FROM {{s}}.{PlanDocument._meta.db_table} WHERE status = '{status}'"
    )
    documents: list[ArchivedDocument] = []
    for start in range(0, len(codes), BATCH):
        with many_schema_cursor() as cursor:
            cursor.execute(union_over_gminas(select, codes[start : start + BATCH]))
            documents.extend(ArchivedDocument(*row) for row in cursor.fetchall())
    return documents


def gmina_codes() -> list[str]:
    tenants = Tenant.objects.with_schema().filter(kind=TenantKind.GMINA)
    return list(tenants.values_list("code", flat=True))


def pending_documents() -> list[ArchivedDocument]:
    """Documents still waiting for the archive (e.g. it was down for longer than the retries)."""
    return archived_documents(gmina_codes(), ArchiveStatus.PENDING)


def archive_verify(
    *, teryts: Iterable[str] | None = None, progress: Callable[[ArchivedDocument], None] | None = None
) -> ArchiveCheck:
    """Read back every archived document (of `teryts`, else of every gmina with a schema) and
    report those missing from the archive or whose bytes no longer hash to the recorded value."""
    if teryts is None:
        teryts = gmina_codes()
    archive, check = get_archive(), ArchiveCheck()
    for document in archived_documents(teryts):
        found = archive.digest(document.key)
        if found is None:
            check.findings.append(ArchiveFinding(document, Problem.MISSING, None))
        elif found != document.sha256:
            check.findings.append(ArchiveFinding(document, Problem.ALTERED, found))
        check.checked += 1
        if progress is not None:
            progress(document)
    return check
