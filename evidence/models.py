"""Evidence: files behind a quarter's figure for a KPI, or behind a rectification plan.

A file is attached to a KPI's quarter (not to one version of its reading), so it stays as the
figure is corrected; the reading's own history says what the figure was. Removing a file keeps
its row and the file itself, marked with who removed it, when and why, and simple-history
records every change: nothing attached is ever lost. What each reader sees follows the figure
(`EvidenceQuerySet.readable_in`): a draft's evidence only by those working on the contract.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import cast

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty
from simple_history.models import HistoricalRecords

from contracts.limits import REASON_LENGTH, kept_to
from contracts.models import Contract
from contracts.querysets import VersionedQuerySet
from evidence import filetypes
from kpis.models import Kpi, QuarterlyReturn, ReportingPeriod
from plans.models import Plan

DESCRIPTION_LENGTH = 200


class _EvidenceStorage(LazyObject):
    """The storage `STORAGES["evidence"]` names (a folder, or an S3-compatible bucket), looked
    up when first used and again after the setting changes, as Django's `default_storage` is."""

    def _setup(self) -> None:
        self._wrapped = storages["evidence"]


_STORAGE = _EvidenceStorage()


@receiver(setting_changed)
def _storages_changed(*, setting: str, **kwargs) -> None:
    if setting == "STORAGES":
        _STORAGE._wrapped = empty  # type: ignore[assignment]


def evidence_storage() -> Storage:
    """The field's storage: a callable, so that migrations name it rather than a backend."""
    return cast(Storage, _STORAGE)


def stored_name(row: Evidence, filename: str) -> str:
    """A name nobody can guess or choose: the contract's code, then a random one with the
    extension of the kind the contents showed (the name given is kept in `name`)."""
    return f"{row.contract.code}/{uuid.uuid4().hex}.{filetypes.KINDS[row.kind].extension}"


class EvidenceQuerySet(VersionedQuerySet):
    contract_path = "contract"

    def present(self) -> EvidenceQuerySet:
        return self.filter(removed_at__isnull=True)

    def readable_in(self, states: Iterable[str]) -> EvidenceQuerySet:
        """Evidence whose figure or plan a reader in `states` (`Sight.readable`) sees: a
        figure's while its quarter's return is in one of them, a plan's while the plan is."""
        states = frozenset(states)
        in_state = QuarterlyReturn.objects.filter(
            contract=OuterRef("contract"), period=OuterRef("period"), state__in=states
        )
        plans = Plan.objects.readable_in(states)
        return self.filter(
            Q(plan__isnull=True, period__isnull=False) & Exists(in_state)
            | Q(plan__in=plans.values("pk"))
        )

    def in_order(self) -> EvidenceQuerySet:
        return self.order_by("kpi__service_area__position", "kpi__position", "kpi_id", "pk")


class Evidence(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="evidence")
    kpi = models.ForeignKey(
        Kpi, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    file = models.FileField(storage=evidence_storage, upload_to=stored_name, max_length=255)
    name = models.CharField("file name as uploaded", max_length=255)
    kind = models.CharField(
        max_length=10, choices=[(k.code, k.label) for k in filetypes.KINDS.values()]
    )
    size = models.PositiveIntegerField(help_text="In bytes.")
    description = models.CharField(
        max_length=DESCRIPTION_LENGTH,
        help_text="What the file shows, in a line.",
        validators=[kept_to(DESCRIPTION_LENGTH, "description")],
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField()
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    removal_reason = models.TextField(blank=True, validators=[kept_to(REASON_LENGTH, "reason")])

    objects = EvidenceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kpi__isnull=False, period__isnull=False, plan__isnull=True)
                    | Q(kpi__isnull=True, period__isnull=True, plan__isnull=False)
                ),
                name="evidence_for_a_figure_or_a_plan",
                violation_error_message="Evidence is for a KPI's quarter or for a plan.",
            ),
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True) | ~Q(removal_reason=""),
                name="evidence_removed_with_a_reason",
                violation_error_message="Give the reason for removing the evidence.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.description}"

    @property
    def kind_label(self) -> str:
        return filetypes.KINDS[self.kind].label

    @property
    def content_type(self) -> str:
        return filetypes.KINDS[self.kind].content_type
