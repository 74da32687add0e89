"""A client generated from the OpenAPI document in the test run (openapi-python-client, pinned)
does a clerk's, a reviewer's and a funding system's main calls against the running product, and
parses their errors as problems (issue 19): functions named by the contract's operation ids,
error answers typed, not `None`."""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Product
from tests.support import TRZEBIEL, plan_body

pytestmark = [pytest.mark.e2e, pytest.mark.one_configuration]
PACKAGE = "mozaika_generated_client"


@pytest.fixture
def generated(product: Product, tmp_path: Path) -> Iterator[ModuleType]:
    document = tmp_path / "openapi.json"
    document.write_bytes(httpx.get(f"{product.base_url}/api/v1/openapi.json", timeout=30).content)
    generator = Path(sys.executable).with_name("openapi-python-client")
    result = subprocess.run(
        [str(generator), "generate", "--path", str(document), "--meta", "none", "--output-path",
         str(tmp_path / PACKAGE)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def _module(name: str) -> Any:
    return importlib.import_module(f"{PACKAGE}.{name}")


def test_a_generated_client_does_the_main_calls_and_parses_errors(product: Product, generated: ModuleType) -> None:
    models = _module("models")
    clerk = generated.AuthenticatedClient(base_url=product.base_url, token=_token(product, "demo-trzebiel-admin"))
    reviewer = generated.AuthenticatedClient(base_url=product.base_url, token=_token(product, "demo-lubuskie-reviewer"))
    funding = generated.AuthenticatedClient(
        base_url=product.base_url, token=product.manage("client_secret", "demo-funding-system").strip().splitlines()[-1]
    )

    # The clerk: list, create, and a stale edit refused as a typed problem.
    plans = _module("api.plans.list_plans").sync(teryt=TRZEBIEL, client=clerk)
    assert plans
    assert all(isinstance(plan, models.PlanOut) for plan in plans)
    created = _module("api.plans.create_plan").sync(teryt=TRZEBIEL, client=clerk,
                                                     body=models.PlanIn.from_dict(plan_body()))  # fmt: skip
    assert isinstance(created, models.PlanOut), created
    stale = _module("api.plans.update_plan").sync(
        teryt=TRZEBIEL, plan_id=created.id, client=clerk, if_match='"999"',
        body=models.PlanDetailsIn.from_dict({"title": "Plan po zmianie"}),
    )  # fmt: skip
    assert isinstance(stale, models.Problem), stale
    assert stale.status == 409
    assert stale.code == models.ErrorCode.CONFLICT

    # The reviewer: the queue, and a review of a plan never submitted refused.
    queue = _module("api.regions_nation.get_region_review_queue").sync(voivodeship="08", client=reviewer)
    assert isinstance(queue, list)
    review = _module("api.plan_review.review_plan").sync(
        teryt=TRZEBIEL, plan_id=created.id, client=reviewer, body=models.ReviewIn.from_dict({"decision": "accept"})
    )
    assert isinstance(review, models.Problem), review
    assert review.status in (404, 409)

    # The funding system: an answer, a bad parameter named by its path, and a refusal that says why.
    get_eligibility = _module("api.funding_calls_eligibility.get_eligibility")
    answer = get_eligibility.sync(teryt=TRZEBIEL, area="seniors", client=funding)
    assert isinstance(answer, models.EligibilityOut)
    assert isinstance(answer.eligible, bool)
    bad = get_eligibility.sync(teryt=TRZEBIEL, area="unicorns", client=funding)
    assert isinstance(bad, models.Problem)
    assert [e.path for e in bad.errors] == ["area"]
    outside = get_eligibility.sync(teryt="3261011", area="seniors", client=funding)
    assert isinstance(outside, models.Problem)
    assert outside.status == 403
    assert "serves only" in outside.detail


def _token(product: Product, username: str) -> str:
    return product.manage("issue_token", username).strip().splitlines()[-1]
