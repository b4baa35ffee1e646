"""Importing definitions again updates KPIs by reference, with a reason kept in their history; a
change of target or thresholds takes effect from a named quarter, so that earlier quarters keep
the rule they were judged by; KPIs left out of the file are left alone."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from contracts.models import ServiceArea
from kpis.imports.definitions.write import import_definitions
from kpis.models import Kpi, Reading
from kpis.rules.status import Status
from kpis.writes import opening
from tests.kpis.definition_files import definitions_state, preview_of, row, rows_of, to_csv

Q3 = datetime.date(2019, 12, 31)  # after ICT's last approved quarter, Sep-19
MAR_19 = datetime.date(2019, 3, 31)  # ICT KPI 3 printed at 86: a detriment against 90/87/84


def _ict_rows(ict, **changes_to_kpi_3: str) -> list[dict[str, str]]:
    rows = rows_of(ict)
    assert rows[2]["Reference"] == "3"
    rows[2].update(changes_to_kpi_3)
    return rows


@pytest.fixture
def ict(seed):
    return seed["ICT"]


def test_it_updates_a_kpi_by_reference_with_the_reason_in_its_history(ict, manager):
    rows = _ict_rows(
        ict, Description="Severity 3 incidents resolved in 2 business days", Notes="Reworded"
    )
    preview = preview_of(ict, manager, to_csv(rows), "ict-kpis.csv")
    changed = preview.rows[2]
    assert changed.kind == "changed"
    assert [(c.label, c.before, c.after) for c in changed.changes] == [
        (
            "Description",
            "Resolution of severity 3 incidents (2 business days)",
            "Severity 3 incidents resolved in 2 business days",
        ),
        ("Notes", "", "Reworded"),
    ]
    assert not preview.changes_rules
    written = import_definitions(preview=preview, user=manager, reason="New contract wording")
    assert [k.reference for k in written.changed] == ["3"]
    kpi = Kpi.objects.get(contract=ict, reference="3")
    assert kpi.description == "Severity 3 incidents resolved in 2 business days"
    latest = kpi.history.latest()
    assert latest.history_user == manager
    assert latest.history_change_reason == ("New contract wording (Imported from ict-kpis.csv)")
    assert not kpi.rule_changes.exists()


def test_it_asks_why_when_a_kpi_held_changes(ict, manager):
    preview = preview_of(ict, manager, to_csv(_ict_rows(ict, Notes="Reworded")))
    before = definitions_state()
    with pytest.raises(ValidationError) as refused:
        import_definitions(preview=preview, user=manager, reason="  ")
    assert refused.value.message_dict == {"reason": ["Say why the KPIs are changing"]}
    assert definitions_state() == before


def test_it_changes_thresholds_from_the_quarter_named(ict, manager, officer):
    rows = _ict_rows(ict, Target="85", **{"Detriment threshold": "80", "Failure threshold": "75"})
    preview = preview_of(ict, manager, to_csv(rows))
    assert preview.changes_rules
    with pytest.raises(ValidationError) as refused:
        import_definitions(preview=preview, user=manager, reason="Renegotiated")
    assert "effective_from" in refused.value.message_dict
    import_definitions(
        preview=preview_of(ict, manager, to_csv(rows)),
        user=manager,
        reason="Renegotiated",
        effective_from=Q3,
    )
    kpi = Kpi.objects.prefetch_related("rule_changes").get(contract=ict, reference="3")
    assert (kpi.target, kpi.detriment, kpi.failure) == (Decimal(85), Decimal(80), Decimal(75))
    (change,) = kpi.rule_changes.all()
    assert (change.effective_from, change.reason, change.changed_by) == (
        Q3,
        "Renegotiated",
        manager,
    )
    # Mar-19 is judged as it was: 86 against 90 / 87 / 84 is a detriment.
    assert kpi.rule_for(MAR_19).target == Decimal(90)
    mar_19 = Reading.objects.select_related("kpi", "period").get(kpi=kpi, period__end_date=MAR_19)
    mar_19.kpi = kpi
    assert mar_19.evaluate().status == Status.DETRIMENT
    # The same 86 in the quarter named meets the new target of 85.
    quarterly_return = opening.open_return(contract=ict, end_date=Q3, user=officer)
    dec_19 = Reading(kpi=kpi, period=quarterly_return.period, value=Decimal(86))
    assert dec_19.evaluate().status == Status.MET


def test_it_refuses_a_new_rule_reaching_an_approved_quarter(ict, manager):
    rows = _ict_rows(ict, Target="95")
    before = definitions_state()
    with pytest.raises(ValidationError) as refused:
        import_definitions(
            preview=preview_of(ict, manager, to_csv(rows)),
            user=manager,
            reason="Renegotiated",
            effective_from=datetime.date(2019, 9, 30),
        )
    assert "approved and locked" in refused.value.messages[0]
    assert definitions_state() == before


def test_it_leaves_alone_a_kpi_left_out_and_adds_a_new_one(ict, manager, officer):
    quarterly_return = opening.open_return(contract=ict, end_date=Q3, user=officer)
    rows = [r for r in rows_of(ict) if r["Reference"] != "19"]
    new = row(reference="20", service_area_code="ICT", service_area_name="", target="95")
    preview = preview_of(ict, manager, to_csv([*rows, new]))
    assert [k.reference for k in preview.absent] == ["19"]
    assert preview.rows[-1].kind == "new"
    assert not preview.needs_reason, "adding a KPI changes none held"
    written = import_definitions(preview=preview, user=manager)
    (added,) = written.added
    assert added.service_area == ServiceArea.objects.get(contract=ict, code="ICT")
    assert added.target == Decimal(95)
    assert added.history.latest().history_change_reason == "Imported from kpis.csv"
    assert Kpi.objects.filter(contract=ict, reference="19").exists()
    # A new KPI joins the open return, with an empty row.
    assert Reading.objects.filter(kpi=added, period=quarterly_return.period).exists()


def test_it_creates_a_new_service_area_once_for_its_kpis(ict, manager):
    content = to_csv([row(reference="W-1"), row(reference="W-2", service_area_name="")])
    written = import_definitions(preview=preview_of(ict, manager, content), user=manager)
    (area,) = written.areas
    assert (area.code, area.name) == ("NEW", "New area")
    assert {k.service_area_id for k in written.added} == {area.pk}
    assert [k.position for k in written.added] == [1, 2]


def test_it_changes_thresholds_to_tolerances_from_the_quarter_named(ict, manager):
    rows = _ict_rows(
        ict,
        **{"Detriment threshold": "3", "Failure threshold": "6", "Threshold basis": "% of target"},
    )
    preview = preview_of(ict, manager, to_csv(rows))
    assert [(c.label, c.before, c.after) for c in preview.rows[2].changes] == [
        ("Detriment threshold", "87", "3"),
        ("Failure threshold", "84", "6"),
        ("Threshold basis", "Figures", "% of target"),
    ]
    import_definitions(preview=preview, user=manager, reason="Tolerances", effective_from=Q3)
    kpi = Kpi.objects.prefetch_related("rule_changes").get(contract=ict, reference="3")
    assert kpi.threshold_basis == "percent"
    assert kpi.rule_changes.get().previous_threshold_basis == "absolute"
    assert kpi.rule_for(MAR_19).detriment == Decimal(87)
