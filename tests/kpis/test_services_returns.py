import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kpis import permissions
from kpis.choices import Direction, Frequency, ReturnState, UnitCode
from kpis.models import Kpi, QuarterlyReturn, Reading, Suspension
from kpis.models.period import quarter_end_for
from kpis.writes import decisions, saving, workflow
from tests.kpis.returns import Q3, fill_return, reading_in, row_entry, start_return


def test_it_opens_a_return_with_an_empty_reading_per_kpi(officer, seed):
    quarterly_return = start_return(officer, seed["PSSP"])
    readings = Reading.objects.filter(period=quarterly_return.period)
    assert readings.count() == Kpi.objects.for_contract(seed["PSSP"]).count() == 22
    assert all(r.value is None and r.unit_id == r.kpi.unit_id for r in readings)
    history = Reading.history.filter(period=quarterly_return.period)
    assert history.count() == 22
    assert {(h.history_user, h.history_change_reason) for h in history} == {
        (officer, "Return opened")
    }
    assert quarterly_return.state == ReturnState.DRAFT
    # Opening again changes nothing.
    assert start_return(officer, seed["PSSP"]).pk == quarterly_return.pk
    assert readings.count() == 22


def test_it_refuses_an_officer_of_another_contract(outsider, seed):
    with pytest.raises(PermissionDenied):
        start_return(outsider, seed["PSSP"])
    assert not QuarterlyReturn.objects.filter(period__end_date=Q3).exists()


@pytest.mark.parametrize(
    ("end", "message"),
    [
        (
            datetime.date(2019, 12, 30),
            "A quarter ends on 30 June, 30 September, 31 December or 31 March.",
        ),
        (datetime.date(2099, 12, 31), "That quarter has not started yet."),
        (datetime.date(2009, 6, 30), "That quarter ends before the contract started."),
    ],
)
def test_it_refuses_a_quarter_that_cannot_have_a_return(officer, seed, end, message):
    with pytest.raises(ValidationError) as refused:
        start_return(officer, seed["ICT"], end)
    # Keyed by the form's field, so that the page shows it beside the date.
    assert refused.value.message_dict == {"end_date": [message]}
    assert not QuarterlyReturn.objects.filter(period__end_date=end).exists()


def test_it_opens_the_quarter_we_are_in_but_not_the_next(officer, seed):
    # Whatever day the suite runs on, its quarter may be opened and the next may not.
    today = timezone.localdate()
    this_quarter = quarter_end_for(today)
    assert start_return(officer, seed["ICT"], this_quarter).period.end_date == this_quarter
    next_quarter = quarter_end_for(this_quarter + datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="has not started yet"):
        start_return(officer, seed["ICT"], next_quarter)


def test_it_opens_the_quarter_that_ends_on_the_day_the_contract_starts(officer, seed):
    contract = seed["ICT"]
    contract.start_date = Q3
    contract.save()
    assert start_return(officer, contract, Q3).period.end_date == Q3
    with pytest.raises(ValidationError, match="ends before the contract started"):
        start_return(officer, contract, datetime.date(2019, 9, 30))


def test_it_saves_only_changed_rows_with_history_and_new_versions(officer, seed):
    quarterly_return = start_return(officer, seed["PSSP"])
    reading = reading_in(quarterly_return, "R&B-K-009a")
    untouched = reading_in(quarterly_return, "FS-K-002")
    changed = saving.save_return(
        quarterly_return=quarterly_return,
        user=officer,
        entries=[row_entry(reading, 99), row_entry(untouched)],
    )
    assert [r.pk for r in changed] == [reading.pk]
    reading.refresh_from_db()
    assert reading.value == Decimal(99) and reading.version == 2
    latest = reading.history.latest()
    assert latest.history_user == officer
    assert latest.history_change_reason == "Return for Dec-19 saved"
    assert latest.value == Decimal(99)
    untouched.refresh_from_db()
    assert untouched.version == 1


def test_it_saves_nothing_when_any_row_is_wrong(officer, seed):
    quarterly_return = start_return(officer, seed["PSSP"])
    good = reading_in(quarterly_return, "R&B-K-009a")
    bad = reading_in(quarterly_return, "FS-K-002")
    with pytest.raises(saving.ReturnInvalid) as refused:
        saving.save_return(
            quarterly_return=quarterly_return,
            user=officer,
            entries=[row_entry(good, 99), row_entry(bad, 120)],
        )
    assert refused.value.row_errors == {
        bad.kpi_id: {"value": "A percentage must be between 0 and 100."}
    }
    assert (refused.value.messages, refused.value.code) == (
        ["Some figures need correcting."],
        "invalid",
    )
    good.refresh_from_db()
    assert good.value is None and good.version == 1


