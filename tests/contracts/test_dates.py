"""The one rule for dates people give (contracts.dates): near today, and a quarter inside its
contract's term, extensions included."""

import datetime

import pytest

from contracts.dates import date_out_of_range, quarter_out_of_range
from contracts.models import Contract

TODAY = datetime.date(2026, 12, 4)


@pytest.mark.parametrize(
    ("day", "refused"),
    [
        (datetime.date(1976, 1, 1), False),
        (datetime.date(1975, 12, 31), True),
        (datetime.date(2076, 12, 31), False),
        (datetime.date(2077, 1, 1), True),
        (datetime.date(9999, 12, 31), True),
        (datetime.date(1, 6, 30), True),
        (None, False),
    ],
)
def test_it_takes_dates_within_fifty_years_of_today(day, refused):
    problem = date_out_of_range(day, today=TODAY)
    assert bool(problem) == refused
    if refused:
        assert problem == (
            "Enter a date between 1 January 1976 and 31 December 2076: this one is more than "
            "50 years from today."
        )


def test_it_takes_the_quarters_of_a_contracts_term_and_its_extensions(db):
    contract = Contract.objects.create(
        code="T",
        name="T",
        authority="A",
        supplier="S",
        start_date=datetime.date(2015, 5, 1),
        end_date=datetime.date(2020, 3, 31),
    )
    assert quarter_out_of_range(contract, datetime.date(2015, 3, 31), today=TODAY) == (
        "That quarter ends before the contract started."
    )
    assert quarter_out_of_range(contract, datetime.date(2015, 6, 30), today=TODAY) == ""
    assert quarter_out_of_range(contract, datetime.date(2020, 3, 31), today=TODAY) == ""
    assert quarter_out_of_range(contract, datetime.date(2020, 6, 30), today=TODAY) == (
        "That quarter begins after the contract ends (31 March 2020)."
    )
    contract.extensions.create(
        start_date=datetime.date(2020, 4, 1), end_date=datetime.date(2020, 8, 15)
    )
    # The quarter the extension ends in is the contract's last.
    assert quarter_out_of_range(contract, datetime.date(2020, 9, 30), today=TODAY) == ""
    assert quarter_out_of_range(contract, datetime.date(2020, 12, 31), today=TODAY) != ""


def test_it_holds_a_contract_without_dates_to_the_years_around_today(db):
    contract = Contract.objects.create(code="T", name="T", authority="A", supplier="S")
    assert quarter_out_of_range(contract, datetime.date(2040, 3, 31), today=TODAY) == ""
    assert "more than 50 years" in quarter_out_of_range(
        contract, datetime.date(9999, 12, 31), today=TODAY
    )
