"""Importing a monthly KPI's months: month rows of the readings template, checked row by row,
saved with the quarter's figure rolled up from them by the return page's own service."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from kpis.choices import Frequency, ReturnState
from kpis.imports.parse import COLUMNS
from kpis.imports.template import template_csv, template_xlsx
from kpis.imports.write import import_readings, prepare_import
from kpis.models import MonthlyFigure, QuarterlyReturn, Reading
from tests.conftest import PASSWORD
from tests.factories import make_kpi
from tests.kpis.import_files import OPEN_QUARTER, database_state, rows_of, to_csv
from tests.kpis.monthly import DEC, NOV, OCT, add_monthly_kpis

UPLOAD = "/contracts/ICT/import/"
CONFIRM = "/contracts/ICT/import/confirm/"
SOURCE = "ICT contract monitoring report, February 2020"

# Calls answered of calls offered: 150 of 210 over the quarter, 71.4286% (not the mean of the
# monthly rates, 80%). Waste added up, December not weighed: 210 tonnes.
MONTHS = {
    ("CALLS", "Oct 2019"): {"Numerator": "90", "Denominator": "100"},
    ("CALLS", "Nov 2019"): {"Numerator": "10", "Denominator": "10"},
    ("CALLS", "Dec 2019"): {"Numerator": "50", "Denominator": "100"},
    ("CALLS", ""): {"Commentary": "Staffing recovered in December"},
    ("WASTE", "Oct 2019"): {"Figure": "100"},
    ("WASTE", "Nov 2019"): {"Figure": "110 tonnes"},
    ("WASTE", "Dec 2019"): {"Not measured": "yes", "Reason not measured": "weighbridge broken"},
}


@pytest.fixture
def monthly(seed):
    kpis = add_monthly_kpis(seed["ICT"])
    area = seed["ICT"].service_areas.first()
    kpis["QTR"] = make_kpi(area, "QTR", frequency=Frequency.QUARTERLY)
    return seed["ICT"]


@pytest.fixture
def signed_in(client, officer):
    client.login(username="officer", password=PASSWORD)
    return client


def _rows(contract, changes=None, extra=()) -> list[dict[str, str]]:
    """The CSV template with its month rows, cells changed by (KPI reference, Month)."""
    rows = rows_of(contract, months=True)
    for row in rows:
        row.update((changes or {}).get((row["KPI reference"], row["Month"]), {}))
    return [*rows, *extra]


def _line(rows, reference: str, month: str = "") -> int:
    found = [
        i for i, r in enumerate(rows) if (r["KPI reference"], r["Month"]) == (reference, month)
    ]
    # The header is line 1.
    return found[0] + 2


def _upload(client, content: bytes, **fields):
    data = {"quarter": OPEN_QUARTER.isoformat(), "file": SimpleUploadedFile("m.csv", content)}
    return client.post(UPLOAD, {**data, **fields})


def _reading(reference: str) -> Reading:
    return Reading.objects.get(
        kpi__contract__code="ICT", kpi__reference=reference, period__end_date=OPEN_QUARTER
    )


def _months(reference: str) -> list[tuple]:
    return list(
        MonthlyFigure.objects.filter(
            reading__kpi__reference=reference, reading__period__end_date=OPEN_QUARTER
        )
        .order_by("month_end")
        .values_list("month_end", "value", "not_measured_reason", "numerator", "denominator")
    )


def _import(contract, user, content: bytes, **options):
    preview = prepare_import(
        contract=contract,
        end_date=OPEN_QUARTER,
        user=user,
        content=content,
        filename="m.csv",
        today=OPEN_QUARTER,
        **options,
    )
    assert preview.ok, preview.problems
    return preview, import_readings(preview=preview, user=user)


def _state() -> tuple:
    return (
        database_state(),
        sorted(MonthlyFigure.objects.values_list("id", "value")),
        (MonthlyFigure.history.count()),
    )


def _assert_rolled_up():
    calls = _reading("CALLS")
    assert (calls.value, calls.commentary) == (
        Decimal("71.4286"),
        "Staffing recovered in December",
    )
    assert [(m[0], m[1], m[3], m[4]) for m in _months("CALLS")] == [
        (OCT, Decimal(90), Decimal(90), Decimal(100)),
        (NOV, Decimal(100), Decimal(10), Decimal(10)),
        (DEC, Decimal(50), Decimal(50), Decimal(100)),
    ]
    waste = _reading("WASTE")
    assert (waste.value, waste.not_measured_reason) == (Decimal(210), "")
    assert _months("WASTE") == [
        (OCT, Decimal(100), "", None, None),
        (NOV, Decimal(110), "", None, None),
        (DEC, None, "weighbridge broken", None, None),
    ]


def test_months_imported_through_the_page_roll_up_to_the_quarter(signed_in, monthly):
    before = _state()
    preview = _upload(signed_in, to_csv(_rows(monthly, MONTHS)))
    html = preview.content.decode()
    assert preview.status_code == 200, html
    # Each month with its figure (worked out from its parts) and the quarter it rolls up to.
    assert "October 2019" in html
    assert "Quarter from the months: 71.4286, failure" in html
    assert "Quarter from the months: 210" in html
    assert "Worked out from the months" in html
    # Two KPIs change, whatever the number of their rows: as the message after it counts them.
    assert "Import: 2 KPIs changed</button>" in html
    assert _state() == before
    response = signed_in.post(CONFIRM, {"token": preview.context["token"]}, follow=True)
    assert "2 readings changed" in response.content.decode()
    _assert_rolled_up()
    # One save of each reading, through the return's service, recorded with the file.
    calls = _reading("CALLS")
    assert calls.version == 2
    assert calls.history.latest().history_change_reason == "Imported from m.csv"


def test_months_imported_from_the_command_line_roll_up_to_the_quarter(monthly, officer, tmp_path):
    path = tmp_path / "months.csv"
    path.write_bytes(to_csv(_rows(monthly, MONTHS)))
    out = io.StringIO()
    call_command(
        "import_readings",
        str(path),
        "--contract=ICT",
        f"--period={OPEN_QUARTER}",
        "--user=officer",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "CALLS October 2019: - -> 90 (Met); quarter 71.4286" in out.getvalue()
    _assert_rolled_up()


def test_parts_are_recomputed_and_a_zero_denominator_is_not_measured(monthly, officer):
    _import(monthly, officer, to_csv(_rows(monthly, MONTHS)))
    # November had no calls; October's rate is recomputed from its new parts.
    changes = {
        ("CALLS", "Oct 2019"): {"Numerator": "80", "Denominator": "100"},
        ("CALLS", "Nov 2019"): {"Numerator": "0", "Denominator": "0"},
    }
    preview, written = _import(monthly, officer, to_csv(_rows(monthly, changes)))
    # The quarter's row changes with its months.
    assert [(row.reference, row.month_label) for row in preview.changed_rows] == [
        ("CALLS", ""),
        ("CALLS", "October 2019"),
        ("CALLS", "November 2019"),
    ]
    assert [r.kpi.reference for r in written] == ["CALLS"]
    assert _months("CALLS")[:2] == [
        (OCT, Decimal(80), "", Decimal(80), Decimal(100)),
        (NOV, None, "Denominator was zero", Decimal(0), Decimal(0)),
    ]
    # 130 of 200 calls.
    assert _reading("CALLS").value == Decimal(65)
    # No calls at all: the quarter is not measured, with the roll-up's reason.
    nothing = {
        ("CALLS", month): {"Numerator": "0", "Denominator": "0"}
        for month in ("Oct 2019", "Nov 2019", "Dec 2019")
    }
    _import(monthly, officer, to_csv(_rows(monthly, nothing)))
    calls = _reading("CALLS")
    assert (calls.value, calls.not_measured_reason) == (None, "Denominator was zero")


def _quarterly_month_row(contract) -> dict[str, str]:
    row = next(r for r in rows_of(contract) if r["KPI reference"] == "QTR")
    return {**row, "Month": "Nov 2019", "Figure": "95"}


# (what the file says, the row refused, its message). Each refuses the whole file.
BAD = {
    "a month outside the quarter": (
        {("WASTE", "Oct 2019"): {"Month": "Sep 2019", "Figure": "5"}},
        ("WASTE", "Sep 2019"),
        "In 'Month', September 2019 is not a month of the quarter ending 31 December 2019: "
        "give Oct 2019, Nov 2019 or Dec 2019.",
    ),
    "a month not written as a month": (
        {("WASTE", "Oct 2019"): {"Month": "Octember", "Figure": "5"}},
        ("WASTE", "Octember"),
        "In 'Month', give the month as Apr 2024, April 2024 or its last day, 2024-04-30",
    ),
    "the same month twice": (
        {
            ("WASTE", "Oct 2019"): {"Figure": "4"},
            ("WASTE", "Nov 2019"): {"Month": "2019-10-31", "Figure": "5"},
        },
        ("WASTE", "2019-10-31"),
        "In 'Month', October 2019 of KPI WASTE is in the file twice: also on line {WASTE Oct}.",
    ),
    "a month of a quarterly KPI": (
        {},
        ("QTR", "Nov 2019"),
        "In 'Month', KPI QTR is reported quarterly, not monthly: leave Month empty and give the "
        "quarter's figure.",
    ),
    "a numerator above its denominator for a percentage": (
        {("CALLS", "Oct 2019"): {"Numerator": "101", "Denominator": "100"}},
        ("CALLS", "Oct 2019"),
        "In 'Numerator', the calls answered cannot be more than the calls offered for a "
        "percentage.",
    ),
    "one part without the other": (
        {("CALLS", "Nov 2019"): {"Numerator": "90"}},
        ("CALLS", "Nov 2019"),
        "In 'Denominator', give both the calls answered and the calls offered, or neither.",
    ),
    "a figure and parts": (
        {("CALLS", "Dec 2019"): {"Figure": "90", "Numerator": "90", "Denominator": "100"}},
        ("CALLS", "Dec 2019"),
        "In 'Figure', leave it empty where the month's Numerator and Denominator are given",
    ),
    "parts of a KPI whose months are single figures": (
        {("WASTE", "Dec 2019"): {"Numerator": "9", "Denominator": "10"}},
        ("WASTE", "Dec 2019"),
        "In 'Numerator', this KPI's months are single figures, not parts.",
    ),
    "months and a quarter figure for one KPI": (
        {("WASTE", ""): {"Figure": "300"}, ("WASTE", "Oct 2019"): {"Figure": "100"}},
        ("WASTE", ""),
        "In 'Figure', leave this row's figure and reason empty: KPI WASTE's months are in this "
        "file (line {WASTE Oct}, {WASTE Nov}, {WASTE Dec})",
    ),
}


@pytest.mark.parametrize("case", BAD)
def test_a_bad_month_row_is_refused_beside_its_line_and_nothing_is_written(
    signed_in, monthly, case
):
    changes, (reference, month), message = BAD[case]
    good = {key: cells for key, cells in MONTHS.items() if key[0] != reference}
    extra = [_quarterly_month_row(monthly)] if reference == "QTR" else []
    rows = _rows(monthly, {**good, **changes}, extra)
    if "{" in message:
        months = ("Oct 2019", "Nov 2019", "Dec 2019")
        present = [
            m for m in months if any((r["KPI reference"], r["Month"]) == ("WASTE", m) for r in rows)
        ]
        message = message.format(**{f"WASTE {m[:3]}": _line(rows, "WASTE", m) for m in present})
    before = _state()
    response = _upload(signed_in, to_csv(rows))
    html = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 400
    assert "The file cannot be imported: nothing was changed" in html
    assert f"Line {_line(rows, reference, month)}: {message}" in html
    assert _state() == before


def test_a_quarter_worked_out_from_months_is_not_overwritten(signed_in, monthly, officer):
    _import(monthly, officer, to_csv(_rows(monthly, MONTHS)))
    # The quarter rows alone, as the template gives them: the months stay as they are.
    rows = rows_of(monthly)
    _, written = _import(monthly, officer, to_csv(rows))
    assert written == []
    _assert_rolled_up()
    for row in rows:
        if row["KPI reference"] == "WASTE":
            row["Figure"] = "999"
    before = _state()
    response = _upload(signed_in, to_csv(rows))
    assert response.status_code == 400
    assert (
        f"Line {_line(rows, 'WASTE')}: In 'Figure', this quarter's figure is worked out from its "
        "months" in response.content.decode().replace("&#x27;", "'")
    )
    assert _state() == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_carries_the_months_held_and_comes_back_as_no_change(monthly, officer, fmt):
    _import(monthly, officer, to_csv(_rows(monthly, MONTHS)))
    rows = rows_of(monthly, months=True)
    calls = rows[_line(rows, "CALLS") - 2 :][:4]
    assert [r["Month"] for r in calls] == ["", "Oct 2019", "Nov 2019", "Dec 2019"]
    # The quarter's own figure is left out beside its months; a month of parts gives its parts.
    assert (calls[0]["Figure"], calls[0]["Commentary"]) == ("", "Staffing recovered in December")
    assert [(r["Figure"], r["Numerator"], r["Denominator"]) for r in calls[1:]] == [
        ("", "90", "100"),
        ("", "10", "10"),
        ("", "50", "100"),
    ]
    waste = [r for r in rows if r["KPI reference"] == "WASTE"][1:]
    assert [(r["Figure"], r["Not measured"], r["Reason not measured"]) for r in waste] == [
        ("100", "", ""),
        ("110", "", ""),
        ("", "yes", "weighbridge broken"),
    ]
    # A quarterly KPI has no month rows.
    assert [r["Month"] for r in rows if r["KPI reference"] == "QTR"] == [""]
    if fmt == "csv":
        content = template_csv(monthly, OPEN_QUARTER).encode()
    else:
        content = template_xlsx(monthly, OPEN_QUARTER)
        sheet = load_workbook(io.BytesIO(content)).active
        assert [c.value for c in sheet[1]] == COLUMNS
    versions = dict(Reading.objects.values_list("id", "version"))
    history = MonthlyFigure.history.count()
    preview = prepare_import(
        contract=monthly,
        end_date=OPEN_QUARTER,
        user=officer,
        content=content,
        filename=f"t.{fmt}",
        today=OPEN_QUARTER,
    )
    assert preview.ok, preview.problems
    assert preview.changed_rows == []
    assert import_readings(preview=preview, user=officer) == []
    assert dict(Reading.objects.values_list("id", "version")) == versions
    assert MonthlyFigure.history.count() == history
    _assert_rolled_up()


def test_a_template_saved_before_the_month_columns_is_still_read(monthly, officer):
    rows = rows_of(monthly)
    for row in rows:
        if row["KPI reference"] == "3":
            row["Figure"] = "95"
    old = [{name: row[name] for name in COLUMNS[:10]} for row in rows]
    _import(monthly, officer, to_csv(old, header=COLUMNS[:10]))
    assert _reading("3").value == Decimal(95)


def test_months_are_backfilled_as_approved(client, manager, monthly):
    client.login(username="manager", password=PASSWORD)
    preview = _upload(client, to_csv(_rows(monthly, MONTHS)), backfill="on", source=SOURCE)
    assert preview.status_code == 200, preview.content.decode()
    response = client.post(CONFIRM, {"token": preview.context["token"]})
    assert response.status_code == 302
    quarterly_return = QuarterlyReturn.objects.get(
        contract__code="ICT", period__end_date=OPEN_QUARTER
    )
    assert (quarterly_return.state, quarterly_return.backfill_source) == (
        ReturnState.APPROVED,
        SOURCE,
    )
    _assert_rolled_up()
    assert MonthlyFigure.history.filter(history_user=manager).count() == 6


def test_checking_months_takes_the_same_queries_whatever_their_number(monthly, officer):
    def queries(changes) -> int:
        with CaptureQueriesContext(connection) as captured:
            preview = prepare_import(
                contract=monthly,
                end_date=OPEN_QUARTER,
                user=officer,
                content=to_csv(_rows(monthly, changes)),
                filename="m.csv",
                today=OPEN_QUARTER,
            )
        assert preview.ok, preview.problems
        return len(captured)

    one = {("WASTE", "Oct 2019"): {"Figure": "100"}}
    # The first check reads what is cached for the process (content types), once.
    queries(one)
    assert queries(MONTHS) == queries(one)


def test_months_and_a_quarter_alone_are_read_as_printed_and_the_quarter_alone_says_so(
    signed_in, monthly
):
    """Thousands separators and the KPI's unit on month rows and parts, as documents print
    them; a monthly KPI's quarter given alone (no months in the file or held) is previewed as
    entered for the quarter, as the return page says it."""
    printed = {
        ("CALLS", "Oct 2019"): {"Numerator": "1,200", "Denominator": "1,500"},
        ("CALLS", "Nov 2019"): {"Numerator": "1,350", "Denominator": "1,500"},
        ("CALLS", "Dec 2019"): {"Numerator": "900", "Denominator": "1,000"},
        ("WASTE", ""): {"Figure": "3,289 tonnes"},
    }
    rows = _rows(monthly, printed)
    response = _upload(signed_in, to_csv(rows))
    page = response.content.decode()
    assert response.status_code == 200, page
    waste_row = page.split(f'id="line-{_line(rows, "WASTE")}"')[1].split("</tr>")[0]
    assert "Entered for the quarter" in waste_row
    calls_row = page.split(f'id="line-{_line(rows, "CALLS")}"')[1].split("</tr>")[0]
    assert "Entered for the quarter" not in calls_row
    assert "Worked out from the months" in calls_row
    assert signed_in.post(CONFIRM, {"token": response.context["token"]}).status_code == 302
    # 3,450 of 4,000 calls.
    assert _reading("CALLS").value == Decimal("86.25")
    assert [(m[3], m[4]) for m in _months("CALLS")] == [
        (Decimal(1200), Decimal(1500)),
        (Decimal(1350), Decimal(1500)),
        (Decimal(900), Decimal(1000)),
    ]
    waste = _reading("WASTE")
    assert (waste.value, waste.reported_as, _months("WASTE")) == (Decimal(3289), "3,289 tonnes", [])
