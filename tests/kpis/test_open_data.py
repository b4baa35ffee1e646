import csv
import datetime
import io

import pytest
from django.core.management import call_command

from contracts.models import Contract
from kpis.choices import ReturnState
from kpis.models import (
    Kpi,
    MonthlyFigure,
    QuarterlyReturn,
    Reading,
    ReportingPeriod,
    Suspension,
)
from kpis.reads.open_data import open_data_lines, open_data_rows
from kpis.rules import rollup
from tests.conftest import PASSWORD
from tests.factories import make_area, make_contract, make_kpi, make_reading, make_return
from tests.kpis.monthly import add_monthly_kpis, enter_months_across_thresholds

# The published interface, as docs/api.md lists it: scripts and dashboards read these columns by
# position as well as by name. Columns are only ever added at the end.
PUBLISHED_HEADER = [
    "authority", "supplier", "contract_code", "contract_name", "service_area_code",
    "service_area_name", "kpi_reference", "kpi_description", "frequency", "unit", "direction",
    "financial_year", "quarter", "period_start", "period_end", "target", "target_strict",
    "detriment_threshold", "failure_threshold", "figure", "figure_unit", "not_measured_reason",
    "status", "would_have_been", "return_state", "commentary", "last_updated", "threshold_basis",
]  # fmt: skip
CHANGED = "The published interface changed: "

# Every reading's last change is set to this moment, 09:30 UTC, which is 10:30 in London (BST).
UPDATED = datetime.datetime(2019, 10, 14, 9, 30, tzinfo=datetime.UTC)
LAST_UPDATED = "2019-10-14T10:30:00+01:00"

