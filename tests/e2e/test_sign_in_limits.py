"""Sign-in limits on the running product (gunicorn with two workers, as `make run`): parallel
wrong passwords cannot exceed the per-name limit, an address is limited before any password is
hashed, and unknown names leave nothing behind."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import psycopg
import pytest

from tests.e2e.conftest import Product

PASSWORD = "prawidlowe-haslo-wojta-2026"


@pytest.mark.e2e
@pytest.mark.product_env(LOGIN_MAX_FAILURES="5", LOGIN_ATTEMPTS_PER_IP_MINUTE="40")
def test_parallel_wrong_passwords_get_no_more_tries_than_the_limit(product: Product) -> None:
    operator = product.client(product.manage("issue_token", "demo-operator").strip().splitlines()[-1])
    assert operator.post("/api/v1/users", json={"username": "wojt", "password": PASSWORD}).status_code == 201

    def attempt(password: str) -> int:
        return httpx.post(f"{product.base_url}/api/v1/auth/token", json={"username": "wojt", "password": password},
                          timeout=60).status_code  # fmt: skip

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(attempt, [f"zle-haslo-{n}" for n in range(8)]))

    assert statuses.count(401) <= 5, statuses
    assert sorted(set(statuses)) == [401, 429], statuses
    assert attempt(PASSWORD) == 429  # locked, even for the right password

    with ThreadPoolExecutor(max_workers=8) as pool:
        unknown = list(pool.map(lambda n: httpx.post(
            f"{product.base_url}/api/v1/auth/token", json={"username": f"nikt-{n}", "password": "x"}, timeout=60
        ), range(40)))  # fmt: skip
    limited = [r for r in unknown if r.status_code == 429]
    assert limited, [r.status_code for r in unknown]  # the address's limit (40 a minute, 9 used above)
    assert all(int(r.headers["Retry-After"]) > 0 for r in limited)
    with psycopg.connect(product.env["DATABASE_URL"]) as conn:
        rows = conn.execute("SELECT username FROM identity_loginthrottle").fetchall()
    assert rows == [("wojt",)]  # unknown names leave no row
