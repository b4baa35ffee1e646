"""The one write of a definitions import: new service areas, new KPIs and changes to KPIs held,
all or none. A change of target, strictness or thresholds goes through `kpis.decisions.
change_rule`, from the quarter named, so that earlier quarters keep the rule they were judged by.
"""

from __future__ import annotations

import copy
import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from contracts.models import ServiceArea
from kpis import decisions, locks
from kpis.imports.definitions.preview import DefinitionsPreview
from kpis.imports.write import change_reason
from kpis.models import Kpi
from kpis.permissions import Action, require

REASON_MESSAGE = "Say why the KPIs are changing"
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
    the user, and the reason given with the file's name (the file's name alone for new KPIs)."""
    contract = preview.contract
    # First, as every decision about the contract's quarters does (kpis.locks): a change of
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
    last_area = max((a.position for a in areas.values()), default=0)
    for position, (code, name) in enumerate(preview.new_areas.items(), start=last_area + 1):
        area = ServiceArea(contract=contract, code=code, name=name, position=position)
        area.full_clean()
        area._history_user, area._change_reason = user, history
        area.save()
        areas[code.casefold()] = area
        written.areas.append(area)
    last_kpi = dict(
        Kpi.objects.for_contract(contract)
        .values_list("service_area_id")
        .annotate(last=Max("position"))
    )
    for row in preview.new_rows + preview.changed_rows:
        kpi = row.kpi
        assert kpi is not None
        area = areas[row.area_code.casefold()]
        if kpi.service_area_id != area.pk:
            kpi.service_area = area
            last_kpi[area.pk] = last_kpi.get(area.pk, 0) + 1
            kpi.position = last_kpi[area.pk]
        kpi._history_user, kpi._change_reason = user, history
        if row.changes_rule:
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
        else:
            kpi.full_clean()
            kpi.save()
        (written.changed if row.held else written.added).append(kpi)
    return written


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
        if hasattr(error, "error_dict"):
            return {name: list(messages) for name, messages in error.message_dict.items()}
        return {"": list(error.messages)}