# Rows checked column by column against Appendix B of the seed report (and section 4.3 for the
# commentary and reasons). Columns after period_end: target, strict, detriment, failure, figure,
# figure unit, not measured reason, status, would have been, return state, commentary.
GOLDEN = [
    # "9 Call answering (within 20 seconds) 80% 77% 74% ... Mar-19 80%": exactly on the target.
    [
        "Peterborough City Council", "Serco Limited", "ICT", "ICT Managed Service", "ICT",
        "ICT Managed Service", "9", "Call answering (within 20 seconds)", "monthly", "percent",
        "higher", "2018/19", "4", "2019-01-01", "2019-03-31", "80", "no", "77", "74", "80",
        "percent", "", "met", "", "approved", "",
    ],
    # "10 Call abandoned rate < 5% ... Jun-18 2%": a strict target, lower is better.
    [
        "Peterborough City Council", "Serco Limited", "ICT", "ICT Managed Service", "ICT",
        "ICT Managed Service", "10", "Call abandoned rate", "monthly", "percent", "lower",
        "2018/19", "1", "2018-04-01", "2018-06-30", "5", "yes", "", "", "2", "percent", "", "met",
        "", "approved", "",
    ],
    # "R&B-K-009 Debt recovery - Parking M 14.00 2.96": below a target without thresholds.
    [
        "Peterborough City Council", "Serco Limited", "PSSP",
        "Peterborough Serco Strategic Partnership", "STS", "Shared Transactional Services",
        "R&B-K-009", "Debt recovery - Parking", "monthly", "percent", "higher", "2018/19", "1",
        "2018-04-01", "2018-06-30", "14", "no", "", "", "2.96", "percent", "", "below_target", "",
        "approved", "",
    ],
    # "3 ... 90% 87% 84% ... Mar-19 86%": past the detriment threshold, short of failure; 4.4
    # explains March's misses by the new incident logging system.
    [
        "Peterborough City Council", "Serco Limited", "ICT", "ICT Managed Service", "ICT",
        "ICT Managed Service", "3", "Resolution of severity 3 incidents (2 business days)",
        "monthly", "percent", "higher", "2018/19", "4", "2019-01-01", "2019-03-31", "90", "no",
        "87", "84", "86", "percent", "", "detriment", "", "approved",
        "A new incident logging system was implemented in March; the council agreed to mitigate "
        "any failures within the month while the transition took place.",
    ],
    # "11 First point of contact fix 50% 46% 42% ... Jun-19 38%": reaches the failure threshold.
    [
        "Peterborough City Council", "Serco Limited", "ICT", "ICT Managed Service", "ICT",
        "ICT Managed Service", "11", "First point of contact fix", "monthly", "percent", "higher",
        "2019/20", "1", "2019-04-01", "2019-06-30", "50", "no", "46", "42", "38", "percent", "",
        "failure", "", "approved", "",
    ],
    # "CS-K-002 % of telephone calls answered M 83.00 80.00 86.00 81.00 88.00 85.00": Dec-18's
    # own target of 88 (the default is 83); suspended, but 85 would have been below target.
    [
        "Peterborough City Council", "Serco Limited", "PSSP",
        "Peterborough Serco Strategic Partnership", "CS", "Customer Services", "CS-K-002",
        "% of telephone calls answered", "monthly", "percent", "higher", "2018/19", "3",
        "2018-10-01", "2018-12-31", "88", "no", "", "", "85", "percent", "", "suspended",
        "below_target", "approved", "",
    ],
    # "BS-K-002 ... 97.00 Suspended": no figure after Jun-18, so it would have been missing.
    [
        "Peterborough City Council", "Serco Limited", "PSSP",
        "Peterborough Serco Strategic Partnership", "BS", "Business Support", "BS-K-002",
        "Business support tasks completed to deadline", "monthly", "percent", "higher", "2018/19",
        "2", "2018-07-01", "2018-09-30", "97", "no", "", "", "", "percent", "", "suspended",
        "missing", "approved", "",
    ],
    # "FS-K-002 ... M 90.00 Not measurable no call received", and 4.3: "no priority 1 calls".
    [
        "Peterborough City Council", "Serco Limited", "PSSP",
        "Peterborough Serco Strategic Partnership", "FSS", "Financial Systems Support", "FS-K-002",
        "Within the working hours 09:00am and 17:00pm Monday to Friday (excl public holidays) "
        "to respond to all priority 1 calls within 1 hour",
        "monthly", "percent", "higher", "2018/19", "1", "2018-04-01", "2018-06-30", "90", "no", "",
        "", "", "percent", "No call received", "not_measured", "", "approved",
        "No priority 1 calls were raised in respect of this service.",
    ],
    # "15 ... 0 failures 1 failure 2 failures ... Mar-19 100%": a percentage for a count of
    # failures, kept as printed and not judged.
    [
        "Peterborough City Council", "Serco Limited", "ICT", "ICT Managed Service", "ICT",
        "ICT Managed Service", "15", "Network availability of individual primary Council Premises",
        "monthly", "count", "lower", "2018/19", "4", "2019-01-01", "2019-03-31", "0", "no", "1",
        "2", "100", "percent", "", "not_measured", "", "approved", "",
    ],
]  # fmt: skip


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def _published(seed) -> str:
    Reading.objects.update(updated_at=UPDATED)
    out = io.StringIO()
    call_command("export_open_data", stdout=out)
    return out.getvalue()


def test_it_keeps_the_published_header(seed):
    first_line = _published(seed).split("\r\n")[0]
    assert next(csv.reader([first_line])) == PUBLISHED_HEADER, (
        CHANGED + "the open-data header is not the one docs/api.md publishes; columns may only be "
        "added at the end, and docs/api.md and this test updated with them"
    )


def test_it_writes_the_golden_rows_column_by_column(seed):
    rows = list(csv.reader(io.StringIO(_published(seed))))[1:]
    by_cell = {(r[2], r[6], r[14]): r for r in rows}
    for golden in GOLDEN:
        row = by_cell[golden[2], golden[6], golden[14]]
        assert row == [*golden, LAST_UPDATED, "absolute"], (
            CHANGED + f"the {golden[2]} {golden[6]} row of {golden[14]} is not the one checked "
            "by hand against the seed report"
        )


def test_it_writes_one_crlf_line_per_approved_reading(seed):
    text = _published(seed)
    # 22 PSSP KPIs and 19 ICT KPIs over six quarters: 132 + 114 rows, and the header.
    assert text.count("\r\n") == 1 + 246
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")


