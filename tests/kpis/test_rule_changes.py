"""A change of target or thresholds takes effect from a named quarter; approved quarters keep the
rule they were judged by, in the pure rules and in SQL alike."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kpis.models import Kpi, Reading
from kpis.permissions import ReturnLocked
from kpis.rules.status import Status
from kpis.writes import decisions, saving
from tests.kpis.returns import Q3, row_entry, start_return

# R&B-K-009 (parking debt recovery), Appendix B: 2.96, 3.50, 8.00 against a target of 14.
APPROVED_2018_19 = {
    datetime.date(2018, 6, 30): Status.BELOW_TARGET,
    datetime.date(2018, 9, 30): Status.BELOW_TARGET,
    datetime.date(2018, 12, 31): Status.BELOW_TARGET,
}


def _change(kpi, user, effective_from, target=Decimal(2), reason="Target renegotiated"):
    return decisions.change_rule(
        kpi=kpi,
        effective_from=effective_from,
        target=target,
        target_strict=False,
        detriment=None,
        failure=None,
        reason=reason,
        user=user,
    )


def _statuses(kpi) -> dict[datetime.date, tuple[str, str]]:
    """Each reading's status from SQL and from Python, by quarter end."""
    readings = (
        Reading.objects.filter(kpi=kpi)
        .with_status(datetime.date(2020, 6, 1))
        .select_related("kpi", "period")
        .prefetch_related("kpi__suspensions", "kpi__rule_changes")
    )
    return {
        r.period.end_date: (r.status, r.evaluate(datetime.date(2020, 6, 1)).status)
        for r in readings
    }


def _kpi(seed) -> Kpi:
    return Kpi.objects.get(contract=seed["PSSP"], reference="R&B-K-009")


def test_approved_quarters_keep_their_status_after_a_target_change(seed, manager, officer):
    kpi = _kpi(seed)
    before = _statuses(kpi)
    for end, status in APPROVED_2018_19.items():
        assert before[end] == (status, status)
    quarterly_return = start_return(officer, seed["PSSP"])
    _change(kpi, manager, Q3)
    after = _statuses(kpi)
    assert {end: after[end] for end in before} == before
    # From the named quarter on, the new target judges: 3 reaches a target of 2.
    reading = Reading.objects.get(kpi=kpi, period=quarterly_return.period)
    saving.save_return(
        quarterly_return=quarterly_return, user=officer, entries=[row_entry(reading, 3)]
    )
    assert _statuses(kpi)[Q3] == (Status.MET, Status.MET)
    kpi.refresh_from_db()
    assert kpi.target == 2
    change = kpi.rule_changes.get()
    assert (change.effective_from, change.previous_target, change.reason) == (
        Q3,
        Decimal(14),
        "Target renegotiated",
    )
    assert change.changed_by == manager
    assert kpi.history.latest().history_change_reason == "Target renegotiated"


@pytest.mark.parametrize("effective_from", [datetime.date(2019, 9, 30), None])
def test_a_change_cannot_reach_into_an_approved_quarter(seed, manager, effective_from):
    kpi = _kpi(seed)
    with pytest.raises(ReturnLocked, match=r"approved and locked"):
        _change(kpi, manager, effective_from)
    kpi.refresh_from_db()
    assert (kpi.target, kpi.rule_changed) == (Decimal(14), False)


def test_a_change_needs_a_manager_a_reason_and_a_sound_rule(seed, officer, manager):
    kpi = _kpi(seed)
    with pytest.raises(PermissionDenied):
        _change(kpi, officer, Q3)
    with pytest.raises(ValidationError) as refused:
        _change(kpi, manager, Q3, reason=" ")
    assert "reason" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        decisions.change_rule(
            kpi=kpi,
            effective_from=Q3,
            target=Decimal(50),
            target_strict=False,
            detriment=Decimal(60),
            failure=None,
            reason="Wrong way round",
            user=manager,
        )
    assert "detriment" in refused.value.message_dict
    assert not _kpi(seed).rule_changes.exists()


def test_a_second_change_from_an_earlier_quarter_replaces_a_later_one(seed, manager):
    kpi = _kpi(seed)
    _change(kpi, manager, datetime.date(2020, 6, 30), target=Decimal(20))
    _change(kpi, manager, Q3, target=Decimal(10))
    assert list(kpi.rule_changes.values_list("effective_from", "previous_target")) == [
        (Q3, Decimal(14))
    ]
    assert kpi.rule_for(datetime.date(2019, 9, 30)).target == 14
    assert kpi.rule_for(Q3).target == 10
    assert kpi.rule_for(datetime.date(2020, 6, 30)).target == 10


