"""Random rows fed to the importer: it never fails with an error of its own, and either writes
every row or nothing at all."""

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpis.imports.parse import COLUMNS
from kpis.imports.write import import_readings, prepare_import
from kpis.models import Reading
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
