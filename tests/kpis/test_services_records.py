"""What the return services leave behind: who did each step and why, in the history, and the
words and codes of their refusals. The history is what the committee's questions are answered
from ("who approved this figure, and when?"), so each entry is pinned here.
"""

import datetime
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from kpis.choices import ReturnState
from kpis.models import Kpi, QuarterlyReturn, Reading
from kpis.permissions import LOCKED_MESSAGE, ReturnLocked
from kpis.writes import opening, saving, workflow
from tests.factories import make_area, make_contract, make_kpi, make_return, period
from tests.kpis.returns import fill_return, reading_in, row_entry, start_return


@pytest.fixture
def approved(seed, officer, manager) -> QuarterlyReturn:
    """ICT's Dec-19 return, filled by the officer, submitted and approved by the manager."""
    quarterly_return = start_return(officer, seed["ICT"])
    saving.save_return(
        quarterly_return=quarterly_return, user=officer, entries=fill_return(quarterly_return)
    )
    workflow.submit_return(quarterly_return=quarterly_return, user=officer)
    return workflow.approve_return(quarterly_return=quarterly_return, user=manager)


def _steps(quarterly_return) -> list[tuple[str, str, str]]:
    history = quarterly_return.history.order_by("history_date", "history_id")
    return [(h.state, h.history_user.username, h.history_change_reason) for h in history]


def test_it_records_who_took_each_step_and_why(approved):
    assert _steps(approved) == [
        ("draft", "officer", "Return opened"),
        ("submitted", "officer", "Submitted for approval"),
        ("approved", "manager", "Approved"),
    ]


def test_it_records_a_return_sent_back_with_its_reason(seed, officer, manager):
    quarterly_return = start_return(officer, seed["ICT"])
    saving.save_return(
        quarterly_return=quarterly_return, user=officer, entries=fill_return(quarterly_return)
    )
    workflow.submit_return(quarterly_return=quarterly_return, user=officer)
    workflow.send_back_return(
        quarterly_return=quarterly_return, user=manager, reason=" KPI 3 looks mistyped "
    )
    assert _steps(quarterly_return)[-1] == ("draft", "manager", "Returned: KPI 3 looks mistyped")


@pytest.mark.parametrize(
    ("service", "state", "verb"),
    [
        (workflow.reopen_return, ReturnState.APPROVED, "reopened"),
        (workflow.send_back_return, ReturnState.SUBMITTED, "returned"),
    ],
)
def test_it_asks_for_the_reason_beside_the_reason_field(seed, manager, service, state, verb):
    quarterly_return = make_return(seed["PSSP"], "2019-12-31", state=state)
    with pytest.raises(ValidationError) as refused:
        service(quarterly_return=quarterly_return, user=manager, reason=" ")
    assert refused.value.message_dict == {"reason": [f"Say why the return is being {verb}"]}


def test_a_reopening_gives_a_kpi_added_since_approval_its_row(approved, manager):
    late = make_kpi(approved.contract.service_areas.get(), reference="20", unit="percent")
    assert not Reading.objects.filter(kpi=late).exists()  # The quarter was locked.
    workflow.reopen_return(quarterly_return=approved, user=manager, reason="KPI 20 added")
    reading = Reading.objects.get(kpi=late, period=approved.period)
    assert reading.value is None and reading.unit_id == "percent"
    assert reading.history.get().history_user == manager


def test_a_draft_save_records_its_quarter_in_the_history(seed, officer):
    quarterly_return = start_return(officer, seed["PSSP"])
    reading = reading_in(quarterly_return, "R&B-K-009a")
    saving.save_draft(
        quarterly_return=quarterly_return, user=officer, entries=[row_entry(reading, 99)]
    )
    latest = reading.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (
        officer,
        "Return for Dec-19 saved",
    )


def test_a_new_kpi_joins_each_open_return_once_in_its_own_unit(seed, officer, manager):
    open_returns = [
        start_return(officer, seed["PSSP"]),
        start_return(officer, seed["PSSP"], date(2020, 3, 31)),
    ]
    area = seed["PSSP"].service_areas.get(code="STS")
    kpi = make_kpi(area, reference="NEW-1", unit="days")  # The signal adds its rows.
    readings = Reading.objects.filter(kpi=kpi).order_by("period__end_date")
    assert [r.period for r in readings] == [r.period for r in open_returns]
    assert {r.unit_id for r in readings} == {"days"}
    assert {r.history.get().history_change_reason for r in readings} == {
        "KPI added to the contract"
    }
    # Asked again, by a manager: nothing more to add.
    assert opening.add_kpi_to_open_returns(kpi=kpi, user=manager) == []
    assert readings.count() == 2


