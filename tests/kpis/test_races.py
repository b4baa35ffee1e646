"""Decisions about a quarter taken at the same moment as its approval (or its submission) run as
if one came after the other: the outcome is always one that the two taken in turn could give.

PostgreSQL only (tests/kpis/races.py says why).
"""

from decimal import Decimal

import pytest
from django.utils import timezone

from kpis.choices import Direction, ReturnState, UnitCode
from kpis.imports.definitions.write import import_definitions
from kpis.imports.write import import_readings, prepare_import
from kpis.models import Kpi, QuarterlyReturn, Reading, RuleChange, Suspension
from kpis.permissions import ReturnLocked
from kpis.writes import decisions, saving, workflow
from kpis.writes.backfill import backfill_return
from tests.kpis import definition_files
from tests.kpis.import_files import rows_of, to_csv
from tests.kpis.races import TRIALS, needs_row_locks, one_done, race
from tests.kpis.returns import Q3, fill_return, start_return

pytestmark = [needs_row_locks, pytest.mark.parametrize("trial", TRIALS)]


def _filled(officer, contract) -> QuarterlyReturn:
    """The contract's Q3 return, every KPI at its best (100 for a percentage)."""
    quarterly_return = start_return(officer, contract)
    saving.save_return(
        quarterly_return=quarterly_return, user=officer, entries=fill_return(quarterly_return)
    )
    return quarterly_return


def _submitted(officer, contract) -> QuarterlyReturn:
    return workflow.submit_return(quarterly_return=_filled(officer, contract), user=officer)


def _percentage_kpi(contract) -> Kpi:
    """A KPI filled at 100 by `fill_return`: it misses a strict target of 100."""
    return Kpi.objects.filter(
        contract=contract, unit_id=UnitCode.PERCENT, direction=Direction.HIGHER
    ).first()


def _strict_100(kpi, user):
    return decisions.change_rule(
        kpi=kpi,
        effective_from=Q3,
        target=Decimal(100),
        target_strict=True,
        detriment=None,
        failure=None,
        reason="Target raised",
        user=user,
    )


def _approve(quarterly_return, user):
    return lambda: workflow.approve_return(quarterly_return=quarterly_return, user=user)


def _suspended_before_approval(kpi, quarterly_return) -> bool:
    """Whether a suspension of `kpi` over the quarter was recorded before the quarter was
    approved, as a suspension and an approval taken in turn leave it; False without one."""
    suspension = Suspension.objects.filter(kpi=kpi, first_quarter__lte=Q3).first()
    if suspension is None:
        return False
    assert suspension.history.earliest().history_date < quarterly_return.approved_at
    return True


def test_approval_and_a_rule_change_into_the_quarter(
    transactional_db, trial, seed, officer, manager, admin_user
):
    quarterly_return = _submitted(officer, seed["PSSP"])
    kpi = _percentage_kpi(seed["PSSP"])
    outcomes = race(_approve(quarterly_return, manager), lambda: _strict_100(kpi, admin_user))
    one_done(outcomes)
    quarterly_return.refresh_from_db()
    changed = RuleChange.objects.filter(kpi=kpi, effective_from__lte=Q3).exists()
    # Approved first, the change is refused; changed first, the KPI's 100 misses the new target
    # without commentary, and approval is refused. Never an approved quarter judged by a rule
    # changed inside it.
    assert (quarterly_return.state, changed) in {
        (ReturnState.APPROVED, False),
        (ReturnState.SUBMITTED, True),
    }


def test_approval_and_a_suspension_across_the_quarter(
    transactional_db, trial, seed, officer, manager, admin_user
):
    quarterly_return = _submitted(officer, seed["PSSP"])
    kpi = _percentage_kpi(seed["PSSP"])
    approval, suspension = race(
        _approve(quarterly_return, manager),
        lambda: decisions.record_suspension(
            kpi=kpi, first_quarter=Q3, last_quarter=None, reason="System replaced", user=admin_user
        ),
    )
    assert approval.done
    quarterly_return.refresh_from_db()
    # Suspended first, then approved with it; or approved first, and the suspension refused.
    assert _suspended_before_approval(kpi, quarterly_return) == suspension.done
    if not suspension.done:
        assert isinstance(suspension.refusal, ReturnLocked)


