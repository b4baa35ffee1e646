"""The demo's Contract Performance Notice cycle: the ICT Managed Service treated as procured under
the Procurement Act 2023, with three published KPIs, its 12-monthly notice due and a breach whose
notice is due within 30 days. Run again, it changes nothing it has made already.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from contracts.models import Contract
from kpis.models import Kpi
from notices.choices import BreachOutcome
from notices.models import Breach

CODE = "ICT"
PUBLISHED = ("1", "2", "8")
DETAILS = {
    "procured_under_act": True,
    "estimated_value": Decimal("12000000"),
    "procurement_title": "ICT managed service",
    "procurement_identifier": "ocds-demo-ICT-2023",
    "contract_identifier": "ocds-demo-ICT-2023-1",
    "supplier_legal_name": "Serco Limited",
    "supplier_address": "Serco House, 16 Bartley Wood Business Park, Bartley Way, Hook RG27 9UY",
    "supplier_email": "contracts@serco.example",
    "supplier_identifier": "02048608",
}
BREACH = (
    "The service desk was unavailable for two working days after a failed upgrade; the council "
    "recovered its costs as damages."
)


@transaction.atomic
def load(today: datetime.date | None = None) -> str:
    contract = Contract.objects.filter(code=CODE).first()
    if contract is None:
        return "The ICT contract is not loaded: load the seed data first."
    if not contract.procured_under_act:
        Contract.objects.filter(pk=contract.pk).update(**DETAILS)
    Kpi.objects.filter(contract=contract, reference__in=PUBLISHED, published=False).update(
        published=True
    )
    if not Breach.objects.filter(contract=contract, description=BREACH).exists():
        Breach.objects.create(
            contract=contract,
            occurred_on=(today or timezone.localdate()) - datetime.timedelta(days=10),
            description=BREACH,
            outcome=BreachOutcome.DAMAGES,
            recorded_at=timezone.now(),
        )
    return (
        "ICT is procured under the Procurement Act 2023, publishes KPIs 1, 2 and 8, owes its "
        "Contract Performance Notice and one after a breach."
    )
