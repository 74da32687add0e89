from __future__ import annotations

from django.db import models
from django_tenants.models import DomainMixin, TenantMixin


class Voivodeship(models.Model):
    """Województwo, from the TERC register (code `WW`)."""

    code = models.CharField(max_length=2, primary_key=True)
    name = models.CharField(max_length=100)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class GminaKind(models.TextChoices):
    URBAN = "urban", "gmina miejska"
    RURAL = "rural", "gmina wiejska"
    URBAN_RURAL = "urban_rural", "gmina miejsko-wiejska"


class Gmina(TenantMixin):
    """A gmina with its own PostgreSQL schema, identified by its 7-digit TERYT code
    (`WWPPGGR`); the name is not an identity (Bolesławiec is an urban and a rural gmina)."""

    teryt = models.CharField(max_length=7, unique=True)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=GminaKind.choices)
    voivodeship = models.ForeignKey(Voivodeship, on_delete=models.PROTECT, related_name="gminas")
    created_at = models.DateTimeField(auto_now_add=True)

    auto_create_schema = True
    auto_drop_schema = False

    class Meta:
        ordering = ["teryt"]

    def __str__(self) -> str:
        return f"{self.teryt} {self.name}"

    @property
    def powiat_code(self) -> str:
        return self.teryt[:4]

    @property
    def is_city_with_powiat_rights(self) -> bool:
        """Powiat codes 61 and above are cities with powiat rights (Kraków, Koszalin...)."""
        return int(self.teryt[2:4]) >= 61


class Domain(DomainMixin):
    """Required by django-tenants; unused for routing: one host serves every gmina, and the
    gmina is named in the request path."""