def test_it_asks_for_commentary_on_a_miss_before_submission_not_on_each_save(officer, seed):
    quarterly_return = start_return(officer, seed["ICT"])
    reading = reading_in(quarterly_return, "1")
    miss = reading.kpi.failure
    saving.save_return(
        quarterly_return=quarterly_return, user=officer, entries=[row_entry(reading, miss)]
    )
    problems = workflow.incomplete_rows(quarterly_return)
    assert (reading.kpi_id, "commentary", workflow.COMMENTARY_MESSAGE) in problems


def test_a_draft_save_keeps_the_valid_rows_and_reports_the_others(officer, seed):
    quarterly_return = start_return(officer, seed["PSSP"])
    good, bad = (
        reading_in(quarterly_return, "R&B-K-009a"),
        reading_in(quarterly_return, "PAY-K-001"),
    )
    saved = saving.save_draft(
        quarterly_return=quarterly_return,
        user=officer,
        entries=[row_entry(good, 99), row_entry(bad, 120)],
    )
    assert [r.kpi_id for r in saved.written] == [good.kpi_id]
    assert saved.problems == {bad.kpi_id: {"value": "A percentage must be between 0 and 100."}}
    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.value, bad.value) == (99, None)


def test_it_keeps_the_first_save_when_two_people_edit_the_same_row(officer, manager, seed):
    quarterly_return = start_return(officer, seed["PSSP"])
    seen = reading_in(quarterly_return, "R&B-K-009a")
    saving.save_return(
        quarterly_return=quarterly_return, user=manager, entries=[row_entry(seen, 98)]
    )
    with pytest.raises(saving.EditConflict) as conflict:
        saving.save_return(
            quarterly_return=quarterly_return, user=officer, entries=[row_entry(seen, 97)]
        )
    # The other person's row as they saved it: figure, version, KPI, quarter and when.
    theirs = conflict.value.current[seen.kpi_id]
    assert (theirs.value, theirs.version) == (Decimal(98), 2)
    assert (theirs.kpi.reference, theirs.period.label) == ("R&B-K-009a", "Dec-19")
    seen.refresh_from_db()
    assert seen.value == Decimal(98) and seen.version == 2
    assert theirs.updated_at == seen.updated_at is not None


def test_only_a_manager_sets_a_quarters_target(officer, manager, seed):
    quarterly_return = start_return(officer, seed["PSSP"])
    reading = reading_in(quarterly_return, "CS-K-002")
    with pytest.raises(PermissionDenied):
        saving.save_return(
            quarterly_return=quarterly_return,
            user=officer,
            entries=[row_entry(reading, target=88)],
            set_targets=True,
        )
    saving.save_return(
        quarterly_return=quarterly_return,
        user=manager,
        entries=[row_entry(reading, target=88)],
        set_targets=True,
    )
    reading.refresh_from_db()
    assert reading.target_override == Decimal(88)
    assert reading.version == 2
    # The officer's page has no target field: their entry carries none, and changes nothing.
    assert (
        saving.save_return(
            quarterly_return=quarterly_return, user=officer, entries=[row_entry(reading)]
        )
        == []
    )
    reading.refresh_from_db()
    assert (reading.target_override, reading.version) == (Decimal(88), 2)


def test_it_will_not_submit_a_return_with_missing_figures(officer, seed):
    quarterly_return = start_return(officer, seed["ICT"])
    with pytest.raises(workflow.ReturnIncomplete) as refused:
        workflow.submit_return(quarterly_return=quarterly_return, user=officer)
    assert len(refused.value.problems) == Kpi.objects.for_contract(seed["ICT"]).count()
    quarterly_return.refresh_from_db()
    assert quarterly_return.state == ReturnState.DRAFT


def test_it_locks_an_approved_return_and_reopens_it_with_a_reason(officer, manager, seed):
    quarterly_return = start_return(officer, seed["ICT"])
    saving.save_return(
        quarterly_return=quarterly_return, user=officer, entries=fill_return(quarterly_return)
    )
    with pytest.raises(PermissionDenied):
        workflow.approve_return(quarterly_return=quarterly_return, user=officer)
    workflow.submit_return(quarterly_return=quarterly_return, user=officer)
    workflow.approve_return(quarterly_return=quarterly_return, user=manager)
    reading = reading_in(quarterly_return, "1")
    with pytest.raises(permissions.ReturnLocked):
        saving.save_return(
            quarterly_return=quarterly_return, user=manager, entries=[row_entry(reading, 1)]
        )
    with pytest.raises(permissions.ReturnLocked):
        saving.ensure_editable(reading, manager)
    with pytest.raises(ValidationError, match="Say why"):
        workflow.reopen_return(quarterly_return=quarterly_return, user=manager, reason="  ")
    reason = "Supplier corrected the March figure for KPI 1 after an audit. " * 3
    workflow.reopen_return(quarterly_return=quarterly_return, user=manager, reason=reason)
    saving.ensure_editable(reading, manager)
    quarterly_return.refresh_from_db()
    assert quarterly_return.state == ReturnState.DRAFT
    assert quarterly_return.reopen_reason == reason.strip()
    states = list(quarterly_return.history.order_by("history_date").values_list("state", flat=True))
    assert states == ["draft", "submitted", "approved", "draft"]
    latest = quarterly_return.history.latest()
    assert latest.history_user == manager
    # Kept in full in the history, however long.
    assert latest.history_change_reason == f"Reopened: {reason.strip()}"


