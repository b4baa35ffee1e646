"""A KPI without a target is data only: its figures are shown and charted with the status "Data
only", counted beside the measured and never among them, and it may leave its direction empty;
one with a target may not. The definitions import reads and writes the life span's columns."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kpis.choices import ReturnState
from kpis.imports.definitions.template import template_csv
from kpis.imports.definitions.write import import_definitions
from kpis.models import Kpi, ReportingPeriod
from kpis.permissions.sight import PUBLIC
from kpis.reads.charts import describe, trend_svg
from kpis.reads.grid import build_grid
from kpis.reads.scorecard import scorecard
from kpis.reads.summary import summarise_contract
from kpis.rules.status import Status
from tests.factories import make_area, make_contract, make_kpi, make_reading, make_return
from tests.kpis.definition_files import preview_of, row, rows_of, to_csv

TODAY = datetime.date(2024, 8, 1)
QUARTERS = ["2023-12-31", "2024-03-31"]


@pytest.fixture
def contract(db):
    return make_contract("DATA", start_date=datetime.date(2023, 4, 1))


@pytest.fixture
def register(contract):
    """Households on the housing register: counted each quarter, with no target to meet."""
    area = make_area(contract)
    judged = make_kpi(area, "JUDGED")
    register = make_kpi(area, "REG", direction="", target=None, unit="score")
    for end in QUARTERS:
        make_return(contract, end, state=ReturnState.APPROVED)
        make_reading(judged, end, 95)
    make_reading(register, QUARTERS[0], 254)
    make_reading(register, QUARTERS[1], 260)
    return register


def test_it_saves_a_data_only_kpi_without_a_direction(register):
    register.full_clean()
    register.refresh_from_db()
    assert register.direction == ""
    assert register.is_data_only


def test_it_refuses_a_target_or_thresholds_without_a_direction(register):
    register.target = Decimal(250)
    with pytest.raises(ValidationError) as caught:
        register.full_clean()
    assert caught.value.message_dict["direction"] == [
        "Say whether higher or lower is better: a KPI with a target or thresholds needs a "
        "direction."
    ]
    register.target, register.failure = None, Decimal(300)
    with pytest.raises(ValidationError) as caught:
        register.full_clean()
    assert "direction" in caught.value.message_dict
    with transaction.atomic(), pytest.raises(IntegrityError):
        Kpi.objects.filter(pk=register.pk).update(target=Decimal(250))


def test_it_shows_a_data_only_figure_and_counts_it_apart(contract, register):
    periods = list(ReportingPeriod.objects.for_contract(contract))
    rows = {
        r.kpi.reference: r
        for r in build_grid(Kpi.objects.for_contract(contract), periods, TODAY, sight=PUBLIC)
    }
    cells = rows["REG"].cells
    assert [c.status for c in cells] == [Status.DATA_ONLY, Status.DATA_ONLY]
    assert [c.figure_text for c in cells] == ["254", "260"]
    assert cells[0].status_label == "Data only"
    # Never "no target", never "not measured".
    assert cells[0].target_label == "Data only"
    assert cells[0].note == ""

    counts = summarise_contract(contract, periods, TODAY)
    quarter = counts[(register.service_area_id, periods[0].pk)]
    assert (quarter.measured, quarter.met, quarter.data_only) == (1, 1, 1)
    assert quarter.not_measured == quarter.missing == 0
    card = scorecard(contract, periods, TODAY, sight=PUBLIC)
    assert (card.total.measured, card.total.met, card.total.data_only) == (2, 2, 2)

    # Charted as figures, joined into a trend, with no failure zones to fall into.
    chart = trend_svg(cells)
    assert "<polyline" in chart
    assert "zone" not in chart
    assert "Dec-23: 254, Data only." in describe(cells)
    # In words, data only rather than "measured in 0, target met in 0".
    assert "Data only: the figures are shown, never judged against a target." in describe(cells)
    assert "Measured in" not in describe(cells)
    assert "Measured in 2, target met in 2." in describe(rows["JUDGED"].cells)


def test_it_shows_data_only_on_the_kpi_table_and_page(client, admin_user, contract, register):
    client.force_login(admin_user)
    table = client.get(f"/contracts/{contract.code}/kpis/").content.decode()
    assert "Data only" in table
    assert "no target" not in table
    page = client.get(register.get_absolute_url()).content.decode()
    assert "None: data only" in page
    # The chart's caption promises no target line it does not draw.
    assert "Figures (blue), data only: no target to draw" in page
    assert "against the target (dashed line)" not in page
    assert "From the contract&#x27;s start" in page


def test_it_round_trips_the_life_span_and_a_blank_direction(contract, admin_user):
    make_area(contract, "NEW")
    content = to_csv(
        [
            row(reference="SPAN", measured_from="Jun 2023", retired_after="31/03/2024"),
            row(
                reference="REG",
                direction="",
                target="",
                unit="Number of failures",
                measured_from="2023-09-30",
            ),
        ]
    )
    preview = preview_of(contract, admin_user, content)
    assert preview.ok, preview.problems
    import_definitions(preview=preview, user=admin_user)
    span = Kpi.objects.get(contract=contract, reference="SPAN")
    assert (span.measured_from, span.retired_after) == (
        datetime.date(2023, 6, 30),
        datetime.date(2024, 3, 31),
    )
    reg = Kpi.objects.get(contract=contract, reference="REG")
    assert (reg.direction, reg.target, reg.measured_from) == ("", None, datetime.date(2023, 9, 30))
    written = {r["Reference"]: r for r in rows_of(contract)}
    assert (written["SPAN"]["Measured from"], written["SPAN"]["Retired after"]) == (
        "2023-06-30",
        "2024-03-31",
    )
    assert (written["REG"]["Direction"], written["REG"]["Measured from"]) == ("", "2023-09-30")
    # Sent back as written, it changes nothing.
    again = preview_of(contract, admin_user, template_csv(contract).encode())
    assert {r.kind for r in again.rows} == {"unchanged"}


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ({"direction": ""}, "Direction", "a KPI with a target or thresholds needs a direction"),
        ({"measured_from": "Jul 2023"}, "Measured from", "is not the last month of a quarter"),
        ({"measured_from": "2023-07-31"}, "Measured from", "A quarter ends on 30 June"),
        ({"retired_after": "soon"}, "Retired after", "'soon' is not a quarter"),
        (
            {"measured_from": "Mar 2024", "retired_after": "Dec 2023"},
            "Retired after",
            "The last quarter measured cannot be before the first.",
        ),
    ],
)
def test_it_refuses_a_bad_life_span_or_a_target_without_direction(
    contract, admin_user, cells, column, message
):
    preview = preview_of(contract, admin_user, to_csv([row(**cells)]))
    assert not preview.ok
    problems = preview.rows[0].problems
    assert any(c == column and message in m for c, m in problems), problems