def test_the_kpi_page_says_when_and_why_the_target_changed(client, seed, manager):
    kpi = _kpi(seed)
    _change(kpi, manager, Q3, reason="Parking contract renegotiated in October 2019")
    client.force_login(manager)
    html = client.get(kpi.get_absolute_url()).content.decode()
    assert "Parking contract renegotiated in October 2019" in html
    assert "2019/20 Q3" in html


def test_thresholds_can_become_tolerances_from_a_quarter_on(client, seed, manager, officer):
    # ICT KPI 3, "90% / 87% / 84%", becomes "amber within 5% of target, red beyond 10%" from
    # Dec-19: of 90, tolerances of 4.5 and 9, so 85.5 is below target and 80.99 a failure.
    kpi = Kpi.objects.get(contract=seed["ICT"], reference="3")
    decisions.change_rule(
        kpi=kpi,
        effective_from=Q3,
        target=Decimal(90),
        target_strict=False,
        detriment=Decimal(5),
        failure=Decimal(10),
        threshold_basis="percent",
        reason="New contract schedule",
        user=manager,
    )
    quarterly_return = start_return(officer, seed["ICT"])
    reading = Reading.objects.get(kpi=kpi, period=quarterly_return.period)
    statuses = {}
    for figure in ("85.5", "85.49", "81", "80.99"):
        reading.refresh_from_db()
        saving.save_draft(
            quarterly_return=quarterly_return, user=officer, entries=[row_entry(reading, figure)]
        )
        statuses[figure] = _statuses(kpi)[Q3]
    assert statuses == {
        "85.5": (Status.BELOW_TARGET, Status.BELOW_TARGET),
        "85.49": (Status.DETRIMENT, Status.DETRIMENT),
        "81": (Status.DETRIMENT, Status.DETRIMENT),
        "80.99": (Status.FAILURE, Status.FAILURE),
    }
    # Mar-19's 86% keeps the absolute thresholds it was judged by: past 87, a detriment.
    assert _statuses(kpi)[datetime.date(2019, 3, 31)] == (Status.DETRIMENT, Status.DETRIMENT)
    change = kpi.rule_changes.get()
    assert (change.previous_threshold_basis, change.previous_detriment) == ("absolute", 87)
    client.force_login(manager)
    html = client.get(kpi.get_absolute_url()).content.decode()
    assert "more than 5% below target" in html
    assert "more than 10% below target" in html


def test_a_tolerance_must_be_sound(seed, manager):
    kpi = Kpi.objects.get(contract=seed["ICT"], reference="3")
    bad = [
        ({"detriment": Decimal(-1)}, "detriment", "cannot be negative"),
        ({"detriment": Decimal("2.555")}, "detriment", "at most 2 decimal places"),
        ({"detriment": Decimal(10), "failure": Decimal(5)}, "failure", "wider"),
    ]
    for tolerances, field, words in bad:
        with pytest.raises(ValidationError) as refused:
            decisions.change_rule(
                kpi=kpi,
                effective_from=Q3,
                target=Decimal(90),
                target_strict=False,
                **{"detriment": None, "failure": None, **tolerances},
                threshold_basis="points",
                reason="Tolerances",
                user=manager,
            )
        assert words in refused.value.message_dict[field][0]


def test_the_rule_page_links_a_missing_basis_to_its_first_radio(client, seed, manager):
    kpi = _kpi(seed)
    client.force_login(manager)
    response = client.post(
        f"/contracts/PSSP/kpis/{kpi.pk}/rule/",
        {"effective_from": "2019-12-31", "target": "10", "reason": "New target"},
    )
    html = response.content.decode()
    assert 'href="#id_threshold_basis_0"' in html
    assert 'id="id_threshold_basis_0"' in html


def test_each_quarter_is_judged_in_sql_by_the_rule_then_in_force_across_two_changes(seed, manager):
    kpi = _kpi(seed)
    june_2020 = datetime.date(2020, 6, 30)
    # 14 until Sep-19; 20 from Dec-19 (Q3); 10 from Jun-20.
    _change(kpi, manager, Q3, target=Decimal(20))
    _change(kpi, manager, june_2020, target=Decimal(10))
    for end in (Q3, june_2020):
        start_return(manager, seed["PSSP"], end)
    targets = dict(
        Reading.objects.filter(kpi=kpi, period__end_date__gte=datetime.date(2019, 3, 31))
        .with_rule()
        .values_list("period__end_date", "rule_target")
    )
    assert targets == {
        datetime.date(2019, 3, 31): Decimal(14),
        datetime.date(2019, 6, 30): Decimal(14),
        datetime.date(2019, 9, 30): Decimal(14),
        Q3: Decimal(20),
        june_2020: Decimal(10),
    }
