"""Every scrutiny page runs the same number of queries however much data there is, with monthly
KPIs and their months (some as parts) at both sizes."""

import pytest

from kpis.choices import Frequency
from kpis.models import Kpi, MonthlyFigure, Reading
from tests.kpis.growth import NOT_MEASURED, grow, with_months

# The grid pages read the KPIs' rule changes in one query, so that a quarter before a change of
# target shows the target it was judged by. Pages that show drafts to those working on the
# contract read the reader's groups (and, for officers and managers, their assignments); downloads
# and packs, which show approved quarters to everyone, do not.
PAGES = {
    # Home: the count and page of contracts, returns, latest counts (with the year to date, in
    # the same query), extensions (when each contract ends) and groups.
    "/": 8,
    # The scorecard adds the packs published, the regime of its approved quarters for the
    # persistent failures (periods, settings, readings, schemes, charges, credits, reliefs) and
    # the term and money (extensions and budgets), and the grid of the quarters shown for the
    # missed targets (KPIs, their suspensions and rule changes, readings, and the published packs
    # to mark restated figures), the count of the committee's questions and actions open, the open
    # rectification plans and those answering the latest quarter's persistent failures.
    "/contracts/PSSP/": 27,
    # Another year: the same, its year to date counted with its quarters.
    "/contracts/PSSP/?year=2018": 27,
    # The table, the pack and the KPI page also read the published packs, to mark restated figures
    # (one query with none published; tests/packs pins the count with some). On screen the table
    # adds the year to date, per KPI and service area in one query, and the service areas.
    "/contracts/PSSP/kpis/": 13,
    "/contracts/PSSP/kpis/?status=below_target&service_area=STS&frequency=monthly": 14,
    "/contracts/PSSP/kpis/?year=2018": 13,
    "/contracts/PSSP/kpis/?_export=csv": 8,
    "/contracts/PSSP/kpis/?_export=xlsx": 8,
    # Months asked for: the months beneath every monthly KPI's quarters shown, in one query.
    "/contracts/PSSP/kpis/?months=1": 14,
    "/contracts/PSSP/kpis/?months=1&_export=csv": 9,
    "/contracts/PSSP/reported/": 10,
    # The pack adds its regime section (quarters, settings, readings, schemes, charges, credits
    # applied, reliefs and the year's budget: 8), the published packs (to mark restated figures
    # and list the quarter's versions) and the reader's groups (to offer the publish button), and
    # the supplier's published counts beside the computed ones (published, counts, the readings
    # behind a difference), the committee's questions still open (tests/questions pins the
    # count with some), the open rectification plans and those answering the quarter's
    # persistent failures.
    "/contracts/PSSP/pack/2019-03-31/": 27,
    # Also the published packs, and the reader's groups, to offer a manager the change of target;
    # readers do not read the readings' history, which holds drafts. A monthly KPI (as this is)
    # reads the months beneath every quarter shown, in one query; the committee's questions
    # about the KPI still open; its open rectification plans; and the files of evidence behind
    # the figures shown.
    "kpi": 15,
    # The same for a monthly KPI whose months are collected as parts, rolled up as a ratio.
    "kpi-parts": 15,
}
KPI_PAGES = {"kpi": "R&B-K-009", "kpi-parts": "MONTHLY-ratio-1"}


def _check(client, django_assert_num_queries) -> None:
    for name, expected in PAGES.items():
        url = name
        if name in KPI_PAGES:
            url = Kpi.objects.get(
                contract__code="PSSP", reference=KPI_PAGES[name]
            ).get_absolute_url()
        with django_assert_num_queries(expected):
            response = client.get(url)
        assert response.status_code == 200
        if name in KPI_PAGES:
            # The months are there to be read: one not measured beneath some quarter.
            assert f"Not measured: {NOT_MEASURED}" in response.content.decode()


@pytest.mark.parametrize("grown", [False, True], ids=["seed", "seed-plus-more"])
def test_it_runs_a_fixed_number_of_queries(
    client, committee_member, seed, django_assert_num_queries, grown
):
    for code in ("PSSP", "ICT"):
        with_months(seed[code])
    if grown:
        grow(seed["PSSP"])
        grow(seed["ICT"])
    # The seed's 22 (12 monthly) and five monthly KPIs; grown, six more (monthly, as the factory
    # makes them) and five more monthly ones.
    kpis = Kpi.objects.for_contract(seed["PSSP"])
    assert kpis.count() == (38 if grown else 27)
    assert kpis.filter(frequency=Frequency.MONTHLY).count() == (28 if grown else 17)
    months = MonthlyFigure.objects.filter(reading__kpi__contract=seed["PSSP"])
    assert months.filter(numerator__isnull=False).exists()
    monthly_readings = Reading.objects.for_contract(seed["PSSP"]).filter(
        kpi__frequency=Frequency.MONTHLY
    )
    assert months.count() == 3 * monthly_readings.count()
    client.force_login(committee_member)
    _check(client, django_assert_num_queries)
