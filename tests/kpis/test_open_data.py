import csv
import datetime
import io

import pytest
from django.core.management import call_command

from contracts.models import Contract
from kpis.choices import ReturnState
from kpis.models import Kpi, QuarterlyReturn, Reading, ReportingPeriod
from kpis.open_data import OPEN_DATA_HEADER
from tests.conftest import PASSWORD


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_it_keeps_the_published_header_stable():
    # Changing this list breaks every script that reads the publication: add only at the end.
    assert OPEN_DATA_HEADER[:5] == [
        "authority",
        "supplier",
        "contract_code",
        "contract_name",
        "service_area_code",
    ]
    assert OPEN_DATA_HEADER[-3:] == ["return_state", "commentary", "last_updated"]
    assert len(OPEN_DATA_HEADER) == 27


def test_it_streams_every_reading_to_a_signed_in_user(client, committee_member, seed):
    client.login(username="committee", password=PASSWORD)
    response = client.get("/open-data/readings.csv")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode()
    assert text.splitlines()[0] == ",".join(OPEN_DATA_HEADER)
    rows = _rows(text)
    assert len(rows) == Reading.objects.count()
    suspended = [r for r in rows if r["status"] == "suspended"]
    assert suspended
    assert all(r["would_have_been"] for r in suspended)


def test_it_writes_figures_as_plain_numbers_with_the_target_in_force(seed):
    out = io.StringIO()
    call_command("export_open_data", stdout=out)
    rows = _rows(out.getvalue())
    reading = Reading.objects.filter(value__isnull=False, target_override__isnull=False).first()
    row = next(
        r
        for r in rows
        if r["kpi_reference"] == reading.kpi.reference
        and r["contract_code"] == reading.kpi.contract.code
        and r["period_end"] == reading.period.end_date.isoformat()
    )
    assert row["figure"] == format(reading.value.normalize(), "f")
    assert row["target"] == format(reading.target_override.normalize(), "f")
    assert row["financial_year"] == "2018/19"


def test_it_writes_the_file_named_on_the_command_line(seed, tmp_path):
    target = tmp_path / "readings.csv"
    call_command("export_open_data", "--output", str(target), stdout=io.StringIO())
    assert len(_rows(target.read_text(encoding="utf-8"))) == Reading.objects.count()


def test_it_stops_formulas_in_commentary(seed):
    reading = Reading.objects.first()
    reading.commentary = "=HYPERLINK(1)"
    reading.save()
    out = io.StringIO()
    call_command("export_open_data", stdout=out)
    assert "'=HYPERLINK(1)" in out.getvalue()


def test_it_sends_an_anonymous_visitor_to_sign_in(client, seed):
    response = client.get("/open-data/readings.csv")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("size", [1, 3])
def test_it_reads_the_readings_in_one_query_at_any_size(
    seed, more_open_data, django_assert_num_queries, size
):
    more_open_data(size)
    out = io.StringIO()
    with django_assert_num_queries(1):
        call_command("export_open_data", stdout=out)
    assert len(_rows(out.getvalue())) == Reading.objects.count()


@pytest.fixture
def more_open_data(seed):
    def add(quarters: int) -> None:
        for i in range(quarters):
            period = ReportingPeriod.objects.for_date(datetime.date(2021 + i, 9, 30))
            for contract in Contract.objects.all():
                QuarterlyReturn.objects.create(
                    contract=contract, period=period, state=ReturnState.APPROVED
                )
            Reading.objects.bulk_create(
                Reading(kpi=k, period=period, value=1, unit=k.unit) for k in Kpi.objects.all()
            )

    return add
