"""The programme part of a plan (część programowa), as the framework guidelines shape it and the
seeds show it: areas -> general goals -> specific goals -> numbered actions with responsible
institutions; the services the actions create; funding; EU projects. Numbers are kept as the
document writes them ("1)", "2.4", gaps included): the completeness check flags gaps, nothing
renumbers them."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models


class Institution(models.TextChoices):
    """Instytucje odpowiedzialne: the controlled vocabulary; anything else goes to free text."""

    OPS = "ops", "OPS / MOPS / GOPS"
    CUS = "cus", "Centrum Usług Społecznych"
    GMINA_OFFICE = "gmina_office", "urząd gminy / gmina"
    NGO = "ngo", "organizacje pozarządowe (NGO)"
    CULTURE_CENTRE = "culture_centre", "ośrodek kultury (np. OKiB)"
    GKRPA = "gkrpa", "Gminna Komisja Rozwiązywania Problemów Alkoholowych"
    SCHOOLS = "schools", "placówki oświatowe, przedszkola"
    ACCESSIBILITY_COORDINATOR = "accessibility_coordinator", "koordynator dostępności"
    PCPR = "pcpr", "Powiatowe Centrum Pomocy Rodzinie"
    PRIVATE = "private", "podmioty prywatne, lokalny biznes, osoby prywatne"
    TENDER_WINNERS = "tender_winners", "podmioty wyłonione w konkursie / przetargu"
    HEALTH_CARE = "health_care", "poradnie zdrowia psychicznego, ochrona zdrowia"


class FundingSource(models.TextChoices):
    GMINA_BUDGET = "gmina_budget", "budżet gminy"
    REGIONAL_EU = "regional_eu", "regionalny program UE (np. FELU 2021-2027)"
    FERS = "fers", "Fundusze Europejskie dla Rozwoju Społecznego"
    EU_2014_2020 = "eu_2014_2020", "programy UE 2014-2020 (POWER, RPO)"
    NATIONAL = "national", "programy krajowe i fundusze rządowe"
    USER_PAYMENTS = "user_payments", "wpłaty własne użytkowników"
    OTHER = "other", "inne"


class ServiceType(models.TextChoices):
    CARE_AT_HOME = "care_at_home", "usługi opiekuńcze"
    SPECIALISED_CARE = "specialised_care", "specjalistyczne usługi opiekuńcze"
    PERSONAL_ASSISTANCE = "personal_assistance", "asystencja osobista"
    RESPITE_CARE = "respite_care", "opieka wytchnieniowa"
    SUPPORTED_FLAT = "supported_flat", "mieszkanie wspomagane"
    SHELTERED_FLAT = "sheltered_flat", "mieszkanie chronione"
    TRAINING_FLAT = "training_flat", "mieszkanie treningowe"
    DAY_CARE_HOME = "day_care_home", "dzienny dom pobytu"
    SENIOR_CLUB = "senior_club", "klub seniora"
    FAMILY_ASSISTANT = "family_assistant", "asystent rodziny"
    DAY_SUPPORT_CENTRE = "day_support_centre", "placówka wsparcia dziennego"
    NURSERY = "nursery", "żłobek"
    HANDYMAN = "handyman", "usługi „złota rączka”"
    DOOR_TO_DOOR = "door_to_door", "transport door-to-door"
    EQUIPMENT_LENDING = "equipment_lending", "wypożyczalnia sprzętu"
    COUNSELLING = "counselling", "poradnictwo specjalistyczne"
    OTHER = "other", "inna usługa"


class PlanArea(models.Model):
    """An intervention area (a target group from the national list) or a cross-cutting area the
    plan names itself (accessibility, creating a CUS, ...): exactly one of `code` and `name`."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="plan_areas")
    position = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=20, blank=True)
    name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="area_position_unique"),
            models.CheckConstraint(
                condition=(models.Q(code="") & ~models.Q(name="")) | (~models.Q(code="") & models.Q(name="")),
                name="area_is_coded_or_named",
            ),
        ]

    def __str__(self) -> str:
        return self.code or self.name


class NumberedText(models.Model):
    """A numbered line of the programme (a goal, an action), kept in the plan's order."""

    position = models.PositiveSmallIntegerField()
    number = models.CharField(max_length=20, blank=True)
    text = models.TextField()

    class Meta:
        abstract = True
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.number} {self.text[:40]}"


class GeneralGoal(NumberedText):
    area = models.ForeignKey(PlanArea, on_delete=models.CASCADE, related_name="goals")


class SpecificGoal(NumberedText):
    goal = models.ForeignKey(GeneralGoal, on_delete=models.CASCADE, related_name="specific_goals")


class PlanAction(NumberedText):
    specific_goal = models.ForeignKey(SpecificGoal, on_delete=models.CASCADE, related_name="actions")
    institutions = ArrayField(models.CharField(max_length=30, choices=Institution.choices), default=list, blank=True)
    institutions_other = models.TextField(blank=True)
    timeframe = models.CharField(max_length=100, blank=True)
    estimated_cost = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    funding_sources = ArrayField(
        models.CharField(max_length=20, choices=FundingSource.choices), default=list, blank=True
    )


class PlanService(models.Model):
    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="services")
    position = models.PositiveSmallIntegerField()
    type = models.CharField(max_length=30, choices=ServiceType.choices)
    name = models.CharField(max_length=300)
    area = models.CharField(max_length=20, blank=True)
    capacity = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    unit = models.CharField(max_length=50, blank=True)
    copayment_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    exemption_groups = ArrayField(models.TextField(), default=list, blank=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class PlanFunding(models.Model):
    """A funding source named by the plan, with an amount for a year where the plan gives one."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="funding")
    position = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=20, choices=FundingSource.choices)
    description = models.CharField(max_length=500, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.source} {self.year or ''}"


class EuProjectStatus(models.TextChoices):
    PLANNED = "planned", "planowany"
    APPLIED = "applied", "złożony wniosek"
    ONGOING = "ongoing", "w realizacji"
    COMPLETED = "completed", "zakończony"


class EuProject(models.Model):
    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="eu_projects")
    position = models.PositiveSmallIntegerField()
    call_code = models.CharField(max_length=60)
    title = models.CharField(max_length=500)
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    status = models.CharField(max_length=20, choices=EuProjectStatus.choices, default=EuProjectStatus.PLANNED)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.call_code} {self.title[:40]}"
