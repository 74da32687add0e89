"""Plain django-tenants provisioning, for comparison: `save()` with `auto_create_schema`, which
creates the schema and runs every migration in it. Prints one per-tenant time per line."""

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from mozaika.tenancy import Teryt  # noqa: E402
from tenants.models import Gmina, Tenant, TenantKind  # noqa: E402

for code in sys.argv[1:]:
    gmina = Gmina.objects.get(teryt=code)
    tenant = Tenant(
        code=code,
        kind=TenantKind.GMINA,
        name=gmina.name,
        voivodeship_id=gmina.voivodeship_id,
        schema_name=Teryt(code).schema_name,
    )
    tenant.auto_create_schema = True  # the library's own path, instead of Mozaika's replay
    started = time.perf_counter()
    tenant.save(verbosity=0)
    print(f"{code} {time.perf_counter() - started:.4f}", flush=True)
