"""The README's first examples, run as written against the running product (the port aside):
every curl must succeed, the plan adopted by the example is in force for the funding system's
question, and its version's and resolution's hashes verify from the API's answers alone."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.e2e.conftest import Product

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).parents[2]


def readme_examples() -> str:
    text = (ROOT / "README.md").read_text()
    section = text[text.index("Get a bearer token from another terminal:") : text.index("API documentation:")]
    return "\n".join(re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL))


def test_the_readmes_examples_work_as_written(product: Product) -> None:
    script = readme_examples().replace("http://127.0.0.1:8000", product.base_url)
    # Every request must answer 2xx/3xx: a refused one fails the run with its body.
    script = script.replace("curl ", "curl -sS --fail-with-body ")

    command = ["/bin/bash", "-euo", "pipefail", "-c", script]
    run = subprocess.run(command, cwd=ROOT, env=product.env, capture_output=True, text=True, timeout=300)

    assert run.returncode == 0, (run.stdout[-2000:], run.stderr[-2000:])
    # The clerk's draft was incomplete until the indicators were edited through the API.
    assert '"code": "indicator_without_baseline_or_target"' in run.stdout
    assert "mieszkaniach wspomaganych" in run.stdout
    assert '"kind": "yearly", "year": 2025' in run.stdout  # the yearly report, filed
    # Only Trzebiel's answer can be eligible (Koszalin has no local plan): the example's plan is in force.
    assert re.search(r'"teryt": ?"0811082".*?"eligible": ?true', run.stdout), run.stdout[-2000:]
    # The hashes, checked as the README shows, with nothing but the API's answers (issue 19).
    assert re.search(r"version 1 verified: [0-9a-f]{64}$", run.stdout, flags=re.MULTILINE), run.stdout[-2000:]
    assert re.search(r"^document \d+ verified: [0-9a-f]{64}$", run.stdout, flags=re.MULTILINE), run.stdout[-2000:]
    assert (ROOT / "wyniki.xlsx").exists()
    (ROOT / "wyniki.xlsx").unlink()