def test_it_streams_every_reading_to_a_signed_in_user(client, committee_member, seed):
    client.login(username="committee", password=PASSWORD)
    response = client.get("/open-data/readings.csv")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode()
    assert text.split("\r\n")[0] == ",".join(PUBLISHED_HEADER)
    rows = _rows(text)
    assert len(rows) == Reading.objects.count()
    suspended = [r for r in rows if r["status"] == "suspended"]
    assert suspended
    assert all(r["would_have_been"] for r in suspended)


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
                Reading(kpi=k, period=period, value=1, unit_id=k.unit_id) for k in Kpi.objects.all()
            )

    return add


def test_it_orders_the_rows_and_reads_each_quarters_own_return(db):
    # Made-up contracts whose every sort key disagrees with the next one, so that each key is seen
    # to count: authority before code, area position before area code before KPI position,
    # KPI position before id, quarter last. Each reading is stored later quarter first.
    mid = make_contract("MID", authority="Aardvark Council")
    zed = make_contract("ZED", authority="Aardvark Council")
    abc = make_contract("ABC", authority="Zebra Council")
    # Sorts first of all by authority and name, with draft returns only: never shown, and never
    # to lend its state to another contract's row.
    drafts = make_contract("DRF", authority="Aardvark Council", name="AAA draft")
    m = make_area(mid, "M", position=5)
    bb, cc, aa = (make_area(zed, "BB", position=1), make_area(zed, "CC", position=1),
                  make_area(zed, "AA", position=2))  # fmt: skip
    x = make_area(abc, "X", position=0)
    kpis = [
        make_kpi(m, "M-1"),
        make_kpi(bb, "B-late", position=2),  # created first, placed second
        make_kpi(bb, "B-early", position=1),
        make_kpi(cc, "C-1", position=0),
        make_kpi(aa, "A-1", position=0),
        make_kpi(aa, "A-2", position=0),  # the same place as A-1: created second
        make_kpi(x, "X-1"),
    ]
    for kpi in kpis:
        for end in ("2019-09-30", "2019-06-30"):
            # M-1 has no figure for Sep-19, which is not over on the day the file is asked for.
            make_reading(kpi, end, None if kpi.reference == "M-1" and end == "2019-09-30" else 95)
    for contract in (mid, zed, abc):
        for end in ("2019-06-30", "2019-09-30"):
            make_return(contract, end, state=ReturnState.APPROVED)
    # MID's earliest return, a quarter earlier than anything shown, is still a draft.
    make_return(mid, "2019-03-31", state=ReturnState.DRAFT)
    for end in ("2019-06-30", "2019-09-30"):
        make_return(drafts, end, state=ReturnState.DRAFT)

    rows = list(open_data_rows(datetime.date(2019, 9, 1)))
    lines = list(open_data_lines(datetime.date(2019, 9, 1)))

    def both(code: str, reference: str, sep_status: str = "met") -> list[tuple]:
        return [
            (code, reference, "2019-06-30", "met", "approved"),
            (code, reference, "2019-09-30", sep_status, "approved"),
        ]

    assert [(r[2], r[6], r[14], r[22], r[24]) for r in rows] == [
        *both("MID", "M-1", sep_status="not_due"),
        *both("ZED", "B-early"),
        *both("ZED", "B-late"),
        *both("ZED", "C-1"),
        *both("ZED", "A-1"),
        *both("ZED", "A-2"),
        *both("ABC", "X-1"),
    ]
    # The published file, line by line, is judged as of the same day.
    assert [r[22] for r in csv.reader(lines[1:])] == ["met", "not_due"] + ["met"] * 12


# The months file's published header, as docs/api.md and the open data page list it.
PUBLISHED_MONTHS_HEADER = [
    "contract_code", "kpi_reference", "period_end", "month_end", "figure", "not_measured_reason",
    "numerator", "denominator", "status", "would_have_been",
]  # fmt: skip


def _months(*args: str) -> list[list[str]]:
    out = io.StringIO()
    call_command("export_open_data", "--months", *args, stdout=out)
    return list(csv.reader(io.StringIO(out.getvalue())))


@pytest.fixture
def entered(seed, officer):
    add_monthly_kpis(seed["ICT"])
    return enter_months_across_thresholds(officer, seed["ICT"])