def test_approval_and_the_grant_of_a_requested_suspension(
    transactional_db, trial, seed, officer, manager, admin_user
):
    quarterly_return = _submitted(officer, seed["PSSP"])
    kpi = _percentage_kpi(seed["PSSP"])
    asked = decisions.ask_for_suspension(
        kpi=kpi, first_quarter=Q3, last_quarter=None, reason="System replaced", user=officer
    )
    approval, grant = race(
        _approve(quarterly_return, manager),
        lambda: decisions.grant_suspension(asked=asked, user=admin_user),
    )
    assert approval.done
    quarterly_return.refresh_from_db()
    asked.refresh_from_db()
    assert _suspended_before_approval(kpi, quarterly_return) == grant.done
    assert asked.is_pending != grant.done


def test_approval_and_a_definitions_import_that_changes_a_target_from_the_quarter(
    transactional_db, trial, seed, officer, manager, admin_user
):
    quarterly_return = _submitted(officer, seed["ICT"])
    rows = definition_files.rows_of(seed["ICT"])
    assert rows[2]["Reference"] == "3"
    rows[2]["Target"] = "100"
    preview = definition_files.preview_of(seed["ICT"], admin_user, definition_files.to_csv(rows))
    assert preview.changes_rules and preview.ok, preview.problems
    approval, imported = race(
        _approve(quarterly_return, manager),
        lambda: import_definitions(
            preview=preview, user=admin_user, reason="Renegotiated", effective_from=Q3
        ),
    )
    assert approval.done
    quarterly_return.refresh_from_db()
    # Imported first, then approved under the new target (which `fill_return`'s 100 meets); or
    # approved first, and the import refused whole.
    rule_change = RuleChange.objects.filter(kpi__contract=seed["ICT"]).first()
    assert (rule_change is not None) == imported.done
    if rule_change:
        assert quarterly_return.approved_at is not None
        assert rule_change.changed_at < quarterly_return.approved_at
    else:
        assert isinstance(imported.refusal, ReturnLocked)


def test_a_back_fill_and_a_rule_change_into_the_quarter(
    transactional_db, trial, seed, manager, admin_user
):
    kpi = _percentage_kpi(seed["PSSP"])
    backfill, change = race(
        lambda: backfill_return(
            contract=seed["PSSP"], end_date=Q3, user=manager, entries=[], source="Report"
        ),
        lambda: _strict_100(kpi, admin_user),
    )
    assert backfill.done
    quarterly_return = QuarterlyReturn.objects.get(contract=seed["PSSP"], period__end_date=Q3)
    assert quarterly_return.state == ReturnState.APPROVED
    # Changed first, then back-filled and approved under the new rule; or back-filled first, and
    # the change refused. Never a rule changed inside the quarter once it was approved.
    rule_change = RuleChange.objects.filter(kpi=kpi).first()
    assert (rule_change is not None) == change.done
    if rule_change:
        assert quarterly_return.approved_at is not None
        assert rule_change.changed_at < quarterly_return.approved_at


def test_an_import_and_a_submission_of_the_same_quarter(
    transactional_db, trial, seed, officer, manager
):
    quarterly_return = _filled(officer, seed["PSSP"])
    rows = rows_of(seed["PSSP"], Q3)
    reading = Reading.objects.filter(
        kpi=_percentage_kpi(seed["PSSP"]), period=quarterly_return.period
    ).get()
    for row in rows:
        if row["KPI reference"] == reading.kpi.reference:
            row["Commentary"] = "Checked against the supplier's log"
    preview = prepare_import(
        contract=seed["PSSP"],
        end_date=Q3,
        user=manager,
        content=to_csv(rows),
        filename="late.csv",
        today=timezone.localdate(),
    )
    assert preview.ok, preview.problems
    versions = preview.versions()
    imported, submission = race(
        lambda: import_readings(preview=preview, user=manager, versions=versions),
        lambda: workflow.submit_return(quarterly_return=quarterly_return, user=officer),
    )
    assert submission.done
    quarterly_return.refresh_from_db()
    reading.refresh_from_db()
    # Imported first, then submitted with the new figure; or submitted first, and the import
    # refused. Never a figure changed in a submitted return.
    assert (reading.commentary == "Checked against the supplier's log") == imported.done
    changed_since = Reading.history.filter(
        period=quarterly_return.period,
        kpi__contract=seed["PSSP"],
        history_date__gt=quarterly_return.submitted_at,
    )
    assert not changed_since.exists()
