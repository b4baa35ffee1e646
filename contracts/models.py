from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from contracts.addresses import addresses
from contracts.dates import date_out_of_range
from contracts.limits import LONG_TEXT_LENGTH, kept_to
from contracts.querysets import ContractQuerySet, VersionedManager, VersionedQuerySet

ADDRESS_LENGTH = 500
# The estimated value from which a contract under the Procurement Act 2023 publishes at least
# three KPIs and its Contract Performance Notices (section 52(1)).
NOTICE_THRESHOLD = Decimal(5_000_000)


def check_term(start_date, end_date) -> None:
    """A contract's or an extension's dates: each near today, the end after the start."""
    errors = {
        name: problem
        for name, day in (("start_date", start_date), ("end_date", end_date))
        if (problem := date_out_of_range(day))
    }
    if start_date and end_date and end_date <= start_date:
        errors.setdefault("end_date", "The end date must be after the start date.")
    if errors:
        raise ValidationError(errors)


# The contract's pages that every page about it links to, by the names of their URLs.
CONTRACT_PAGES = ("contract_scorecard", "kpi_table", "reported_against_computed")


class ContractManager(models.Manager.from_queryset(ContractQuerySet)):
    def get_by_natural_key(self, code: str) -> Contract:
        return self.get(code=code)


class Contract(models.Model):
    code = models.SlugField(
        max_length=20,
        unique=True,
        help_text="Short code used in exports and addresses, such as PSSP or ICT.",
    )
    name = models.CharField(max_length=200)
    authority = models.CharField(max_length=200, help_text="The council that let the contract.")
    supplier = models.CharField(max_length=200)
    description = models.TextField(
        blank=True, validators=[kept_to(LONG_TEXT_LENGTH, "description")]
    )
    start_date = models.DateField(
        null=True, blank=True, help_text="Leave empty if the source does not give the day."
    )
    end_date = models.DateField(
        null=True, blank=True, help_text="The original end date, before any extension."
    )
    data_version = models.PositiveBigIntegerField(
        default=0,
        editable=False,
        help_text="Counts changes to anything the contract's pages show; cached pages are "
        "keyed on it, so that none is served once the data beneath it has changed.",
    )
    stated_kpi_count = models.PositiveSmallIntegerField(
        "stated KPI count",
        null=True,
        blank=True,
        help_text="How many KPIs the contract's own papers say it has, to compare with those held.",
    )

    # The procurement, as the Procurement Act 2023 asks notices to name it (regulation 39 of the
    # Procurement Regulations 2024): blank for a contract let before the Act.
    procured_under_act = models.BooleanField(
        "procured under the Procurement Act 2023",
        default=False,
        help_text="A contract procured under the Act publishes its KPIs and a Contract "
        "Performance Notice at least once every 12 months when worth £5 million or more.",
    )
    estimated_value = models.DecimalField(
        "estimated value (£)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text="The contract's estimated value, in pounds, as the contract details notice "
        "gives it.",
    )
    procurement_title = models.CharField(
        "procurement title", max_length=200, blank=True, help_text="As the tender notice gives it."
    )
    procurement_identifier = models.CharField(
        "procurement identifier",
        max_length=100,
        blank=True,
        help_text="The procurement's unique identifier on the Central Digital Platform.",
    )
    contract_identifier = models.CharField(
        "contract identifier",
        max_length=100,
        blank=True,
        help_text="The contract's unique identifier in the contract details notice.",
    )
    supplier_legal_name = models.CharField(
        "supplier's legal name", max_length=200, blank=True, help_text="As registered."
    )
    supplier_address = models.TextField(
        "supplier's postal address",
        blank=True,
        validators=[kept_to(ADDRESS_LENGTH, "address")],
    )
    supplier_email = models.EmailField("supplier's email address", blank=True)
    supplier_identifier = models.CharField(
        "supplier's unique identifier",
        max_length=100,
        blank=True,
        help_text="Such as its Companies House number.",
    )
    terminated_on = models.DateField(
        "terminated on",
        null=True,
        blank=True,
        help_text="The day the contract was terminated early, if it was: a notice is due then.",
    )

    objects = ContractManager()
    history = HistoricalRecords(excluded_fields=["data_version"])

    class Meta:
        ordering = ["authority", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gt=F("start_date")),
                name="contract_ends_after_start",
                violation_error_message="The end date must be after the start date.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def natural_key(self) -> tuple[str]:
        return (self.code,)

    def save(self, *args, **kwargs) -> None:
        # Never write back the version read earlier: another change may have moved it since.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if f.name not in ("id", "data_version")
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return self.links["contract_scorecard"]

    @property
    def links(self) -> dict[str, str]:
        """The addresses of the contract's pages that its navigation and breadcrumbs link to, on
        every page about it."""
        return addresses(CONTRACT_PAGES, self.code)

    @cached_property
    def has_approved_quarter(self) -> bool:
        # Returns are the kpis app's; asked by name so that this app does not import it.
        return self.returns.filter(state="approved").exists()

    def clean(self) -> None:
        check_term(self.start_date, self.end_date)
        ended = self.terminated_on
        if ended and (problem := date_out_of_range(ended)):
            raise ValidationError({"terminated_on": problem})
        if ended and self.start_date and ended < self.start_date:
            raise ValidationError(
                {"terminated_on": "A contract cannot be terminated before it starts."}
            )

    @property
    def needs_performance_notices(self) -> bool:
        """Whether the Procurement Act 2023 asks this contract for published KPIs and Contract
        Performance Notices: procured under the Act, estimated at £5 million or more."""
        return (
            self.procured_under_act
            and self.estimated_value is not None
            and self.estimated_value >= NOTICE_THRESHOLD
        )

    @property
    def current_end_date(self):
        """The end date once every extension is taken into account."""
        ends = [e.end_date for e in self.extensions.all()]
        if self.end_date:
            ends.append(self.end_date)
        return max(ends, default=None)