def test_a_kpi_added_by_a_user_is_recorded_as_theirs(seed, officer, manager):
    quarterly_return = start_return(officer, seed["PSSP"])
    kpi = make_kpi(seed["PSSP"].service_areas.get(code="STS"), reference="NEW-2")
    Reading.objects.filter(kpi=kpi).delete()
    (added,) = opening.add_kpi_to_open_returns(kpi=kpi, user=manager)
    assert added.period == quarterly_return.period
    history = Reading.history.get(id=added.pk)
    assert (history.history_user, history.history_change_reason) == (
        manager,
        "KPI added to the contract",
    )


def test_it_finds_the_return_of_the_contract_asked_for(db):
    one, two = make_contract("ONE"), make_contract("TWO")
    make_return(one, "2019-12-31")
    theirs = make_return(two, "2019-12-31")
    assert opening.return_for(contract_id=two.pk, period_id=period("2019-12-31").pk) == theirs
    assert opening.return_for(contract_id=two.pk, period_id=period("2019-09-30").pk) is None


def test_an_incomplete_return_lists_each_problem_in_words(seed, officer):
    quarterly_return = start_return(officer, seed["ICT"])
    entries = fill_return(quarterly_return)[2:]  # The first two rows left empty.
    saving.save_return(quarterly_return=quarterly_return, user=officer, entries=entries)
    with pytest.raises(workflow.ReturnIncomplete) as refused:
        workflow.submit_return(quarterly_return=quarterly_return, user=officer)
    assert len(refused.value.problems) == 2
    # ICT's KPIs are monthly.
    message = "Enter a figure for each month, or say why it was not measured"
    assert refused.value.messages == [message] * 2


def test_a_conflict_says_how_many_rows_someone_else_changed():
    conflict = saving.EditConflict({1: Reading(), 2: Reading()})
    assert str(conflict) == "2 rows were changed by someone else."


def test_a_locked_return_is_refused_with_its_code_and_words():
    refusal = ReturnLocked()
    assert (refusal.code, refusal.message) == ("locked", LOCKED_MESSAGE)
    assert ReturnLocked("Submitted.").messages == ["Submitted."]


def test_the_kpis_of_a_new_contract_join_no_return(db):
    # No return is open: nothing to join, and nothing is written.
    contract = make_contract("NEW")
    kpi = make_kpi(make_area(contract))
    assert opening.add_kpi_to_open_returns(kpi=kpi) == []
    assert not Reading.objects.filter(kpi=kpi).exists()


def test_a_submission_counts_a_kpi_without_a_row_as_missing(seed, officer):
    # A KPI loaded from a fixture has no row in the open return (loading sends no signal to add
    # one): submitting counts it as missing all the same.
    quarterly_return = start_return(officer, seed["ICT"])
    saving.save_return(
        quarterly_return=quarterly_return, user=officer, entries=fill_return(quarterly_return)
    )
    late = make_kpi(seed["ICT"].service_areas.get(), reference="20", unit="percent")
    Reading.objects.filter(kpi=late).delete()
    with pytest.raises(workflow.ReturnIncomplete) as refused:
        workflow.submit_return(quarterly_return=quarterly_return, user=officer)
    assert refused.value.problems == [
        (late.pk, "m1_value", "Enter a figure for each month, or say why it was not measured")
    ]
    # The refusal writes nothing, the added row included.
    assert not Reading.objects.filter(kpi=late).exists()


@pytest.fixture
def ordered(db):
    """A draft return whose KPIs were created out of their order: area B (second) before area A
    (first), and A's second KPI before its first, so that ids run against positions."""
    contract = make_contract("ORD")
    area_b = make_area(contract, "B", position=2)
    area_a = make_area(contract, "A", position=1)
    for area, reference, position in [(area_b, "B-1", 1), (area_a, "A-2", 2), (area_a, "A-1", 1)]:
        make_kpi(area, reference, position=position, frequency="quarterly")
    return make_return(contract, "2019-12-31")


