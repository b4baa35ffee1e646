"""The pages back-filling touches take the same number of queries however much is held."""

import datetime

import pytest

from kpis.models import MonthlyFigure, Reading
from kpis.writes.backfill import backfill_return
from tests.conftest import PASSWORD
from tests.kpis.growth import grow, with_months, write_months
from tests.kpis.test_backfill import SOURCE

# After the quarters `grow` adds.
PAST = datetime.date(2020, 6, 30)


@pytest.mark.parametrize("grown", [False, True], ids=["seed", "seed-plus-more"])
def test_the_import_page_takes_the_same_queries_at_any_size(
    client, manager, seed, grown, django_assert_num_queries
):
    with_months(seed["ICT"])
    if grown:
        grow(seed["ICT"])
    client.login(username="manager", password=PASSWORD)
    # The session, the user, the contract, the user's groups with their assignments in one query
    # (read once, for both editing and back-filling). ICT has a start date, so its quarters reach
    # back to it without reading the first quarter held.
    with django_assert_num_queries(4):
        assert client.get("/contracts/ICT/import/").status_code == 200


def test_the_import_page_of_a_contract_with_no_start_reads_its_first_quarter(
    client, admin_user, seed, django_assert_num_queries
):
    client.login(username="admin", password=PASSWORD)
    # The session, the user, the contract and HERTS's first quarter held: an administrator's
    # part needs no groups or assignments.
    with django_assert_num_queries(4):
        assert client.get("/contracts/HERTS/import/").status_code == 200


@pytest.mark.parametrize("grown", [False, True], ids=["seed", "seed-plus-more"])
def test_a_backfilled_return_page_takes_the_same_queries_at_any_size(
    client, manager, committee_member, seed, grown, django_assert_num_queries
):
    # Monthly KPIs with their months at both sizes, beneath the back-filled quarter too.
    with_months(seed["ICT"])
    if grown:
        grow(seed["ICT"])
    backfill_return(
        contract=seed["ICT"], end_date=PAST, user=manager, entries=[], source=SOURCE, page="3"
    )
    write_months(seed["ICT"])
    assert Reading.objects.filter(period__end_date=PAST, kpi__contract=seed["ICT"]).exists()
    assert MonthlyFigure.objects.filter(reading__period__end_date=PAST).exists()
    client.login(username="committee", password=PASSWORD)
    # The session, the user, the contract, the return with its quarter and the people who
    # submitted, approved and back-filled it (one query), the reader's groups, then the rows:
    # KPIs, their suspensions and rule changes (together), the readings, and the months
    # beneath them; then the files of evidence behind the rows (evidence/hooks.py).
    with django_assert_num_queries(10):
        response = client.get(f"/contracts/ICT/returns/{PAST}/")
    assert f"Back-filled from {SOURCE}, page 3; back-filled by" in response.content.decode()
