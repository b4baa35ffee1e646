"""Table 4.3 as published beside the counts computed, in the committee's reading order."""

import datetime

from contracts.models import ServiceArea
from kpis.models import ReportingPeriod
from kpis.reported import compare

TODAY = datetime.date(2020, 6, 1)
AREAS = ["STS", "BS", "CS", "BTSI", "FSS", "PROC"]  # the report's order


def _order(contract) -> list[tuple[str, str]]:
    readable = list(ReportingPeriod.objects.for_contract(contract))
    return [(c.period.label, c.area.code) for c in compare(contract, TODAY, readable=readable)]


def test_it_lists_the_published_counts_quarter_by_quarter_in_area_order(seed):
    # Table 4.3 prints Jun-18, Sep-18 and Mar-19, each with the six areas in the report's order.
    assert _order(seed["PSSP"]) == [
        (quarter, area) for quarter in ("Jun-18", "Sep-18", "Mar-19") for area in AREAS
    ]


def test_it_orders_areas_in_the_same_place_by_code(seed):
    sts = ServiceArea.objects.get(contract=seed["PSSP"], code="STS")
    ServiceArea.objects.filter(contract=seed["PSSP"], code="PROC").update(position=sts.position)
    # PROC now shares STS's place, first, and comes before it by code.
    jun = [area for quarter, area in _order(seed["PSSP"]) if quarter == "Jun-18"]
    assert jun == ["PROC", "STS", "BS", "CS", "BTSI", "FSS"]
