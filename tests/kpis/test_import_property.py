"""Random rows fed to the importer: it never fails with an error of its own, and either writes
every row or nothing at all; and any figure printed as documents print it reads back as itself."""

import csv
import io
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpis.imports.parse import COLUMNS
from kpis.imports.write import import_readings, prepare_import
from kpis.models import Reading, Unit
from kpis.models.unit import SHARED_UNITS
from kpis.rules.numbers import grouped
from tests.kpis.import_files import OPEN_QUARTER, database_state

REFERENCES = ["1", "2", "3", "8", "13", "19", "99", "", "s13"]
figures = st.one_of(
    st.sampled_from(["", "0", "1", "2.5", "90", "100", "100.5", "-1", "95%", "1e3", "NaN", "x"]),
    st.decimals(allow_nan=False, allow_infinity=False, places=5).map(str),
    st.text(max_size=8),
)
rows = st.fixed_dictionaries(
    {
        "Contract": st.sampled_from(["ICT", "", "PSSP"]),
        "Quarter end": st.sampled_from([OPEN_QUARTER.isoformat(), "", "2019-09-30", "soon"]),
        "KPI reference": st.sampled_from(REFERENCES),
        "Description": st.text(max_size=10),
        "Unit": st.just(""),
        "Target": st.just(""),
        "Figure": figures,
        "Not measured": st.sampled_from(["", "yes", "no", "maybe"]),
        "Reason not measured": st.sampled_from(["", "no survey", "x" * 201]),
        "Commentary": st.sampled_from(["", "Recovery plan", "=SUM(A1)"]),
    }
)


def _csv(body: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(body)
    return out.getvalue().encode()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=st.lists(rows, min_size=1, max_size=6))
def test_it_writes_all_rows_or_none(seed, officer, body):
    contract = seed["ICT"]
    before = database_state()
    preview = prepare_import(
        contract=contract,
        end_date=OPEN_QUARTER,
        user=officer,
        content=_csv(body),
        filename="random.csv",
        today=OPEN_QUARTER,
    )
    if not preview.ok:
        assert preview.problems
        assert database_state() == before
        return
    import_readings(preview=preview, user=officer)
    held = {
        r.kpi.reference: r
        for r in Reading.objects.filter(
            kpi__contract=contract, period__end_date=OPEN_QUARTER
        ).select_related("kpi")
    }
    for row in preview.rows:
        reading = held[row.kpi.reference]
        assert (reading.value, reading.not_measured_reason, reading.commentary) == (
            row.value,
            row.not_measured_reason,
            row.commentary,
        )


# Any figure printed as documents print it, its thousands separated and its unit written as
# `Unit.write` writes it (95%, £1,234.5, 1,150 tonnes, 1 failure), reads back as itself.
printable = st.decimals(
    min_value=Decimal("-99999999.9999"),
    max_value=Decimal("99999999.9999"),
    places=4,
    allow_nan=False,
    allow_infinity=False,
)


@settings(max_examples=300, deadline=None)
@given(value=printable, shared=st.sampled_from(SHARED_UNITS))
def test_a_figure_printed_with_separators_and_its_unit_reads_back(value, shared):
    code, label, kind, symbol, symbol_one = shared
    unit = Unit(code=code, label=label, kind=kind, symbol=symbol, symbol_one=symbol_one)
    printed = unit.write(grouped(value), value)
    assert unit.read_figure(printed) == value
    # Spreadsheets and people also write the sign after a currency, and space before a unit.
    assert unit.read_figure(printed.replace("%", " %")) == value


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    percent=st.decimals(min_value=0, max_value=100, places=2),
    failures=st.integers(min_value=0, max_value=99_999_999),
)
def test_the_import_reads_printed_figures_back_as_themselves(seed, officer, percent, failures):
    contract = seed["ICT"]
    body = [
        {**_blank_row("3"), "Figure": f"{grouped(percent)}%"},
        {**_blank_row("1"), "Figure": f"{grouped(Decimal(failures))} failures"},
    ]
    preview = prepare_import(
        contract=contract,
        end_date=OPEN_QUARTER,
        user=officer,
        content=_csv(body),
        filename="printed.csv",
        today=OPEN_QUARTER,
    )
    assert preview.ok, preview.problems
    assert [row.value for row in preview.rows] == [percent, failures]


def _blank_row(reference: str) -> dict[str, str]:
    return {**dict.fromkeys(COLUMNS, ""), "Contract": "ICT", "KPI reference": reference}