def test_it_publishes_the_months_of_approved_quarters_judged_by_their_rule(entered):
    # A quarter in progress, and so its months, is left out until it is approved.
    assert _months() == [PUBLISHED_MONTHS_HEADER]
    entered.state = ReturnState.SUBMITTED
    entered.save()
    assert _months() == [PUBLISHED_MONTHS_HEADER]
    entered.state = ReturnState.APPROVED
    entered.save()
    # CALLS (target 90, detriment 87): on the target, just short of it, and at the threshold.
    # WASTE, entered for the quarter alone, and the seed's quarters have no months.
    assert _months()[1:] == [
        ["ICT", "CALLS", "2019-12-31", "2019-10-31", "90", "", "90", "100", "met", ""],
        ["ICT", "CALLS", "2019-12-31", "2019-11-30", "89", "", "89", "100", "below_target", ""],
        ["ICT", "CALLS", "2019-12-31", "2019-12-31", "87", "", "87", "100", "detriment", ""],
    ]


def test_it_publishes_a_suspended_quarters_months_as_suspended(entered):
    Suspension.objects.create(
        kpi=Kpi.objects.get(reference="CALLS"),
        first_quarter=datetime.date(2019, 12, 31),
        reason="New telephone system.",
    )
    entered.state = ReturnState.APPROVED
    entered.save()
    assert [row[8:] for row in _months()[1:]] == [
        ["suspended", "met"],
        ["suspended", "below_target"],
        ["suspended", "detriment"],
    ]


def test_it_publishes_the_months_as_the_contracts_export_does(entered):
    entered.state = ReturnState.APPROVED
    entered.save()
    exported = io.StringIO()
    call_command("export_months", contract="ICT", stdout=exported)
    # The same months, in the same order, judged alike: the export has the service area beside
    # the contract, the open data the status a suspended month would have had.
    rows = list(csv.reader(io.StringIO(exported.getvalue())))[1:]
    assert [r[:1] + r[2:] for r in rows] == [r[:9] for r in _months()[1:]]


def test_it_streams_the_months_to_a_signed_in_user(client, committee_member, entered):
    entered.state = ReturnState.APPROVED
    entered.save()
    client.force_login(committee_member)
    response = client.get("/open-data/months.csv")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="kpi-months-' in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode()
    assert text.split("\r\n")[0] == ",".join(PUBLISHED_MONTHS_HEADER)
    assert [r["status"] for r in _rows(text)] == ["met", "below_target", "detriment"]


def test_it_keeps_the_months_from_an_anonymous_visitor(client, seed):
    for url in ("/open-data/", "/open-data/months.csv"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_it_lists_each_file_with_its_data_dictionary(client, committee_member, seed):
    client.force_login(committee_member)
    response = client.get("/open-data/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/open-data/readings.csv"' in html
    assert 'href="/open-data/months.csv"' in html
    # Every column of both files is named, in order, each with its meaning.
    for caption, header in (
        ("Columns of the KPI readings file", PUBLISHED_HEADER),
        ("Columns of the monthly figures file", PUBLISHED_MONTHS_HEADER),
    ):
        table = html[html.index(caption) : html.index("</table>", html.index(caption))]
        named = [cell.split("</code>")[0] for cell in table.split("<code>")[1:]]
        assert named == header
        assert table.count('<td class="govuk-table__cell">') == len(header)


@pytest.mark.parametrize("quarters", [1, 3])
def test_it_reads_the_months_in_four_queries_at_any_size(seed, django_assert_num_queries, quarters):
    kpis = list(add_monthly_kpis(seed["ICT"]).values())
    Suspension.objects.create(
        kpi=kpis[0], first_quarter=datetime.date(2022, 9, 30), reason="New telephone system."
    )
    for i in range(quarters):
        period = ReportingPeriod.objects.for_date(datetime.date(2021 + i, 9, 30))
        QuarterlyReturn.objects.create(
            contract=seed["ICT"], period=period, state=ReturnState.APPROVED
        )
        for kpi in kpis:
            reading = Reading.objects.create(kpi=kpi, period=period, value=1)
            MonthlyFigure.objects.bulk_create(
                MonthlyFigure(reading=reading, month_end=end, value=1)
                for end in rollup.quarter_months(period.end_date)
            )
    # The KPIs, their suspensions and rule changes, then the months.
    with django_assert_num_queries(4):
        rows = _months()[1:]
    assert len(rows) == 3 * 2 * quarters
