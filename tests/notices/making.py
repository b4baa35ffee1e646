"""A seed contract put under the Procurement Act 2023, for the tests of notices."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from contracts.models import Contract
from kpis.models import Kpi
from notices import content
from notices.choices import NoticeState
from notices.drafting import draft_for
from notices.models import NoticeRating, PerformanceNotice

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


def a_notice(contract: Contract, drafted_by, *, published: bool = False):
    """A notice made straight in the database: a draft rating one KPI, or a published one (its
    content frozen as approval stores it)."""
    notice = PerformanceNotice.objects.create(
        contract=contract,
        period_start=ICT_YEAR[0],
        period_end=ICT_YEAR[1],
        drafted_by=drafted_by,
        drafted_at=timezone.now(),
    )
    # Its first KPI, rated from the approved figures as a draft is.
    kpis = Kpi.objects.filter(pk=Kpi.objects.filter(contract=contract).first().pk)
    proposal = draft_for(contract, *ICT_YEAR, kpis=kpis).proposals[0]
    NoticeRating.objects.create(
        notice=notice,
        kpi=proposal.kpi,
        proposed=proposal.rating,
        rating=proposal.rating,
        evidence=proposal.evidence(),
    )
    if published:
        ratings = list(notice.ratings.select_related("kpi"))
        notice.content = content.frozen_content(notice, ratings)
        notice.sha256 = content.checksum(notice.content)
        notice.state = NoticeState.PUBLISHED
        notice.approved_by = drafted_by
        notice.approved_at = timezone.now()
        notice.save()
    return notice
