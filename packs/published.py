"""A contract's published packs (without their PDFs), with their quarters and who published
them, read as `kpis.reads.together` reads small tables: within the page's one query where the
page preloads them (the scorecard, the committee pack), otherwise in one query of their own."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from kpis.models import ReportingPeriod
from kpis.reads import together
from packs.models import PublishedPack

PACKS = "packs.published"
QUARTERS = "packs.quarters"
PUBLISHERS = "packs.publishers"


def _packs(contract):
    return PublishedPack.objects.without_pdf().for_contract(contract).newest_first()


def _quarters(contract):
    return ReportingPeriod.objects.filter(
        pk__in=PublishedPack.objects.filter(contract=contract).values("period")
    )


def _publishers(contract):
    published = PublishedPack.objects.filter(contract=contract).values("published_by")
    return (
        get_user_model()
        .objects.filter(pk__in=published)
        .only("username", "first_name", "last_name")
    )


def register() -> None:
    together.register(PACKS, _packs)
    together.register(QUARTERS, _quarters)
    together.register(PUBLISHERS, _publishers)


def published_for(contract) -> list[PublishedPack]:
    """The contract's published packs, newest first, each with its contract, quarter and
    publisher attached."""
    found = together.tables_of(contract, (PACKS, QUARTERS, PUBLISHERS))
    quarters = {p.pk: p for p in found[QUARTERS]}
    publishers = {u.pk: u for u in found[PUBLISHERS]}
    for pack in found[PACKS]:
        pack.contract = contract
        pack.period = quarters[pack.period_id]
        pack.published_by = publishers[pack.published_by_id]
    return found[PACKS]
