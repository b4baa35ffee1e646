"""A KPI's life span: outside it a quarter is not in force, judged so in Python and in SQL,
counted nowhere, never offered for entry, and refused by the imports; the bounding quarters are
judged as usual."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from contracts.models import Assignment
from contracts.roles import Role
from kpis.choices import ReturnState
from kpis.imports.preview import build_preview
from kpis.models import Kpi, QuarterlyReturn, Reading, ReportingPeriod, Suspension
from kpis.permissions.sight import PUBLIC
from kpis.reads.grid import build_grid
from kpis.reads.open_data import open_data_rows
from kpis.reads.scorecard import scorecard
from kpis.reads.summary import summarise_contract
from kpis.rules.status import Status
from kpis.writes import opening, saving, workflow
from tests.factories import make_area, make_contract, make_kpi, make_reading, make_return
from tests.kpis.import_files import rows_of, to_csv

TODAY = datetime.date(2024, 8, 1)
BEFORE, FIRST, LAST, AFTER = "2023-06-30", "2023-09-30", "2024-03-31", "2024-06-30"
QUARTERS = [BEFORE, FIRST, "2023-12-31", LAST, AFTER]


@pytest.fixture
def contract(db):
    return make_contract("LIFE", start_date=datetime.date(2023, 4, 1))


@pytest.fixture
def kpis(contract):
    area = make_area(contract)
    spanned = make_kpi(
        area,
        "SPAN",
        measured_from=datetime.date.fromisoformat(FIRST),
        retired_after=datetime.date.fromisoformat(LAST),
    )
    always = make_kpi(area, "ALWAYS")
    return spanned, always


@pytest.fixture
def approved(contract, kpis):
    """Every quarter approved, each KPI with a figure that meets its target, 95 against 90."""
    for end in QUARTERS:
        make_return(contract, end, state=ReturnState.APPROVED)
        for kpi in kpis:
            make_reading(kpi, end, 95)
    return kpis


def _statuses_in_python(kpi: Kpi) -> list[str]:
    readings = Reading.objects.filter(kpi=kpi).select_related("kpi", "period").order_by("period")
    return [r.evaluate(TODAY).status for r in readings]


def _statuses_in_sql(kpi: Kpi) -> list[str]:
    readings = Reading.objects.filter(kpi=kpi).with_status(TODAY).order_by("period__end_date")
    return [r.status for r in readings]


def test_it_judges_a_kpi_not_in_force_before_and_after_its_life_span(approved):
    spanned, always = approved
    # The quarter before `measured_from` and the one after `retired_after` are not in force;
    # the bounding quarters themselves are judged as usual.
    expected = [Status.NOT_IN_FORCE, Status.MET, Status.MET, Status.MET, Status.NOT_IN_FORCE]
    assert _statuses_in_python(spanned) == expected
    assert _statuses_in_sql(spanned) == expected
    assert _statuses_in_sql(always) == [Status.MET] * 5


def test_it_puts_not_in_force_before_a_suspension_and_a_missing_figure(contract, kpis):
    spanned, _ = kpis
    Suspension.objects.create(kpi=spanned, first_quarter=BEFORE, reason="System replaced")
    for end in (BEFORE, FIRST, AFTER):
        make_reading(spanned, end)
    # Empty, due and over: missing inside the span, not in force outside it, and a suspension
    # changes nothing outside it (nor says what it would have been).
    python = [(r.status, r.would_have_been) for r in _evaluations(spanned)]
    sql = [
        (r.status, r.would_have_been)
        for r in Reading.objects.filter(kpi=spanned).with_status(TODAY).order_by("period")
    ]
    expected = [
        (Status.NOT_IN_FORCE, None),
        (Status.SUSPENDED, Status.MISSING),
        (Status.NOT_IN_FORCE, None),
    ]
    assert python == expected
    assert sql == expected


def _evaluations(kpi):
    readings = (
        Reading.objects.filter(kpi=kpi)
        .select_related("kpi", "period")
        .prefetch_related("kpi__suspensions", "kpi__rule_changes")
        .order_by("period")
    )
    return [r.evaluate(TODAY) for r in readings]


def test_it_counts_a_quarter_not_in_force_nowhere(contract, approved):
    spanned, _ = approved
    periods = list(ReportingPeriod.objects.for_contract(contract))
    rows = {
        row.kpi.reference: row
        for row in build_grid(Kpi.objects.for_contract(contract), periods, TODAY, sight=PUBLIC)
    }
    cells = rows["SPAN"].cells
    assert [c.status for c in cells] == [
        Status.NOT_IN_FORCE,
        Status.MET,
        Status.MET,
        Status.MET,
        Status.NOT_IN_FORCE,
    ]
    # The figure held from before the life span was set is shown, judged not in force.
    assert cells[0].figure_text == "95%"
    assert cells[0].target_label == ""
    assert cells[0].note == "SPAN is measured from the quarter ending 30 September 2023."
    assert cells[-1].note == "SPAN was retired after the quarter ending 31 March 2024."
    assert cells[-1].status_label == "Not in force"

    counts = summarise_contract(contract, periods, TODAY)
    area = spanned.service_area_id
    first, after = periods[0].pk, periods[-1].pk
    # Only ALWAYS is counted outside the span; both inside it.
    assert (counts[(area, first)].measured, counts[(area, first)].met) == (1, 1)
    assert (counts[(area, after)].measured, counts[(area, after)].met) == (1, 1)
    assert (counts[(area, periods[1].pk)].measured, counts[(area, periods[1].pk)].met) == (2, 2)
    assert counts[(area, first)].missing == counts[(area, first)].not_measured == 0

    card = scorecard(contract, periods, TODAY, sight=PUBLIC)
    assert [c and c.measured for c in card.period_totals] == [1, 2, 2, 2, 1]
    assert card.total.measured == card.total.met == 8

    statuses = {(r[6], r[14]): r[22] for r in open_data_rows(TODAY) if r[2] == "LIFE"}
    assert statuses["SPAN", BEFORE] == statuses["SPAN", AFTER] == "not_in_force"
    assert statuses["SPAN", FIRST] == statuses["ALWAYS", BEFORE] == "met"


def test_it_shows_a_cell_not_in_force_even_with_no_reading(contract, kpis):
    spanned, _ = kpis
    make_return(contract, BEFORE, state=ReturnState.APPROVED)
    periods = list(ReportingPeriod.objects.for_contract(contract))
    rows = build_grid(Kpi.objects.filter(pk=spanned.pk), periods, TODAY, sight=PUBLIC)
    # Not "no reading" or "missing": the KPI was not measured yet.
    assert rows[0].cells[0].status == Status.NOT_IN_FORCE


@pytest.fixture
def officer(django_user_model, contract):
    user = django_user_model.objects.create_user(username="officer", password="x")
    user.groups.add(Group.objects.get_or_create(name=Role.OFFICER.value)[0])
    Assignment.objects.create(user=user, contract=contract)
    return user


def test_it_opens_a_return_without_a_row_for_a_kpi_not_in_force(contract, kpis, officer):
    _, always = kpis
    for end in (BEFORE, FIRST, AFTER):
        day = datetime.date.fromisoformat(end)
        quarterly_return = opening.open_return(contract=contract, end_date=day, user=officer)
        held = set(
            Reading.objects.filter(period=quarterly_return.period).values_list(
                "kpi__reference", flat=True
            )
        )
        assert held == ({"SPAN", "ALWAYS"} if end == FIRST else {"ALWAYS"}), end
    # Submitting the quarter before asks nothing of the KPI not in force.
    before = QuarterlyReturn.objects.get(contract=contract, period__end_date=BEFORE)
    problems = workflow.incomplete_rows(before)
    assert [kpi_id for kpi_id, _, _ in problems] == [always.pk]


def test_it_refuses_a_figure_entered_for_a_quarter_not_in_force(contract, kpis, officer):
    spanned, _ = kpis
    day = datetime.date.fromisoformat(BEFORE)
    quarterly_return = opening.open_return(contract=contract, end_date=day, user=officer)
    entry = saving.RowEntry(kpi_id=spanned.pk, version=None, value=Decimal(95))
    saved = saving.save_draft(quarterly_return=quarterly_return, user=officer, entries=[entry])
    assert saved.written == []
    assert saved.problems[spanned.pk]["value"] == (
        "SPAN is measured from the quarter ending 30 September 2023. It is not in force this "
        "quarter: nothing can be entered for it."
    )
    assert not Reading.objects.filter(kpi=spanned).exists()


@pytest.mark.parametrize("entered", ["SPAN", "ALWAYS"])
def test_it_gives_a_row_on_saving_to_a_kpi_brought_into_force_since_the_return_opened(
    contract, kpis, officer, entered
):
    spanned, always = kpis
    day = datetime.date.fromisoformat(BEFORE)
    quarterly_return = opening.open_return(contract=contract, end_date=day, user=officer)
    Kpi.objects.filter(pk=spanned.pk).update(measured_from=day)
    kpi = spanned if entered == "SPAN" else always
    version = None if kpi == spanned else Reading.objects.get(kpi=always).version
    entry = saving.RowEntry(kpi_id=kpi.pk, version=version, value=Decimal(95))
    saved = saving.save_return(quarterly_return=quarterly_return, user=officer, entries=[entry])
    assert [reading.kpi_id for reading in saved] == [kpi.pk]
    # Whichever row was entered, the KPI now in force has its row, empty where nothing was.
    row = Reading.objects.get(kpi=spanned, period__end_date=day)
    assert row.value == (Decimal(95) if entered == "SPAN" else None)


def test_it_leaves_a_kpi_not_in_force_out_of_the_import_template_and_refuses_its_figure(
    contract, kpis, officer
):
    day = datetime.date.fromisoformat(BEFORE)
    assert [r["KPI reference"] for r in rows_of(contract, day)] == ["ALWAYS"]
    rows = rows_of(contract, day)
    rows.append({**rows[0], "KPI reference": "SPAN", "Figure": "95"})
    rows[0]["Figure"] = "91"
    preview = build_preview(
        contract=contract,
        end_date=day,
        user=officer,
        content=to_csv(rows),
        filename="figures.csv",
        today=TODAY,
    )
    assert preview.problems == [
        (
            3,
            "SPAN is measured from the quarter ending 30 September 2023. It is not in force "
            "this quarter: nothing can be entered for it.",
        )
    ]


def test_it_asks_for_a_life_span_of_quarter_ends_in_order(contract, kpis):
    spanned, _ = kpis
    spanned.measured_from = datetime.date(2023, 8, 31)
    spanned.retired_after = datetime.date(2023, 6, 30)
    with pytest.raises(ValidationError) as caught:
        spanned.full_clean()
    errors = caught.value.message_dict
    assert errors["measured_from"] == [
        "A quarter ends on 30 June, 30 September, 31 December or 31 March."
    ]
    spanned.measured_from = datetime.date(2023, 9, 30)
    with pytest.raises(ValidationError) as caught:
        spanned.full_clean()
    assert caught.value.message_dict["retired_after"] == [
        "The last quarter measured cannot be before the first."
    ]
    # Before the contract's start: the rule every quarter of a contract keeps to.
    spanned.measured_from, spanned.retired_after = datetime.date(2022, 12, 31), None
    with pytest.raises(ValidationError) as caught:
        spanned.full_clean()
    assert caught.value.message_dict["measured_from"] == [
        "That quarter ends before the contract started."
    ]
    # The database holds the order too.
    with transaction.atomic(), pytest.raises(IntegrityError):
        Kpi.objects.filter(pk=spanned.pk).update(
            measured_from=datetime.date(2024, 3, 31), retired_after=datetime.date(2023, 6, 30)
        )


def test_it_lists_a_kpi_not_in_force_apart_on_the_return_page(client, contract, kpis, officer):
    spanned, always = kpis
    day = datetime.date.fromisoformat(BEFORE)
    opening.open_return(contract=contract, end_date=day, user=officer)
    client.force_login(officer)
    page = client.get(f"/contracts/{contract.code}/returns/{BEFORE}/").content.decode()
    assert "Not in force this quarter" in page
    assert "SPAN is measured from the quarter ending 30 September 2023." in page
    # Offered for entry: the KPI in force only.
    assert f'name="kpi-{always.pk}-value"' in page
    assert f'name="kpi-{spanned.pk}-value"' not in page