def _empty_rows(quarterly_return) -> None:
    for kpi in quarterly_return.contract.kpis.all():
        # A KPI made after the return was opened has its row already (the signal adds it).
        Reading.objects.get_or_create(
            kpi=kpi, period=quarterly_return.period, defaults={"unit_id": kpi.unit_id}
        )


def test_it_lists_what_stops_a_submission_area_by_area_in_kpi_order(ordered):
    _empty_rows(ordered)
    problems = workflow.incomplete_rows(ordered)
    references = [Kpi.objects.get(pk=kpi_id).reference for kpi_id, _, _ in problems]
    assert references == ["A-1", "A-2", "B-1"]


@pytest.mark.parametrize("extra", [0, 5])
def test_it_checks_a_return_in_four_queries_whatever_its_size(
    ordered, extra, django_assert_num_queries
):
    area = ordered.contract.service_areas.get(code="A")
    for n in range(extra):
        make_kpi(area, f"A-X{n}", position=10 + n)
    # The readings with their KPIs, units and quarters; then the KPIs' suspensions and rule
    # changes, and the readings' months (a month left blank stops submission), each in one query.
    _empty_rows(ordered)
    with django_assert_num_queries(4):
        assert len(workflow.incomplete_rows(ordered)) == 3 + extra


def test_it_judges_a_return_submitted_on_its_quarters_last_day_as_if_it_were_over(
    ordered, monkeypatch
):
    # On 31 December the quarter is not over, so an empty row is "not due" yet; a return
    # submitted that day is the quarter's whole return, so the row is asked for all the same.
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: datetime.date(2019, 12, 31))
    _empty_rows(ordered)
    assert [field for _, field, _ in workflow.incomplete_rows(ordered)] == ["value"] * 3


def test_it_asks_for_commentary_on_a_missed_target(ordered):
    _empty_rows(ordered)
    Reading.objects.update(value=95)
    missed = Reading.objects.get(kpi__reference="A-2")
    missed.value = 80  # Below the target of 90.
    missed.save()
    assert workflow.incomplete_rows(ordered) == [
        (missed.kpi_id, "commentary", workflow.COMMENTARY_MESSAGE)
    ]


def test_a_return_takes_no_figure_for_another_contracts_kpi(seed, officer):
    # Both contracts' Dec-19 returns are open: an entry naming an ICT KPI in PSSP's return is
    # refused, and ICT's row is left as it was.
    pssp = start_return(officer, seed["PSSP"])
    ict_row = reading_in(start_return(officer, seed["ICT"]), "1")
    with pytest.raises(saving.ReturnInvalid) as refused:
        saving.save_return(quarterly_return=pssp, user=officer, entries=[row_entry(ict_row, 0)])
    assert refused.value.row_errors == {
        ict_row.kpi_id: {"value": "This KPI is not part of this contract."}
    }
    ict_row.refresh_from_db()
    assert (ict_row.value, ict_row.version) == (None, 1)


def test_a_save_gives_a_kpi_without_a_row_one_in_the_savers_name(seed, officer, manager):
    quarterly_return = start_return(officer, seed["PSSP"])
    lost = reading_in(quarterly_return, "FS-K-002")
    Reading.objects.filter(pk=lost.pk).delete()
    saving.save_return(
        quarterly_return=quarterly_return,
        user=manager,
        entries=[row_entry(reading_in(quarterly_return, "R&B-K-009a"), 99)],
    )
    again = reading_in(quarterly_return, "FS-K-002")
    first = again.history.earliest()
    assert (first.history_user, first.history_change_reason) == (manager, "Return opened")


def test_a_draft_save_keeps_the_rows_after_one_for_another_contract(seed, officer):
    pssp = start_return(officer, seed["PSSP"])
    ict_row = reading_in(start_return(officer, seed["ICT"]), "1")
    mine = reading_in(pssp, "R&B-K-009a")
    saved = saving.save_draft(
        quarterly_return=pssp, user=officer, entries=[row_entry(ict_row, 0), row_entry(mine, 99)]
    )
    assert [r.pk for r in saved.written] == [mine.pk]
    assert saved.problems == {ict_row.kpi_id: {"value": "This KPI is not part of this contract."}}
