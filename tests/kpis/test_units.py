"""Units are data: a label and a kind that decides how figures are checked and written, shared by
every contract or one contract's own."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kpis.models import Kpi, Reading, Unit, UnitKind
from kpis.reads import display
from tests.factories import make_area, make_contract, make_kpi, make_reading, make_return

HOMES = {"label": "Number of homes improved", "kind": UnitKind.COUNT, "symbol": "homes"}


def _unit(**fields) -> Unit:
    return Unit(code="x", **{"label": "X", "kind": UnitKind.QUANTITY, **fields})


@pytest.mark.parametrize(
    ("unit", "value", "written"),
    [
        (_unit(kind=UnitKind.PERCENT, label="Percentage"), "95.8", "95.8%"),
        (_unit(kind=UnitKind.MONEY, label="Amount in pounds"), "1342000", "£1342000"),
        (_unit(kind=UnitKind.MONEY, label="Amount in pounds"), "-250.5", "-£250.50"),
        (_unit(kind=UnitKind.MONEY, label="Amount in pounds"), "3600.05", "£3600.05"),
        (_unit(label="Kilograms", symbol="kg"), "412.5", "412.5 kg"),
        (_unit(label="Tonnes", symbol="tonnes", symbol_one="tonne"), "1", "1 tonne"),
        (_unit(label="Tonnes", symbol="tonnes", symbol_one="tonne"), "2", "2 tonnes"),
        (_unit(**HOMES, symbol_one="home"), "1", "1 home"),
        (_unit(**HOMES), "1", "1 homes"),  # no singular given: the symbol as it is
        (_unit(kind=UnitKind.SCORE, label="Score"), "3.5", "3.5"),
    ],
)
def test_it_writes_a_figure_by_its_units_kind(unit, value, written):
    assert display.figure(Decimal(value), unit) == written


@pytest.mark.parametrize(
    ("unit", "value", "problem"),
    [
        (_unit(kind=UnitKind.PERCENT), "100.5", "A percentage must be between 0 and 100."),
        (_unit(**HOMES), "2.5", "A number of homes improved must be a whole number, 0 or more."),
        (_unit(**HOMES), "-1", "A number of homes improved must be a whole number, 0 or more."),
        (_unit(label="Kilograms"), "-0.1", "A figure in kilograms cannot be negative."),
        (
            _unit(kind=UnitKind.DURATION, label="Hours"),
            "-2",
            "A figure in hours cannot be negative.",
        ),
        (_unit(kind=UnitKind.MONEY), "10.005", "An amount of money has at most 2 decimal places"),
    ],
)
def test_it_checks_a_figure_by_its_units_kind(unit, value, problem):
    assert unit.figure_problem(Decimal(value), None, None).startswith(problem)


@pytest.mark.parametrize(
    ("unit", "value"),
    [
        (_unit(kind=UnitKind.PERCENT), "100"),
        (_unit(**HOMES), "0"),
        (_unit(label="Kilograms"), "0.125"),
        (_unit(kind=UnitKind.MONEY), "-10.5"),  # an overspend
    ],
)
def test_it_accepts_a_figure_its_unit_allows(unit, value):
    assert unit.figure_problem(Decimal(value), None, None) == ""


@pytest.fixture
def area(db):
    return make_area(make_contract())


def test_every_contract_shares_the_common_units(db):
    shared = set(Unit.objects.filter(contract=None).values_list("code", flat=True))
    assert {"percent", "count", "days", "score", "number", "hours", "gbp", "kg", "tonnes"} <= shared


def test_a_contract_adds_its_own_unit_which_others_do_not_see(area):
    homes = Unit.objects.create(code="homes", contract=area.contract, **HOMES)
    other = make_contract("OTHER")
    assert homes in Unit.objects.for_contract(area.contract)
    assert homes not in Unit.objects.for_contract(other)
    kpi = Kpi(
        contract=other,
        service_area=make_area(other, "X"),
        reference="H-1",
        description="Homes improved",
        frequency="quarterly",
        unit=homes,
        direction="higher",
        target=Decimal(40),
    )
    with pytest.raises(ValidationError) as refused:
        kpi.full_clean()
    assert refused.value.message_dict["unit"] == [
        "Choose a unit every contract shares, or one of this contract's."
    ]


def test_a_kpi_in_its_contracts_own_unit_is_checked_and_shown_in_it(area, client, admin_user):
    homes = Unit.objects.create(code="homes", contract=area.contract, symbol_one="home", **HOMES)
    kpi = make_kpi(area, "H-1", unit=homes, target=Decimal(40), frequency="quarterly")
    with pytest.raises(ValidationError) as refused:
        Reading(
            kpi=kpi, period=make_reading(kpi, "2023-06-30").period, value=Decimal("2.5")
        ).clean()
    assert "whole number" in refused.value.message_dict["value"][0]
    make_reading(kpi, "2023-09-30", "41")
    make_return(area.contract, "2023-09-30", state="approved")
    client.force_login(admin_user)
    html = client.get(kpi.get_absolute_url()).content.decode()
    assert "41 homes" in html
    assert "≥ 40 homes" in html
    assert "number of homes improved" in html


def test_a_kilogram_kpi_with_a_tolerance_reads_in_kilograms(area, client, admin_user):
    # Residual waste per household, lower is better: 120 kg, red beyond 10% (132 kg).
    kpi = make_kpi(
        area,
        "W-1",
        unit="kg",
        direction="lower",
        target=Decimal(120),
        failure=Decimal(10),
        threshold_basis="percent",
    )
    make_reading(kpi, "2023-06-30", "132")
    make_reading(kpi, "2023-09-30", "132.5")
    for end in ("2023-06-30", "2023-09-30"):
        make_return(area.contract, end, state="approved")
    statuses = list(
        Reading.objects.filter(kpi=kpi).with_status().order_by("period").values_list("status")
    )
    assert statuses == [("below_target",), ("failure",)]
    client.force_login(admin_user)
    html = client.get(kpi.get_absolute_url()).content.decode()
    assert "132.5 kg" in html
    assert "≤ 120 kg" in html
    assert "more than 10% above target" in html