def test_it_gives_a_new_kpi_a_row_in_open_returns_only(officer, seed):
    quarterly_return = start_return(officer, seed["PSSP"])
    area = seed["PSSP"].service_areas.first()
    kpi = Kpi.objects.create(
        contract=seed["PSSP"],
        service_area=area,
        reference="NEW-1",
        description="A KPI added later",
        frequency=Frequency.QUARTERLY,
        unit_id=UnitCode.DAYS,
        direction=Direction.LOWER,
        target=Decimal(5),
    )
    assert list(kpi.readings.values_list("period_id", flat=True)) == [quarterly_return.period_id]


def test_it_records_a_suspension_with_history(officer, manager, seed):
    quarterly_return = start_return(officer, seed["PSSP"])
    kpi = reading_in(quarterly_return, "R&B-K-009a").kpi
    with pytest.raises(PermissionDenied):
        decisions.record_suspension(
            kpi=kpi, first_quarter=Q3, last_quarter=None, reason="System replaced", user=officer
        )
    suspension = decisions.record_suspension(
        kpi=kpi, first_quarter=Q3, last_quarter=None, reason="System replaced", user=manager
    )
    assert suspension.history.latest().history_user == manager
    assert reading_in(quarterly_return, "R&B-K-009a").evaluate().status == "suspended"


def test_it_refuses_a_suspension_over_an_approved_quarter(manager, seed):
    kpi = Kpi.objects.get(contract=seed["PSSP"], reference="R&B-K-009a")
    with pytest.raises(ValidationError, match="approved and locked"):
        decisions.record_suspension(
            kpi=kpi,
            first_quarter=datetime.date(2019, 9, 30),
            last_quarter=None,
            reason="Late",
            user=manager,
        )
    assert not Suspension.objects.filter(kpi=kpi).exists()


@pytest.mark.parametrize("extra", [0, 18])
def test_it_saves_a_whole_return_in_the_same_queries_however_many_kpis(
    officer, seed, extra, django_assert_num_queries
):
    contract = seed["PSSP"]
    area = contract.service_areas.first()
    Kpi.objects.bulk_create(
        Kpi(
            contract=contract,
            service_area=area,
            reference=f"EXTRA-{n}",
            description="Extra",
            frequency=Frequency.QUARTERLY,
            unit_id=UnitCode.PERCENT,
            direction=Direction.HIGHER,
            target=Decimal(90),
        )
        for n in range(extra)
    )
    quarterly_return = start_return(officer, contract)
    entries = fill_return(quarterly_return)
    assert len(entries) == 22 + extra
    quarterly_return = QuarterlyReturn.objects.select_related("contract", "period").get(
        pk=quarterly_return.pk
    )
    # Within its savepoint: the contract's row and the return's locked, the readings locked
    # with their KPIs (and whether any KPI in force lacks a row), their months; the contract's
    # data version moved on, the readings updated and their history written, one statement
    # each.
    with django_assert_num_queries(9):
        changed = saving.save_return(
            quarterly_return=quarterly_return, user=officer, entries=entries
        )
    assert len(changed) == 22 + extra
    assert Reading.history.filter(period=quarterly_return.period).count() == 2 * (22 + extra)


@pytest.mark.parametrize(("code", "kpis"), [("PSSP", 22), ("ICT", 19)])
def test_it_opens_a_return_in_the_same_queries_however_many_kpis(
    officer, seed, code, kpis, django_assert_num_queries
):
    # Whatever the number of KPIs, their rows and history are written in one insert each. The
    # contract's row is locked before the return is looked for (kpis/writes/locks.py).
    with django_assert_num_queries(18):
        quarterly_return = start_return(officer, seed[code])
    readings = Reading.objects.filter(kpi__contract=seed[code], period=quarterly_return.period)
    assert readings.count() == kpis
