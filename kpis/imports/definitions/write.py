"""The one write of a definitions import: new service areas, new KPIs and changes to KPIs held,
all or none. A change of target, strictness or thresholds goes through `kpis.writes.decisions.
change_rule`, from the quarter named, so that earlier quarters keep the rule they were judged by.
"""

from __future__ import annotations

import copy
import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from contracts.models import ServiceArea
from kpis.choices import ReturnState
from kpis.imports.definitions.preview import DefinitionsPreview
from kpis.imports.write import change_reason
from kpis.models import Kpi, QuarterlyReturn, Reading, ReportingPeriod
from kpis.permissions import Action, require
from kpis.writes import decisions, locks

REASON_MESSAGE = "Say why the KPIs are changing"
# What a changed row that keeps its target and thresholds may change (see `preview.COMPARED`).
CHANGED_FIELDS = [
    "description",
    "service_area",
    "position",
    "frequency",
    "unit",
    "direction",
    "notes",
    "measured_from",
    "retired_after",
    "rollup",
    "numerator_label",
    "denominator_label",
    "published",
]
QUARTER_MESSAGE = "Choose the first quarter to be judged by the new targets and thresholds"


class DefinitionsRefused(Exception):
    """The preview has problems; nothing was written."""


@dataclass
class Written:
    areas: list[ServiceArea] = field(default_factory=list)
    added: list[Kpi] = field(default_factory=list)
    changed: list[Kpi] = field(default_factory=list)


class _Rollback(Exception):
    pass


def missing_answers(
    preview: DefinitionsPreview, reason: str, effective_from: datetime.date | None
) -> dict[str, str]:
    """What the person must still say: why, if KPIs held change; from when, if rules change."""
    errors = {}
    if preview.needs_reason and not reason.strip():
        errors["reason"] = REASON_MESSAGE
    if preview.changes_rules and effective_from is None:
        errors["effective_from"] = QUARTER_MESSAGE
    return errors


@transaction.atomic
def import_definitions(
    *,
    preview: DefinitionsPreview,
    user,
    reason: str = "",
    effective_from: datetime.date | None = None,
) -> Written:
    """Write every new and changed row of `preview`, or nothing. The history of each KPI names
    the user, and the reason given with the file's name (the file's name alone for new KPIs).

    New service areas and KPIs, their rows in the contract's open returns and the KPIs whose
    description or area alone changes are written in bulk, a few queries whatever the number of
    rows (2,000 new KPIs in about a second on PostgreSQL, where one by one took 30). The preview
    has checked each row by the model's own rules; the database's constraints stand behind it.
    A change of target or thresholds goes through `decisions.change_rule`, one KPI at a time.
    """
    contract = preview.contract
    # First, as every decision about the contract's quarters does (kpis.writes.locks): a change of
    # rule below reads the returns' states, and new KPIs join the returns not yet approved.
    locks.lock_contracts(contract.pk)
    require(user, Action.DEFINE_KPIS, contract_id=contract.pk)
    if not preview.ok:
        raise DefinitionsRefused(preview.problems)
    errors = missing_answers(preview, reason, effective_from)
    if errors:
        raise ValidationError(errors)
    reason = reason.strip()
    history = f"{reason} ({change_reason(preview.filename)})" if reason else ""
    history = history or change_reason(preview.filename)
    written = Written()
    areas = {a.code.casefold(): a for a in ServiceArea.objects.filter(contract=contract)}
    written.areas = _add_areas(preview, areas, user, history)
    last_kpi = dict(
        Kpi.objects.for_contract(contract)
        .values_list("service_area_id")
        .annotate(last=Max("position"))
    )
    rule_changes: list[Kpi] = []
    other_changes: list[Kpi] = []
    for row in preview.new_rows + preview.changed_rows:
        kpi = row.kpi
        assert kpi is not None
        area = areas[row.area_code.casefold()]
        if kpi.service_area_id != area.pk:
            kpi.service_area = area
            last_kpi[area.pk] = last_kpi.get(area.pk, 0) + 1
            kpi.position = last_kpi[area.pk]
        if not row.held:
            written.added.append(kpi)
        else:
            written.changed.append(kpi)
            (rule_changes if row.changes_rule else other_changes).append(kpi)
    _add_kpis(contract, written.added, user, history)
    if other_changes:
        bulk_update_with_history(
            other_changes,
            Kpi,
            CHANGED_FIELDS,
            default_user=user,
            default_change_reason=history,
        )
    for kpi in rule_changes:
        kpi._history_user, kpi._change_reason = user, history
        # Saves the KPI, its other changes with it, after refusing an approved quarter.
        decisions.change_rule(
            kpi=kpi,
            effective_from=effective_from,
            target=kpi.target,
            target_strict=kpi.target_strict,
            detriment=kpi.detriment,
            failure=kpi.failure,
            threshold_basis=kpi.threshold_basis,
            reason=reason,
            user=user,
        )
    return written


def _add_areas(
    preview: DefinitionsPreview, areas: dict[str, ServiceArea], user, history: str
) -> list[ServiceArea]:
    """The service areas the file creates, after the contract's own; added to `areas`."""
    contract = preview.contract
    last = max((a.position for a in areas.values()), default=0)
    new = [
        ServiceArea(contract=contract, code=code, name=name, position=position)
        for position, (code, name) in enumerate(preview.new_areas.items(), start=last + 1)
    ]
    if not new:
        return []
    new = bulk_create_with_history(
        new, ServiceArea, default_user=user, default_change_reason=history
    )
    areas.update((area.code.casefold(), area) for area in new)
    return new


def _add_kpis(contract, kpis: list[Kpi], user, history: str) -> None:
    """New KPIs, each with an empty row in every return of the contract not yet approved (what
    `services.add_kpi_to_open_returns` gives a KPI saved on its own)."""
    if not kpis:
        return
    bulk_create_with_history(kpis, Kpi, default_user=user, default_change_reason=history)
    open_returns = QuarterlyReturn.objects.filter(contract=contract).exclude(
        state=ReturnState.APPROVED
    )
    open_periods = list(ReportingPeriod.objects.filter(pk__in=open_returns.values("period_id")))
    rows = [
        Reading(kpi=kpi, period=period, unit_id=kpi.unit_id)
        for period in open_periods
        for kpi in kpis
    ]
    if rows:
        bulk_create_with_history(
            rows,
            Reading,
            default_user=user,
            default_change_reason="KPI added to the contract",
        )


def check_write(
    *,
    preview: DefinitionsPreview,
    user,
    reason: str = "",
    effective_from: datetime.date | None = None,
) -> dict[str, list[str]]:
    """Run the write and undo it: its refusals by field ('' for the file), nothing kept."""
    # The write gives the preview's unsaved KPIs their keys: spend a copy, not the preview.
    preview = copy.deepcopy(preview)
    try:
        with transaction.atomic():
            import_definitions(
                preview=preview, user=user, reason=reason, effective_from=effective_from
            )
            raise _Rollback
    except _Rollback:
        return {}
    except ValidationError as error:
        return refusals(error)


def refusals(error: ValidationError) -> dict[str, list[str]]:
    """A refused write's messages by field ('' for the file)."""
    if hasattr(error, "error_dict"):
        return {name: list(messages) for name, messages in error.message_dict.items()}
    return {"": list(error.messages)}
