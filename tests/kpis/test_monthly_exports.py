"""The months beneath approved quarters as CSV: a file of its own, the readings' header unchanged."""

import csv
import io

from django.core.management import call_command

from kpis.choices import ReturnState
from kpis.reads.exports import MONTHS_HEADER, READINGS_HEADER
from kpis.writes import saving
from tests.kpis.monthly import DEC, NOV, OCT, add_monthly_kpis, month, monthly_entry
from tests.kpis.returns import reading_in, start_return


def _export(command: str) -> list[list[str]]:
    out = io.StringIO()
    call_command(command, contract="ICT", stdout=out)
    return list(csv.reader(io.StringIO(out.getvalue())))


def test_it_exports_the_months_of_approved_quarters_only(officer, seed):
    add_monthly_kpis(seed["ICT"])
    quarterly_return = start_return(officer, seed["ICT"])
    reading = reading_in(quarterly_return, "CALLS")
    entry = monthly_entry(
        reading,
        month(OCT, numerator=95, denominator=100),
        month(NOV, numerator=0, denominator=0),
        month(DEC, numerator=80, denominator=100),
    )
    saving.save_return(quarterly_return=quarterly_return, user=officer, entries=[entry])
    # A draft's months leave the product no more than its quarter does.
    assert _export("export_months") == [MONTHS_HEADER]
    quarterly_return.state = ReturnState.APPROVED
    quarterly_return.save()
    rows = _export("export_months")
    assert rows[1:] == [
        ["ICT", rows[1][1], "CALLS", "2019-12-31", "2019-10-31", "95", "", "95", "100", "met"],
        [
            "ICT",
            rows[1][1],
            "CALLS",
            "2019-12-31",
            "2019-11-30",
            "",
            "Denominator was zero",
            "0",
            "0",
            "not_measured",
        ],
        ["ICT", rows[1][1], "CALLS", "2019-12-31", "2019-12-31", "80", "", "80", "100", "failure"],
    ]
    # The quarter, recomputed from 175 of 200 calls, is in the readings' file as before.
    readings = _export("export_readings")
    assert readings[0] == READINGS_HEADER
    calls = next(row for row in readings if row[2] == "CALLS")
    assert calls[2:7] == ["CALLS", "2019-12-31", "90", "87.5", "below_target"]
