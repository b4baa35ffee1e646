"""A seed contract put under the Procurement Act 2023, for the tests of notices."""

from __future__ import annotations

import datetime
from decimal import Decimal

from contracts.models import Contract
from kpis.models import Kpi

ICT_YEAR = (datetime.date(2018, 4, 1), datetime.date(2019, 3, 31))


def under_act(contract: Contract, published: tuple[str, ...] = ("1", "2", "8")) -> Contract:
    Contract.objects.filter(pk=contract.pk).update(
        procured_under_act=True,
        estimated_value=Decimal("12000000"),
        procurement_title="ICT managed service",
        procurement_identifier="ocds-h6vhtk-0001",
        contract_identifier="ocds-h6vhtk-0001-ICT",
        supplier_legal_name="Serco Limited",
        supplier_address="Serco House, 16 Bartley Wood Business Park, Hook RG27 9UY",
        supplier_email="contracts@serco.example",
        supplier_identifier="02048608",
    )
    Kpi.objects.filter(contract=contract, reference__in=published).update(published=True)
    contract.refresh_from_db()
    return contract
