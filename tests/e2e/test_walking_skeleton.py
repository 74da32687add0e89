"""One gmina's plan travels end to end: adopted over HTTP in the API process, archived to S3 and
rolled up by the worker process, answered by the eligibility API with the document's hash and a
presigned link to it, and judged against a funding call whose results and event follow."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Product
from tests.support import MINIMAL_PDF, TRZEBIEL, complete_programme, plan_body, wait_until

pytestmark = pytest.mark.e2e

LUBUSKIE_CALL = {
    "code": "FELB.06.01",
    "title": "Usługi społeczne w regionie",
    "programme": "Fundusze Europejskie dla Lubuskiego 2021-2027",
    "voivodeship": "08",
    "opens_on": "2026-01-01",
    "deadline": "2099-12-31",
    "applicant_kinds": ["gmina", "city_with_powiat_rights"],
    "areas": ["seniors"],
    "criteria": [
        {"code": "D1", "name": "Plan przyjęty uchwałą rady", "type": "access", "rule": "plan_adopted"},
        {"code": "D2", "name": "Plan obejmuje obszar projektu", "type": "access", "rule": "plan_covers_area"},
        {"code": "P1", "name": "Uchwała w archiwum", "type": "bonus", "points": 2, "rule": "resolution_archived"},
    ],
}
REPORT = MINIMAL_PDF.replace(b"%%EOF", b"% Sprawozdanie 2025\n%%EOF")
RESOLUTION = MINIMAL_PDF.replace(b"%%EOF", b"% Uchwala Nr XII/84/2024 Rady Gminy Trzebiel\n%%EOF")


def test_an_adopted_plan_reaches_the_archive_the_rollups_and_the_eligibility_answer(product: Product) -> None:
    # Each party with its own credential: the gmina adopts, the marshal's office reads the
    # rollups, the funding application system asks about eligibility.
    gmina = product.client(product.manage("issue_token", "demo-trzebiel-admin").strip().splitlines()[-1])
    reviewer = product.client(product.manage("issue_token", "demo-lubuskie-reviewer").strip().splitlines()[-1])
    funding = product.client(product.manage("client_secret", "demo-funding-system").strip().splitlines()[-1])
    # A complete plan goes through its lifecycle: drafted and submitted by the gmina, accepted
    # by the marshal's office, then adopted with the council's resolution.
    plans = f"/api/v1/gminas/{TRZEBIEL}/plans"
    plan = gmina.post(plans, json=plan_body()).json()
    written = gmina.put(f"{plans}/{plan['id']}/programme", json=complete_programme(),
                        headers={"If-Match": f'"{plan["version"]}"'})  # fmt: skip
    assert written.status_code == 200, written.text
    assert gmina.post(f"{plans}/{plan['id']}/submission").status_code == 200
    assert reviewer.post(f"{plans}/{plan['id']}/review", json={"decision": "accept"}).status_code == 200
    before = funding.get(f"/api/v1/eligibility/{TRZEBIEL}", params={"area": "seniors", "on": "2025-03-01"}).json()
    assert before["eligible"] is False
    # The marshal's office defines a call; the worker evaluates every lubuskie gmina against it.
    call = reviewer.post("/api/v1/calls", json=LUBUSKIE_CALL)
    assert call.status_code == 201, call.text

    def call_evaluated() -> dict[str, Any] | None:
        counts: dict[str, Any] = reviewer.get("/api/v1/calls/FELB.06.01").json()["evaluations"]
        return counts if counts["evaluated"] == counts["in_scope"] == 82 else None

    assert wait_until(call_evaluated, timeout=60, what="the call's evaluations")["eligible"] == 0

    adopted = gmina.post(
        f"/api/v1/gminas/{TRZEBIEL}/plans/{plan['id']}/adoption",
        data={"act_number": "XII/84/2024", "act_date": "2024-06-27"},
        files={"resolution": ("Uchwała XII-84-2024.pdf", RESOLUTION, "application/pdf")},
    )

    assert adopted.status_code == 200, adopted.text
    assert adopted.json()["documents"][0]["status"] == "pending"
    sha256 = hashlib.sha256(RESOLUTION).hexdigest()

    def region_counts_the_plan() -> dict[str, Any] | None:
        rollup: dict[str, Any] = reviewer.get("/api/v1/regions/08/rollup").json()
        return rollup if rollup["gminas_with_plan_in_force"] == 1 else None

    region = wait_until(region_counts_the_plan, timeout=60, what="the regional rollup")
    assert region["areas"]["seniors"]["gminas"] == 1
    assert region["areas"]["homelessness"]["gminas"] == 0
    assert region["gminas"] == 82

    def eligible_with_archived_document() -> dict[str, Any] | None:
        answer: dict[str, Any] = funding.get(
            f"/api/v1/eligibility/{TRZEBIEL}", params={"area": "seniors", "on": "2025-03-01"}
        ).json()
        return answer if answer["eligible"] and answer["evidence"]["document_status"] == "archived" else None

    answer = wait_until(eligible_with_archived_document, timeout=60, what="the eligibility answer")
    assert answer["evidence"]["document_sha256"] == sha256
    assert answer["evidence"]["document_key"] == f"{TRZEBIEL}/{sha256}"
    operator = product.client(product.manage("issue_token", "demo-operator").strip().splitlines()[-1])
    # Trzebiel only: Koszalin's demo plan is a CUS programme (2023-10-01..2026-09-30), not an LPRUSiD.
    wait_until(
        lambda: operator.get("/api/v1/national/rollup").json()["gminas_with_plan_in_force"] == 1,
        timeout=60,
        what="the national rollup",
    )
    not_covered = funding.get(f"/api/v1/eligibility/{TRZEBIEL}", params={"area": "homelessness", "on": "2025-03-01"})
    assert not_covered.json()["eligible"] is False

    s3 = product.s3.client()
    stored = s3.get_object(Bucket=product.bucket, Key=f"{TRZEBIEL}/{sha256}")
    body = stored["Body"].read()
    assert body == RESOLUTION
    assert hashlib.sha256(body).hexdigest() == sha256
    head = s3.head_object(Bucket=product.bucket, Key=f"{TRZEBIEL}/{sha256}", ChecksumMode="ENABLED")
    assert head["ChecksumSHA256"] == base64.b64encode(bytes.fromhex(sha256)).decode()
    assert head["Metadata"]["teryt"] == TRZEBIEL
    document = gmina.get(f"/api/v1/gminas/{TRZEBIEL}/plans/{plan['id']}").json()["documents"][0]
    assert document["status"] == "archived"
    assert document["archived_at"] is not None

    # The answer's link is a presigned S3 URL: the same bytes, without Mozaika's credentials.
    assert httpx.get(answer["document_link"]["url"], timeout=10).content == RESOLUTION

    # The adoption re-evaluated Trzebiel against the open call, with an event for the change.
    def trzebiel_qualifies() -> dict[str, Any] | None:
        results: dict[str, Any] = reviewer.get("/api/v1/calls/FELB.06.01/results", params={"eligible": "true"}).json()
        rows = [r for r in results["items"] if r["teryt"] == TRZEBIEL and r["points"] == 2]
        return rows[0] if rows else None

    wait_until(trzebiel_qualifies, timeout=60, what="Trzebiel's call result")
    changes = funding.get("/api/v1/events", params={"type": "eligibility.changed"}).json()["events"]
    first_change = next(e for e in changes if e["teryt"] == TRZEBIEL)
    assert first_change["payload"]["call"] == "FELB.06.01"
    assert first_change["payload"]["before"]["eligible"] is False
    assert first_change["payload"]["after"]["eligible"] is True
    for_call = funding.get(f"/api/v1/eligibility/{TRZEBIEL}", params={"call": "FELB.06.01", "area": "seniors"}).json()
    assert (for_call["eligible"], for_call["points"]) == (True, 2)

    # A report added later is archived by the worker, under the adopted plan's retention.
    report = gmina.post(f"{plans}/{plan['id']}/documents", data={"kind": "report"},
                        files={"file": ("sprawozdanie.pdf", REPORT, "application/pdf")})  # fmt: skip
    assert report.status_code == 201, report.text
    assert report.json()["status"] == "pending"

    def report_archived() -> dict[str, Any] | None:
        documents = gmina.get(f"{plans}/{plan['id']}").json()["documents"]
        found: dict[str, Any] = next(d for d in documents if d["id"] == report.json()["id"])
        return found if found["status"] == "archived" else None

    archived = wait_until(report_archived, timeout=60, what="the report's archiving")
    assert archived["retain_until"] == f"{plan['period_end'] + 10}-12-31"
    download = gmina.get(f"/api/v1/gminas/{TRZEBIEL}/documents/{archived['id']}/download")
    assert download.status_code == 302
    assert httpx.get(download.headers["location"], timeout=10).content == REPORT

    # Nothing that grants access reached the product's logs (access log included): no bearer
    # token, no client secret, no presigned link's signature.
    logs = product.logs.joinpath("serve.log").read_text(errors="replace")
    for credential in (gmina.headers["Authorization"], reviewer.headers["Authorization"],
                       funding.headers["Authorization"], operator.headers["Authorization"]):  # fmt: skip
        assert credential.removeprefix("Bearer ") not in logs
    signature = answer["document_link"]["url"].split("Signature=")[-1].split("&")[0]
    assert signature not in logs
    assert "/api/v1/gminas/" in logs  # the access log is there, with the requests' paths
