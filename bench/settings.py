"""Benchmark settings: Mozaika's, plus a tenant app whose migrations come in two versions
(`MOZAIKA_BENCH_MIGRATIONS=v1|v2`), so that "a new migration" exists to apply to all tenants."""

import os

from mozaika.site.settings import *  # noqa: F403
from mozaika.site.settings import SHARED_APPS, TENANT_APPS

TENANT_APPS = [*TENANT_APPS, "bench.benchapp"]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]
MIGRATION_MODULES = {"benchapp": f"bench.benchapp.migrations_{os.environ.get('MOZAIKA_BENCH_MIGRATIONS', 'v1')}"}
