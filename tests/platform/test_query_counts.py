"""No list answers with a query per row: each list endpoint sends as many SQL statements for many
rows as for few (issue 18). Counts, not times: the same on any machine."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mozaika.identity.models import Role, Scope
from tests.factories import ApiClientFactory, RoleGrantFactory
from tests.support import TRZEBIEL, Api, call_body, plan_body

GMINA = f"/api/v1/gminas/{TRZEBIEL}"


def statements(api: Api, path: str) -> tuple[int, int]:
    """The statements one read of `path` sends, and the size of its answer."""
    api.get(path)  # caches warm, as on a running server
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path)
    assert response.status_code == 200, response.content
    return len(queries.captured_queries), len(response.content)


def _plans(admin: Api, operator: Api, n: int) -> None:
    for _ in range(n):
        assert admin.post_json(f"{GMINA}/plans", plan_body()).status_code == 201


def _members(admin: Api, operator: Api, n: int) -> None:
    for _ in range(n):
        RoleGrantFactory(role=Role.GMINA_VIEWER, scope=TRZEBIEL)


def _clients(admin: Api, operator: Api, n: int) -> None:
    for _ in range(n):
        ApiClientFactory(scopes=[Scope.EVENTS_READ])


_CALL_NUMBERS = itertools.count(10)


def _calls(admin: Api, operator: Api, n: int) -> None:
    for _ in range(n):
        code = f"FEPZ.07.{next(_CALL_NUMBERS)}"
        assert operator.post_json("/api/v1/calls", call_body(code=code)).status_code == 201


# (what grows, the list that shows it, who reads it)
LISTS: list[tuple[Callable[[Api, Api, int], None], str, str]] = [
    (_plans, f"{GMINA}/plans", "admin"),
    (_plans, "/api/v1/events", "operator"),
    (_plans, "/api/v1/audit", "operator"),
    (_plans, f"{GMINA}/audit", "admin"),
    (_members, f"{GMINA}/members", "admin"),
    (_clients, "/api/v1/clients", "operator"),
    (_calls, "/api/v1/calls", "operator"),
]


@pytest.mark.parametrize(("grow", "path", "reader"), LISTS, ids=[f"{p} ({g.__name__[1:]})" for g, p, _ in LISTS])
def test_a_list_sends_as_many_statements_for_many_rows_as_for_few(
    trzebiel_admin: Api,
    operator: Api,
    lubuskie_reviewer: Api,
    grow: Callable[[Api, Api, int], None],
    path: str,
    reader: str,
) -> None:
    api = {"admin": trzebiel_admin, "operator": operator, "reviewer": lubuskie_reviewer}[reader]
    grow(trzebiel_admin, operator, 1)
    few, few_bytes = statements(api, path)

    grow(trzebiel_admin, operator, 4)
    many, many_bytes = statements(api, path)

    assert many_bytes > few_bytes, "the list did not grow: the test would prove nothing"
    assert many == few, f"{path}: {few} statements with few rows, {many} with more"
