"""The territorial registry (TERC) and the tenants, all in the public schema."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django_tenants.models import DomainMixin, TenantMixin

from mozaika.tenancy import Teryt


class Voivodeship(models.Model):
    """Województwo (`WW`)."""

    code = models.CharField(max_length=2, primary_key=True)
    name = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Powiat(models.Model):
    """Powiat (`WWPP`); codes 61 and above are cities with powiat rights."""

    code = models.CharField(max_length=4, primary_key=True)
    name = models.CharField(max_length=100)
    voivodeship = models.ForeignKey(Voivodeship, on_delete=models.PROTECT, related_name="powiats")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_city_with_powiat_rights(self) -> bool:
        return Teryt(self.code).is_city_with_powiat_rights


class GminaKind(models.TextChoices):
    """TERC's RODZ digit. Kinds 4, 5, 8 and 9 are parts of a gmina, recorded but never tenants."""

    URBAN = "urban", "gmina miejska"
    RURAL = "rural", "gmina wiejska"
    URBAN_RURAL = "urban_rural", "gmina miejsko-wiejska"
    TOWN_PART = "town_part", "miasto w gminie miejsko-wiejskiej"
    RURAL_PART = "rural_part", "obszar wiejski w gminie miejsko-wiejskiej"
    WARSAW_DISTRICT = "warsaw_district", "dzielnica m.st. Warszawy"
    CITY_DELEGATION = "city_delegation", "delegatura"


GMINA_KIND_BY_TERC_DIGIT = {
    "1": GminaKind.URBAN,
    "2": GminaKind.RURAL,
    "3": GminaKind.URBAN_RURAL,
    "4": GminaKind.TOWN_PART,
    "5": GminaKind.RURAL_PART,
    "8": GminaKind.WARSAW_DISTRICT,
    "9": GminaKind.CITY_DELEGATION,
}
TENANT_GMINA_KINDS = (GminaKind.URBAN, GminaKind.RURAL, GminaKind.URBAN_RURAL)


class Gmina(models.Model):
    """A TERC gmina entry (`WWPPGGR`), parts of gminas included (see `GminaKind`). The code, not
    the name, is the identity: Bolesławiec is both an urban and a rural gmina."""

    teryt = models.CharField(max_length=7, primary_key=True)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=GminaKind.choices)
    powiat = models.ForeignKey(Powiat, on_delete=models.PROTECT, related_name="gminas")
    voivodeship = models.ForeignKey(Voivodeship, on_delete=models.PROTECT, related_name="gminas")
    is_active = models.BooleanField(default=True)
    # Not in TERC; when known (GUS BDL), rollups weight the share of gminas with a plan by it.
    population = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["teryt"]
        indexes = [models.Index(fields=["voivodeship", "powiat"], name="gmina_by_region")]

    def __str__(self) -> str:
        return f"{self.teryt} {self.name}"

    @property
    def may_be_tenant(self) -> bool:
        return self.kind in TENANT_GMINA_KINDS


class TenantKind(models.TextChoices):
    GMINA = "gmina"
    POWIAT = "powiat"


class TenantQuerySet(models.QuerySet["Tenant"]):
    def with_schema(self) -> TenantQuerySet:
        """Tenants whose schema exists, active or not: what migrations and the archive's checks
        must still cover (a deactivated tenant keeps its documents until its schema is dropped)."""
        return self.filter(schema_dropped_at__isnull=True)

    def live(self) -> TenantQuerySet:
        """Active tenants with a schema: those that report, are reminded and appear in the views."""
        return self.with_schema().filter(is_active=True)

    def live_gminas(self) -> TenantQuerySet:
        return self.live().filter(kind=TenantKind.GMINA)


class Tenant(TenantMixin):
    """A gmina or powiat with its own PostgreSQL schema, named from its TERYT code
    (`mozaika.tenancy.Teryt.schema_name`). Schemas are created by `tenants.tenancy.provisioning`, which
    replays the tenant DDL, hence `auto_create_schema = False`."""

    code = models.CharField(max_length=7, unique=True)
    kind = models.CharField(max_length=10, choices=TenantKind.choices)
    name = models.CharField(max_length=100)
    voivodeship = models.ForeignKey(Voivodeship, on_delete=models.PROTECT, related_name="tenants")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    schema_dropped_at = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Domain(DomainMixin):
    """Required by django-tenants; unused for routing: one host serves every tenant, and the
    tenant is named in the request path."""


class TenantExport(models.Model):
    """A tenant's data exported to the archive before it was deactivated."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="exports")
    archive_key = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    rows = models.PositiveIntegerField()
    exported_by = models.CharField(max_length=150)
    exported_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.archive_key


class TenantDdlScript(models.Model):
    """The SQL that creates a tenant schema at one migration state, captured once and replayed
    for every new tenant (much faster than running every migration per schema)."""

    migration_state = models.CharField(max_length=64, primary_key=True)
    script = models.TextField()
    migrations = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.migration_state


class StandardAggregation(models.TextChoices):
    """How a standard indicator adds up over gminas."""

    SUM = "sum", "suma"
    WEIGHTED_MEAN = "weighted_mean", "średnia ważona liczbą ludności"
    SHARE = "share", "udział (suma liczników przez sumę mianowników)"


class IndicatorStandard(models.Model):
    """One indicator of the catalogue gminas map their own indicators to, so regions can add
    them up (`tenants.registry.standards`). A code is never deleted: plans refer to it; a
    standard dropped from the catalogue is retired. `version` counts its changes, `edition` is
    the catalogue edition that changed it last."""

    code = models.CharField(max_length=40, primary_key=True)
    version = models.PositiveIntegerField(default=1)
    edition = models.PositiveIntegerField()
    name_pl = models.CharField(max_length=300)
    name_en = models.CharField(max_length=300)
    definition_pl = models.TextField()
    definition_en = models.TextField()
    unit = models.CharField(max_length=20)
    direction = models.CharField(max_length=10)
    areas = ArrayField(models.CharField(max_length=20))
    aggregation = models.CharField(max_length=20, choices=StandardAggregation.choices)
    retired = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code
