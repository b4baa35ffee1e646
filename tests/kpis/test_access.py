"""kpis/permissions/fetch.py asked directly: what each helper fetches for whom, and what it costs.

The views' tests (test_views_access.py, test_permissions.py) go through pages; these pin the
helpers themselves, so that a loosened check or a dropped join fails here first.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from kpis.choices import ReturnState
from kpis.models import Kpi
from kpis.permissions import Action
from kpis.permissions.fetch import get_kpi_for, get_return_for, get_workable_contract_for
from tests.factories import make_return


@pytest.fixture
def ict_kpi_1(seed):
    return Kpi.objects.get(contract__code="ICT", reference="1")


def test_it_reads_a_kpi_with_its_contract_area_and_unit_in_one_query(
    admin_user, ict_kpi_1, django_assert_num_queries
):
    with django_assert_num_queries(1):
        kpi = get_kpi_for(admin_user, "ICT", ict_kpi_1.pk)
        # ICT KPI 1, "Resolution of severity 1 incidents (2 hrs)", is in the contract's one
        # area and counted in failures ("0 failures / 1 failure / 2 failures").
        assert (kpi.contract.code, kpi.service_area.code, kpi.unit.code) == ("ICT", "ICT", "count")


def test_it_answers_404_for_a_kpi_under_another_code_or_to_the_signed_out(
    committee_member, ict_kpi_1
):
    with pytest.raises(Http404):
        get_kpi_for(committee_member, "PSSP", ict_kpi_1.pk)
    with pytest.raises(Http404):
        get_kpi_for(AnonymousUser(), "ICT", ict_kpi_1.pk)
    assert get_kpi_for(committee_member, "ICT", ict_kpi_1.pk) == ict_kpi_1


@pytest.mark.parametrize("end_date", ["2019-13-31", "31/12/2019", ""])
def test_it_answers_404_for_a_quarter_that_is_not_a_date(admin_user, seed, end_date):
    with pytest.raises(Http404):
        get_return_for(admin_user, "PSSP", end_date)


def test_it_hides_a_return_in_progress_from_those_not_working_on_it(
    seed, officer, committee_member, outsider
):
    make_return(seed["PSSP"], "2019-12-31", state=ReturnState.SUBMITTED)
    for reader in (committee_member, outsider):
        with pytest.raises(Http404):
            get_return_for(reader, "PSSP", "2019-12-31")
    assert get_return_for(officer, "PSSP", "2019-12-31").state == ReturnState.SUBMITTED


def test_it_shows_an_approved_return_to_every_reader(seed, committee_member, outsider):
    make_return(seed["PSSP"], "2019-12-31", state=ReturnState.APPROVED)
    for reader in (committee_member, outsider):
        assert get_return_for(reader, "PSSP", "2019-12-31").state == ReturnState.APPROVED


def test_it_reads_a_return_with_its_quarter_and_people_in_two_queries(
    seed, admin_user, officer, manager, django_assert_num_queries
):
    contract = seed["PSSP"]
    make_return(
        contract,
        "2019-12-31",
        state=ReturnState.APPROVED,
        submitted_by=officer,
        approved_by=manager,
        backfilled_by=manager,
    )
    # One query for the contract, one for the return with everything the return page shows;
    # an administrator's part needs no look-up.
    with django_assert_num_queries(2):
        got = get_return_for(admin_user, "PSSP", "2019-12-31")
        assert got.period.label == "Dec-19"
        assert (got.submitted_by.username, got.approved_by.username) == ("officer", "manager")
        assert got.backfilled_by.username == "manager"
        assert got.contract.code == "PSSP"


def test_it_answers_404_for_a_quarter_without_a_return(seed, admin_user):
    with pytest.raises(Http404):
        get_return_for(admin_user, "PSSP", "2019-12-31")


def test_it_gives_a_workable_contract_to_those_who_work_on_it(seed, officer, manager):
    assert get_workable_contract_for(officer, "PSSP", Action.EDIT) == seed["PSSP"]
    assert get_workable_contract_for(manager, "PSSP", Action.RELIEVE) == seed["PSSP"]


def test_it_answers_404_to_another_contracts_officer(seed, outsider):
    with pytest.raises(Http404):
        get_workable_contract_for(outsider, "PSSP", Action.EDIT)


@pytest.mark.parametrize(
    ("action", "message"),
    [
        # Action labels as kpis/permissions/__init__.py words them, with a lower-case first letter.
        (
            Action.EDIT,
            "You cannot enter and correct figures, reasons and commentary (also by import).",
        ),
        (Action.APPROVE, "You cannot approve the return, which locks the quarter."),
    ],
)
def test_it_tells_the_committee_what_it_cannot_do(seed, committee_member, action, message):
    with pytest.raises(PermissionDenied) as refused:
        get_workable_contract_for(committee_member, "PSSP", action)
    assert str(refused.value) == message


def test_it_tells_an_officer_they_cannot_relieve_a_failure(seed, officer):
    with pytest.raises(PermissionDenied) as refused:
        get_workable_contract_for(officer, "PSSP", Action.RELIEVE)
    assert str(refused.value) == (
        "You cannot relieve a KPI's service failure in the quarter, with a reason."
    )
