"""The admin obeys the rules the pages obey: nothing inside an approved quarter changes, a return's
state moves only through its actions, a target changes from a named quarter, and every change
says why."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.admin.utils import flatten_fieldsets

from contracts.models import Assignment, Budget, ServiceArea
from kpis.admin import KpiAdmin
from kpis.choices import RULE_FIELDS, ReturnState
from kpis.models import Kpi, QuarterlyReturn, Reading, RuleChange, Suspension
from kpis.rules.status import Status
from kpis.writes import decisions, workflow
from regime.models import AppliedCredit, Relief
from tests.admin_forms import form_data

LONG_REASON = "The supplier's audit found the March figure double counted. " * 4


@pytest.fixture
def admin(client, admin_user, seed):
    client.force_login(admin_user)
    return client


def _kpi(reference="R&B-K-009") -> Kpi:
    return Kpi.objects.get(contract__code="PSSP", reference=reference)


def _error_text(response) -> str:
    return response.content.decode()


def test_it_asks_for_a_reason_for_every_change_and_keeps_it_in_full(admin, seed):
    area = ServiceArea.objects.get(contract=seed["PSSP"], code="STS")
    url = f"/admin/contracts/servicearea/{area.pk}/change/"
    data = form_data(admin, url, name="Shared Transactional Services (renamed)")
    response = admin.post(url, data)
    assert response.status_code == 200
    assert "Say why you are making this change." in _error_text(response)
    area.refresh_from_db()
    assert area.name == "Shared Transactional Services"
    admin.post(url, {**data, "change_reason": LONG_REASON})
    area.refresh_from_db()
    assert area.name.endswith("(renamed)")
    assert area.history.latest().history_change_reason == LONG_REASON.strip()


@pytest.mark.parametrize(
    ("path", "model"),
    [("contracts/assignment", Assignment), ("contracts/budget", Budget)],
)
def test_assignments_and_budgets_keep_who_and_why(admin, admin_user, manager, seed, path, model):
    obj = model.objects.filter(contract=seed["PSSP"]).first()
    url = f"/admin/{path}/{obj.pk}/change/"
    admin.post(url, form_data(admin, url, change_reason="Annual review"))
    record = obj.history.latest()
    assert (record.history_user, record.history_change_reason) == (admin_user, "Annual review")


def test_it_refuses_a_suspension_that_reaches_into_an_approved_quarter(admin):
    kpi = _kpi()
    response = admin.post(
        "/admin/kpis/suspension/add/",
        {
            "kpi": kpi.pk,
            "first_quarter": "2019-06-30",
            "last_quarter": "",
            "reason": "System replaced",
            "change_reason": "Agreed at the contract meeting",
        },
    )
    assert response.status_code == 200
    assert "is approved and locked" in _error_text(response)
    assert not Suspension.objects.filter(kpi=kpi).exists()


def test_it_refuses_ending_a_suspension_early_inside_approved_quarters(admin):
    suspension = Suspension.objects.get(kpi__reference="BS-K-002")
    url = f"/admin/kpis/suspension/{suspension.pk}/change/"
    data = form_data(admin, url, last_quarter="2018-09-30", change_reason="Ended")
    response = admin.post(url, data)
    assert "is approved and locked" in _error_text(response)
    suspension.refresh_from_db()
    assert suspension.last_quarter is None
    # Nor can it be deleted: approved quarters were counted with it.
    assert (
        admin.post(f"/admin/kpis/suspension/{suspension.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )


def test_it_refuses_a_reading_added_to_an_approved_quarter(admin, seed):
    kpi = Kpi.objects.create(
        contract=seed["PSSP"],
        service_area=ServiceArea.objects.get(contract=seed["PSSP"], code="STS"),
        reference="NEW-1",
        description="Added later",
        frequency="quarterly",
        unit_id="percent",
        direction="higher",
        target=Decimal(90),
    )
    period = QuarterlyReturn.objects.get(contract=seed["PSSP"], period__end_date="2019-09-30")
    response = admin.post(
        "/admin/kpis/reading/add/",
        {
            "kpi": kpi.pk,
            "period": period.period_id,
            "value": "95",
            "unit": "percent",
            "change_reason": "Late figure",
        },
    )
    assert response.status_code == 200
    assert "approved and is locked" in _error_text(response)
    assert not Reading.objects.filter(kpi=kpi).exists()


def test_a_returns_state_is_no_free_field_and_moves_only_by_its_actions(admin, seed, admin_user):
    quarterly_return = QuarterlyReturn.objects.get(
        contract=seed["ICT"], period__end_date="2019-09-30"
    )
    url = f"/admin/kpis/quarterlyreturn/{quarterly_return.pk}/change/"
    data = form_data(admin, url)
    assert "state" not in data
    # Approving an approved return is refused with the reason.
    response = admin.post(url, {**data, "transition": "approve", "change_reason": "x"})
    assert "This cannot" in _error_text(response) or "approved" in _error_text(response)
    # A posted state is ignored.
    admin.post(url, {**data, "state": "draft", "change_reason": "Trying"})
    quarterly_return.refresh_from_db()
    assert quarterly_return.state == ReturnState.APPROVED
    # Reopening goes through the action, with the reason kept in full.
    admin.post(url, {**data, "transition": "reopen", "change_reason": LONG_REASON})
    quarterly_return.refresh_from_db()
    assert quarterly_return.state == ReturnState.DRAFT
    assert quarterly_return.reopen_reason == LONG_REASON.strip()
    latest = quarterly_return.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (
        admin_user,
        f"Reopened: {LONG_REASON.strip()}",
    )


def test_an_approved_return_cannot_be_deleted(admin, seed):
    quarterly_return = QuarterlyReturn.objects.filter(contract=seed["ICT"]).first()
    response = admin.post(
        f"/admin/kpis/quarterlyreturn/{quarterly_return.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert QuarterlyReturn.objects.filter(pk=quarterly_return.pk).exists()


@pytest.mark.parametrize("rules_from", ["", "2019-09-30"])
def test_a_target_change_cannot_reach_into_an_approved_quarter(admin, rules_from):
    kpi = _kpi()
    url = f"/admin/kpis/kpi/{kpi.pk}/change/"
    data = form_data(admin, url, target="2", rules_from=rules_from, change_reason="Renegotiated")
    response = admin.post(url, data)
    assert response.status_code == 200
    assert "is approved and locked" in _error_text(response)
    kpi.refresh_from_db()
    assert kpi.target == 14


def test_a_target_change_from_a_later_quarter_leaves_approved_statuses_alone(admin):
    kpi = _kpi()
    url = f"/admin/kpis/kpi/{kpi.pk}/change/"
    data = form_data(admin, url, target="2", rules_from="2019-12-31", change_reason="Renegotiated")
    response = admin.post(url, data)
    assert response.status_code == 302, _error_text(response)
    kpi.refresh_from_db()
    assert kpi.target == 2
    change = RuleChange.objects.get(kpi=kpi)
    assert (change.effective_from, change.previous_target) == (
        datetime.date(2019, 12, 31),
        Decimal(14),
    )
    statuses = dict(
        Reading.objects.filter(kpi=kpi).with_status().values_list("period__end_date", "status")
    )
    # Appendix B: 2.96, 3.50 and 8.00 against 14, still below target.
    assert statuses[datetime.date(2018, 6, 30)] == Status.BELOW_TARGET
    assert statuses[datetime.date(2018, 12, 31)] == Status.BELOW_TARGET
    assert kpi.history.latest().history_change_reason == "Renegotiated"


def test_the_unit_and_direction_of_a_kpi_with_approved_quarters_are_read_only(admin):
    kpi = _kpi()
    data = form_data(admin, f"/admin/kpis/kpi/{kpi.pk}/change/")
    assert "unit" not in data and "direction" not in data and "frequency" not in data


def test_it_refuses_even_a_new_reason_for_a_suspension_over_approved_quarters(admin):
    # BS-K-002 is suspended from 2018/19 Q1 on: approved quarters were counted, and published,
    # with this suspension and its reason.
    suspension = Suspension.objects.get(kpi__reference="BS-K-002")
    url = f"/admin/kpis/suspension/{suspension.pk}/change/"
    data = form_data(admin, url, reason="Another reason", change_reason="Reworded")
    response = admin.post(url, data)
    assert response.status_code == 200
    assert "Jun-18 is approved and locked, and this suspension covers it" in _error_text(response)
    suspension.refresh_from_db()
    assert suspension.reason.startswith("The work management system is no longer supported")
    # The delete page says why it refuses, too.
    response = admin.post(f"/admin/kpis/suspension/{suspension.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert "approved and locked, and this suspension covers it" in _error_text(response)
    assert Suspension.objects.filter(pk=suspension.pk).exists()


def test_it_changes_a_suspension_that_touches_no_approved_quarter(admin, manager, seed):
    suspension = decisions.record_suspension(
        kpi=_kpi(),
        first_quarter=datetime.date(2019, 12, 31),
        last_quarter=None,
        reason="System replaced",
        user=manager,
    )
    url = f"/admin/kpis/suspension/{suspension.pk}/change/"
    response = admin.post(url, form_data(admin, url, reason="Replaced", change_reason="Typo"))
    assert response.status_code == 302, _error_text(response)
    suspension.refresh_from_db()
    assert suspension.reason == "Replaced"
    assert (
        admin.post(f"/admin/kpis/suspension/{suspension.pk}/delete/", {"post": "yes"}).status_code
        == 302
    )
    assert not Suspension.objects.filter(pk=suspension.pk).exists()


def test_a_rule_change_is_never_edited_or_deleted_in_the_admin(admin, manager, seed):
    kpi = _kpi()
    decisions.change_rule(
        kpi=kpi,
        effective_from=datetime.date(2019, 12, 31),
        target=Decimal(2),
        target_strict=False,
        detriment=None,
        failure=None,
        reason="Renegotiated",
        user=manager,
    )
    change = RuleChange.objects.get(kpi=kpi)
    url = f"/admin/kpis/rulechange/{change.pk}/"
    assert admin.post(url + "change/", {"reason": "Other", "change_reason": "x"}).status_code == 403
    assert admin.post(url + "delete/", {"post": "yes"}).status_code == 403
    change.refresh_from_db()
    assert change.reason == "Renegotiated"


def test_it_removes_a_relief_only_while_its_quarter_is_approved(admin, manager, seed):
    quarter = datetime.date(2019, 3, 31)
    kept, removed = Relief.objects.filter(kpi__contract__code="ICT", period__end_date=quarter)[:2]
    # On the approved quarter the permission table lets a manager relieve, and so un-relieve.
    assert (
        admin.post(f"/admin/regime/relief/{removed.pk}/delete/", {"post": "yes"}).status_code == 302
    )
    assert not Relief.objects.filter(pk=removed.pk).exists()
    # Reopened, the quarter is a draft: no relief is decided on it, neither added nor removed.
    quarterly_return = QuarterlyReturn.objects.get(contract=seed["ICT"], period__end_date=quarter)
    workflow.reopen_return(quarterly_return=quarterly_return, user=manager, reason="Restated")
    response = admin.post(f"/admin/regime/relief/{kept.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert "This return is still a draft" in _error_text(response)
    assert Relief.objects.filter(pk=kept.pk).exists()
    page = admin.get(f"/admin/regime/relief/{kept.pk}/change/").content.decode()
    assert f"/admin/regime/relief/{kept.pk}/delete/" not in page


def test_it_says_why_a_reading_of_an_approved_quarter_cannot_be_deleted(admin, seed):
    reading = Reading.objects.filter(kpi=_kpi(), period__end_date="2019-09-30").get()
    response = admin.post(f"/admin/kpis/reading/{reading.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert "approved and is locked" in _error_text(response)
    assert Reading.objects.filter(pk=reading.pk).exists()


def test_it_changes_a_credit_applied_only_while_its_quarter_is_approved(admin, manager, seed):
    quarter = datetime.date(2019, 3, 31)
    period = QuarterlyReturn.objects.get(contract=seed["ICT"], period__end_date=quarter).period
    credit = AppliedCredit.objects.create(
        contract=seed["ICT"], period=period, amount=Decimal("1200"), recorded_by=manager
    )
    url = f"/admin/regime/appliedcredit/{credit.pk}/change/"
    # On the approved quarter the permission table lets a manager record the credit.
    data = form_data(admin, url, amount="1500", change_reason="Invoice corrected")
    assert admin.post(url, data).status_code == 302
    credit.refresh_from_db()
    assert credit.amount == Decimal("1500")
    # Reopened, the quarter is a draft: no credit is recorded against it, changed or removed.
    quarterly_return = QuarterlyReturn.objects.get(contract=seed["ICT"], period__end_date=quarter)
    workflow.reopen_return(quarterly_return=quarterly_return, user=manager, reason="Restated")
    data = form_data(admin, url, amount="1800", change_reason="Invoice corrected again")
    response = admin.post(url, data)
    assert response.status_code == 200
    assert "This return is still a draft" in _error_text(response)
    credit.refresh_from_db()
    assert credit.amount == Decimal("1500")
    response = admin.post(f"/admin/regime/appliedcredit/{credit.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert AppliedCredit.objects.filter(pk=credit.pk).exists()


def test_the_kpi_admin_offers_every_field_of_the_rule():
    # The same fields as the rule-change page and the definitions import: the basis too.
    assert set(RULE_FIELDS) <= set(flatten_fieldsets(KpiAdmin.fieldsets))
