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
    # Home: the count and page of contracts, returns (as rows), their quarters, latest counts
    # (with the year to date, in the same query), extensions (when each contract ends) and
    # groups. The quarters needing attention here are all unstarted, so no return of theirs is
    # read (tests/kpis/test_home_scale.py counts the query that reads them).
    "/": 9,
    # A contract's pages read its small tables in one query (`kpis.reads.together`): its
    # quarters, the KPIs' suspensions and changes of rule (with who made them), the service
    # areas, the packs published (with their quarters and publishers), the supplier's published
    # counts, the regime's settings, credit schemes, charges, credits applied and reliefs (with
    # who recorded them), and the contract's extensions and budgets.
    # The scorecard: session, user, contract, groups, the small tables, the KPIs and their
    # readings (the counts of the quarters shown, the missed targets and the KPIs left out of the
    # counts, from one grid), the regime's approved readings, the rectification plans (open ones
    # listed, all of them answering the latest quarter's persistent failures) and the count of
    # the committee's questions and actions open. The year to date's quarters are among those
    # shown; any that were not would be counted in one query more.
    "/contracts/PSSP/": 10,
    # Another year: the same.
    "/contracts/PSSP/?year=2018": 10,
    # The table: session, user, contract, groups, the small tables, the KPIs, their readings,
    # and the year to date: the contract's KPIs with their service areas, then the year's
    # readings with their status (counted per KPI and service area in Python).
    "/contracts/PSSP/kpis/": 10,
    "/contracts/PSSP/kpis/?status=below_target&service_area=STS&frequency=monthly": 11,
    "/contracts/PSSP/kpis/?year=2018": 10,
    "/contracts/PSSP/kpis/?_export=csv": 6,
    "/contracts/PSSP/kpis/?_export=xlsx": 6,
    # Months asked for: the months beneath every monthly KPI's quarters shown, in one query.
    "/contracts/PSSP/kpis/?months=1": 11,
    "/contracts/PSSP/kpis/?months=1&_export=csv": 7,
    # Session, user, contract, groups, the small tables (its quarters, the published counts),
    # the KPIs and every readable reading with its status, from which the computed counts, the
    # readings behind a difference and the suspended KPIs are all taken.
    "/contracts/PSSP/reported/": 7,
    # The pack: session, user, contract, the small tables, groups (to offer the publish
    # button), the KPIs and their readings (which give the approved quarters' counts and the
    # readings behind a difference as well), the regime's approved readings, the
    # rectification plans anyone may read (the open ones listed, all answering the quarter's
    # persistent failures) and the committee's questions still open (tests/questions pins the
    # count with some).
    "/contracts/PSSP/pack/2019-03-31/": 10,
    # Session, user, contract (with the KPI), the small tables, groups (to offer a manager the
    # change of target), the KPI's readings (the KPI itself as fetched for the reader, with its
    # contract); readers do not read the readings' history,
    # which holds drafts. A monthly KPI (as this is) reads the months beneath every quarter
    # shown, in one query; the committee's questions about the KPI still open; and its open
    # rectification plans; and the files of evidence behind the figures shown.
    "kpi": 11,
    # The same for a monthly KPI whose months are collected as parts, rolled up as a ratio.
    "kpi-parts": 11,
}
KPI_PAGES = {"kpi": "R&B-K-009", "kpi-parts": "MONTHLY-ratio-1"}
# Every page built afresh (the page cache is emptied before each test) reads at most this many
# queries: the target `make bench` judges (tools/bench/run.py, QUERY_BUDGET).
BUDGET = 12


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


def test_every_page_pinned_here_is_within_the_budget():
    """The counts above are those of pages built afresh, at both sizes of the test above."""
    assert {name: n for name, n in PAGES.items() if n > BUDGET} == {}
