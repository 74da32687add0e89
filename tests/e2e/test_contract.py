"""The OpenAPI contract fuzzed against the running product (issue 19): schemathesis, pinned,
from `/api/v1/openapi.json`, with an operator, a gmina admin and a funding system's client.
Zero server errors, zero undocumented statuses or content types, zero answers off their schema,
every error a problem document (the document says so, and schemathesis checks answers against
it), every request the schema forbids refused.

Bounded to a few minutes: 5 generated cases per operation and phase (examples, coverage,
fuzzing). The operations that take credentials away (sign out, revoke a secret, deactivate a
client, revoke a role, remove a member) run last, so the other runs keep valid credentials;
each run ends by proving its credential still works. A longer hunt:
`CONTRACT_EXAMPLES=50 .venv/bin/python -m pytest tests/e2e/test_contract.py -s`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import Product

pytestmark = [pytest.mark.e2e, pytest.mark.one_configuration]

EXAMPLES = os.environ.get("CONTRACT_EXAMPLES", "5")
CONFIG = Path(__file__).with_name("schemathesis.toml")
TAKING_CREDENTIALS_AWAY = ["signOut", "revokeApiClientSecret", "deactivateApiClient", "revokeRole", "removeGminaMember"]
# Checks left out, and why: `ignored_auth` and `object_level_authorization` need a second
# identity per operation (the authorisation matrix tests those); `positive_data_acceptance`
# expects a schema-valid request to succeed, but valid shapes still meet business rules (an
# unknown plan is a 404, a plan not in draft a 409).
EXCLUDED_CHECKS = "ignored_auth,object_level_authorization,positive_data_acceptance"


def schemathesis_run(product: Product, token: str, *selection: str) -> str:
    st = Path(sys.executable).with_name("st")
    command = [str(st), "--config-file", str(CONFIG), "run", f"{product.base_url}/api/v1/openapi.json",
               "--header", f"Authorization: Bearer {token}", "--max-examples", EXAMPLES,
               "--phases", "examples,coverage,fuzzing", "--checks", "all", "--exclude-checks", EXCLUDED_CHECKS,
               "--workers", "1", "--no-color", "--generation-database", "none", "--seed", "19", *selection]  # fmt: skip
    # In the test's folder: schemathesis keeps a cache where it runs.
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False, cwd=product.logs)
    summary = result.stdout[result.stdout.rfind("SUMMARY") :]
    assert result.returncode == 0, result.stdout[-20000:]
    return summary


# Thousands of requests a minute per credential: the rate limit would answer most of them (429).
@pytest.mark.product_env(API_RATE_LIMIT_PER_MINUTE="1000000")
def test_the_api_keeps_its_documented_contract_for_every_role(product: Product, capsys: pytest.CaptureFixture) -> None:
    operator_token = product.manage("issue_token", "demo-operator").strip().splitlines()[-1]
    admin_token = product.manage("issue_token", "demo-trzebiel-admin").strip().splitlines()[-1]
    created = product.client(operator_token).post(
        "/api/v1/clients",
        json={"name": "Fundusz kontraktowy", "scopes": ["eligibility:read", "events:read", "rollups:read"],
              "voivodeships": ["08"]},
    )  # fmt: skip
    assert created.status_code == 201, created.text
    roles = {"funding client": created.json()["secret"], "gmina admin": admin_token, "operator": operator_token}

    counts: dict[str, str] = {}
    exclusions = [arg for op in TAKING_CREDENTIALS_AWAY for arg in ("--exclude-operation-id", op)]
    for role, token in roles.items():
        summary = schemathesis_run(product, token, *exclusions)
        counts[role] = " ".join(re.search(r"Test cases:\s*\n\s*(.+)", summary).group(1).split())  # type: ignore[union-attr]
        me = httpx.get(f"{product.base_url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=30)
        assert me.status_code == 200, f"{role}'s credential stopped working during the run: {me.text}"
    inclusions = [arg for op in TAKING_CREDENTIALS_AWAY for arg in ("--include-operation-id", op)]
    for role, token in roles.items():
        summary = schemathesis_run(product, token, *inclusions)
        counts[f"{role}, credentials taken away"] = " ".join(
            re.search(r"Test cases:\s*\n\s*(.+)", summary).group(1).split()  # type: ignore[union-attr]
        )

    with capsys.disabled():
        for role, line in counts.items():
            print(f"\ncontract ({role}): {line}")
    assert all("passed" in line and "fail" not in line for line in counts.values()), counts
