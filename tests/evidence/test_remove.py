"""Removing evidence: with a reason, never from an approved quarter until a manager reopens it,
and never lost: the row and the file are kept, with who removed it, when and why. Evidence
stays beside a figure that is corrected."""

import datetime

import pytest
from django.core.files.storage import storages
from django.urls import reverse

from evidence import writes
from evidence.models import Evidence
from kpis.models import Kpi, QuarterlyReturn, Reading, ReportingPeriod
from kpis.permissions import ReturnLocked
from kpis.writes import saving, workflow
from tests.evidence.making import a_file
from tests.kpis.returns import Q3, reading_in, row_entry, start_return
from tests.plans.making import a_plan

MAR_19 = datetime.date(2019, 3, 31)


@pytest.fixture
def kpi(seed):
    return Kpi.objects.get(contract=seed["ICT"], reference="1")


@pytest.fixture
def approved(seed, officer, kpi) -> Evidence:
    period = ReportingPeriod.objects.get(end_date=MAR_19)
    return a_file(officer, contract=seed["ICT"], kpi=kpi, period=period, name="approved.pdf")


def _remove_url(row) -> str:
    return reverse("evidence_remove", args=["ICT", row.pk])


def test_an_approved_quarters_evidence_is_not_removed_without_a_reopen(client, manager, approved):
    with pytest.raises(ReturnLocked):
        writes.remove(evidence=approved, user=manager, reason="Wrong file")
    client.force_login(manager)
    response = client.post(_remove_url(approved), {"reason": "Wrong file"})
    assert response.status_code == 409
    assert "approved and is locked" in response.content.decode()
    approved.refresh_from_db()
    assert approved.removed_at is None


def test_once_reopened_it_is_removed_with_a_reason_and_kept(client, seed, manager, approved):
    quarterly_return = QuarterlyReturn.objects.get(contract=seed["ICT"], period=approved.period)
    workflow.reopen_return(
        quarterly_return=quarterly_return, user=manager, reason="Evidence to correct"
    )
    client.force_login(manager)
    assert client.post(_remove_url(approved), {"reason": ""}).status_code == 400
    response = client.post(_remove_url(approved), {"reason": "The wrong month's logs"})
    assert response.status_code == 302
    approved.refresh_from_db()
    assert (approved.removed_by, approved.removal_reason) == (manager, "The wrong month's logs")
    assert approved.removed_at is not None
    # The file itself is kept, and the history says what happened.
    assert storages["evidence"].exists(approved.file.name)
    last = approved.history.first()
    assert (last.history_user, last.history_change_reason) == (
        manager,
        "Removed: The wrong month's logs",
    )
    assert approved.history.count() == 2
    download = reverse("evidence_download", args=["ICT", approved.pk])
    assert download not in client.get(approved.kpi.get_absolute_url()).content.decode()


def test_the_officer_removes_from_a_draft_but_not_once_submitted(seed, officer, manager, kpi):
    draft = start_return(officer, seed["ICT"])
    first = a_file(manager, contract=seed["ICT"], kpi=kpi, period=draft.period)
    writes.remove(evidence=first, user=officer, reason="Duplicate")
    second = a_file(manager, contract=seed["ICT"], kpi=kpi, period=draft.period)
    QuarterlyReturn.objects.filter(pk=draft.pk).update(state="submitted")
    with pytest.raises(ReturnLocked):
        writes.remove(evidence=second, user=officer, reason="Duplicate")
    writes.remove(evidence=second, user=manager, reason="Duplicate")


def test_a_corrected_figure_keeps_its_evidence(seed, officer, kpi):
    draft = start_return(officer, seed["ICT"])
    row = a_file(officer, contract=seed["ICT"], kpi=kpi, period=draft.period)
    for value in (91, 97):
        reading = reading_in(draft, "1")
        saving.save_return(
            quarterly_return=draft, user=officer, entries=[row_entry(reading, value)]
        )
    reading = Reading.objects.get(kpi=kpi, period__end_date=Q3)
    assert reading.value == 97
    assert reading.history.count() >= 3
    assert list(Evidence.objects.present().filter(kpi=kpi, period=draft.period)) == [row]


def test_a_plans_evidence_is_removed_by_a_manager_only(client, seed, officer, manager, kpi):
    plan = a_plan(kpi)
    row = a_file(officer, contract=seed["ICT"], plan=plan)
    client.force_login(officer)
    assert client.post(_remove_url(row), {"reason": "Old"}).status_code == 403
    client.force_login(manager)
    assert client.post(_remove_url(row), {"reason": "Old"}).status_code == 302