class ServiceAreaManager(VersionedManager):
    def get_by_natural_key(self, contract_code: str, code: str) -> ServiceArea:
        return self.get(contract__code=contract_code, code=code)


class ServiceArea(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="service_areas")
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order in which the area is listed, as in the contract's report."
    )

    objects = ServiceAreaManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "code"],
                name="service_area_code_unique_in_contract",
                violation_error_message="This contract already has a service area with this code.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"

    def natural_key(self) -> tuple[str, str]:
        return (self.contract.code, self.code)

    natural_key.dependencies = ["contracts.contract"]


class ExtensionManager(VersionedManager):
    def get_by_natural_key(self, contract_code: str, start_date: str) -> Extension:
        return self.get(contract__code=contract_code, start_date=start_date)


class Extension(models.Model):
    """A change to a contract's term, with the money and savings promised for it."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="extensions")
    start_date = models.DateField()
    end_date = models.DateField()
    value = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Estimated value to the supplier over the extension, in pounds.",
    )
    guaranteed_savings = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Savings the supplier has committed to over the extension, in pounds.",
    )
    description = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True, help_text="Where these terms come from.")

    objects = ExtensionManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=F("start_date")),
                name="extension_ends_after_start",
                violation_error_message="The end date must be after the start date.",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0),
                name="extension_value_not_negative",
                violation_error_message="The value cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(guaranteed_savings__isnull=True) | Q(guaranteed_savings__gte=0),
                name="extension_savings_not_negative",
                violation_error_message="The guaranteed savings cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.code} extension to {self.end_date:%d %B %Y}"

    def natural_key(self) -> tuple[str, str]:
        return (self.contract.code, self.start_date.isoformat())

    natural_key.dependencies = ["contracts.contract"]

    def clean(self) -> None:
        check_term(self.start_date, self.end_date)


class BudgetManager(VersionedManager):
    def get_by_natural_key(self, contract_code: str, financial_year: int) -> Budget:
        return self.get(contract__code=contract_code, financial_year=financial_year)


class Budget(models.Model):
    """One financial year's budget against outturn for a contract, in pounds."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="budgets")
    financial_year = models.PositiveSmallIntegerField(
        help_text="The year the financial year starts in: 2018 for 2018/19."
    )
    council_budget = models.DecimalField(max_digits=14, decimal_places=2)
    reserve_contribution = models.DecimalField(
        max_digits=14, decimal_places=2, default=0, help_text="Contributions from reserves."
    )
    actual_outturn = models.DecimalField(max_digits=14, decimal_places=2)
    commentary = models.TextField(blank=True, help_text="What explains the variance.")

    objects = BudgetManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "financial_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "financial_year"],
                name="one_budget_per_contract_year",
                violation_error_message="This contract already has a budget for that year.",
            ),
            models.CheckConstraint(
                condition=Q(financial_year__gte=1990) & Q(financial_year__lte=2100),
                name="budget_year_plausible",
                violation_error_message="The financial year must be between 1990 and 2100.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.code} {self.year_label}"

    def natural_key(self) -> tuple[str, int]:
        return (self.contract.code, self.financial_year)

    natural_key.dependencies = ["contracts.contract"]

    # The derived figures are None while an input is missing (an admin form being filled in,
    # or sent back with a bad value), so that every page can show them as "-".

    @property
    def year_label(self) -> str | None:
        if self.financial_year is None:
            return None
        return f"{self.financial_year}/{(self.financial_year + 1) % 100:02d}"

    @property
    def revised_budget(self) -> Decimal | None:
        if self.council_budget is None or self.reserve_contribution is None:
            return None
        return self.council_budget + self.reserve_contribution

    @property
    def variance(self) -> Decimal | None:
        """Outturn less revised budget: positive is an overspend."""
        revised = self.revised_budget
        if self.actual_outturn is None or revised is None:
            return None
        return self.actual_outturn - revised


class Assignment(models.Model):
    """Gives a council officer or manager a contract to look after."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )

    objects = VersionedQuerySet.as_manager()
    # Who may edit which contract is itself worth a record of who changed it, when and why.
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "user"],
                name="one_assignment_per_user_and_contract",
                violation_error_message="This person is already assigned to this contract.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.contract.code}"
