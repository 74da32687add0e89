"""One gmina's plan travels end to end: adopted over HTTP in the API process, archived to S3 and
rolled up by the worker process, answered by the eligibility API with the document's hash."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest

from tests.e2e.conftest import Product
from tests.support import MINIMAL_PDF, TRZEBIEL, complete_programme, plan_body, wait_until

pytestmark = pytest.mark.e2e

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
    # Trzebiel, and Koszalin whose programme the demo data registers as adopted in 2023.
    wait_until(
        lambda: operator.get("/api/v1/national/rollup").json()["gminas_with_plan_in_force"] == 2,
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
