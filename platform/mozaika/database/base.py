"""django-tenants' backend with `TENANT_LIMIT_SET_CALLS`, which sends `SET search_path` once
per schema switch instead of before every query, and without the reset that would undo it at
every request: entering the schema the connection is already in keeps the path it has.

What keeps it right, in django-tenants: a rollback, a savepoint rollback and a closed
connection forget the path set (PostgreSQL undoes a `SET` rolled back with its transaction or
savepoint), so the next query sets it again. `tests/platform/test_search_path.py` proves it.
"""

from __future__ import annotations

from typing import Any

from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantsDatabaseWrapper


class DatabaseWrapper(TenantsDatabaseWrapper):
    def set_tenant(self, tenant: Any, include_public: bool = True) -> None:
        already = self.search_path_set_schemas  # type: ignore[has-type]
        super().set_tenant(tenant, include_public)
        if already is not None and already == self._get_cursor_search_paths():
            self.search_path_set_schemas = already
