"""Figures as published documents print them (1,150; 3,289 tonnes; £1,200; 95%) are read by the
figures import, on the page and from the command line, and by the definitions import; a comma
that is not a thousands separator, a unit that is not the KPI's, a multiplier and an unknown unit
are refused with what to write instead, and nothing is written."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils.html import escape
from openpyxl import load_workbook

from kpis.imports.definitions.write import import_definitions
from kpis.imports.parse import COLUMNS
from kpis.models import Kpi, Reading
from tests.conftest import PASSWORD
from tests.factories import make_area, make_kpi
from tests.kpis import definition_files as defs
from tests.kpis import test_returns_pages as pages
from tests.kpis.import_files import OPEN_QUARTER, database_state, fill_xlsx, rows_of, to_csv

UPLOAD = "/contracts/ICT/import/"
CONFIRM = "/contracts/ICT/import/confirm/"

# (KPI reference, figure as printed, figure read). ICT's KPI 1 counts failures, KPI 3 is a
# percentage; the others are added below in the units documents print with their figures.
ACCEPTED = [
    ("W-T", "1,150", "1150"),
    ("W-T", "3289 tonnes", "3289"),
    ("W-T", "3,289 Tonnes", "3289"),
    ("W-T", "1 tonne", "1"),
    ("W-K", "12,345.6", "12345.6"),
    ("W-K", "1,234,567", "1234567"),
    ("W-K", "412.5 kg", "412.5"),
    ("W-K", "412.5 kilograms", "412.5"),
    ("W-G", "£1,200", "1200"),
    ("W-G", "£ 1,200.50", "1200.50"),
    ("W-G", "GBP 1,200", "1200"),
    ("W-G", "1,200 pounds", "1200"),
    ("3", "95%", "95"),
    ("3", "95 %", "95"),
    ("3", "95.5 per cent", "95.5"),
    ("W-D", "4 days", "4"),
    ("W-D", "1 day", "1"),
    ("1", "12 failures", "12"),
    ("1", "1,150", "1150"),
]

# (KPI reference, figure as printed, the message, word for word)
REFUSED = [
    (
        "W-T",
        "1,5",
        "'1,5' has a comma that does not separate thousands. Write a decimal with a point (1.5), "
        "and thousands with a comma before each group of three digits (1,500 or 12,345.6).",
    ),
    ("W-K", "12,34", "'12,34' has a comma that does not separate thousands."),
    ("W-K", "1,50,000", "'1,50,000' has a comma that does not separate thousands."),
    (
        "W-T",
        "3289 kg",
        "The figure '3289 kg' is in kg but the KPI is counted in tonnes: give the number alone, "
        "or in tonnes.",
    ),
    ("3", "£95", "The figure '£95' is in £ but the KPI is counted in percent"),
    (
        "1",
        "95%",
        "The figure '95%' is in % but the KPI is counted in number of failures: give the number "
        "alone, or in failures.",
    ),
    ("W-G", "$1,200", "The figure '$1,200' is in $ but the KPI is counted in pounds"),
    (
        "W-G",
        "£1.2m",
        "Write '£1.2m' in full, as £1,200,000: a figure with a multiplier (m) is not read",
    ),
    ("W-T", "3.2 million tonnes", "Write '3.2 million tonnes' in full, as 3,200,000"),
    ("W-K", "12k", "Write '12k' in full, as 12,000"),
    ("W-T", "5 bananas", "'5 bananas' is not a number. Give the figure alone, such as 95.5"),
]


@pytest.fixture
def printed(seed):
    """ICT with KPIs in tonnes, kilograms, pounds and days besides its failures and
    percentages."""
    area = make_area(seed["ICT"], "WASTE")
    lower = {"direction": "lower"}
    make_kpi(area, "W-T", unit="tonnes", target=Decimal(4000), **lower)
    make_kpi(area, "W-K", unit="kg", target=Decimal(2_000_000), **lower)
    make_kpi(area, "W-G", unit="gbp", target=Decimal(1000))
    make_kpi(area, "W-D", unit="days", target=Decimal(5), **lower)
    return seed["ICT"]


def _one_row(contract, reference: str, figure: str) -> bytes:
    row = next(r for r in rows_of(contract) if r["KPI reference"] == reference)
    return to_csv([{**row, "Figure": figure, "Commentary": "As printed"}])


def _held(reference: str) -> Reading:
    return Reading.objects.get(
        kpi__contract__code="ICT", kpi__reference=reference, period__end_date=OPEN_QUARTER
    )


def _upload(client, content: bytes, name: str = "printed.csv"):
    return client.post(
        UPLOAD, {"quarter": OPEN_QUARTER.isoformat(), "file": SimpleUploadedFile(name, content)}
    )


def _command(path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_readings",
        str(path),
        "--contract=ICT",
        f"--period={OPEN_QUARTER}",
        "--user=officer",
        stdout=out,
        stderr=err,
    )
    return out.getvalue(), err.getvalue()


@pytest.fixture
def signed_in(client, officer):
    client.login(username="officer", password=PASSWORD)
    return client


@pytest.mark.parametrize(("reference", "figure", "value"), ACCEPTED)
def test_the_page_imports_a_figure_as_printed(signed_in, printed, reference, figure, value):
    preview = _upload(signed_in, _one_row(printed, reference, figure))
    assert preview.status_code == 200, preview.content.decode()
    assert signed_in.post(CONFIRM, {"token": preview.context["token"]}).status_code == 302
    held = _held(reference)
    assert held.value == Decimal(value)
    # The cell as the source printed it is kept beside the figure.
    assert held.reported_as == figure


@pytest.mark.parametrize(("reference", "figure", "value"), ACCEPTED)
def test_the_command_imports_a_figure_as_printed(
    printed, officer, tmp_path, reference, figure, value
):
    path = tmp_path / "printed.csv"
    path.write_bytes(_one_row(printed, reference, figure))
    out, _ = _command(path)
    assert "Imported: 1 readings changed." in out
    held = _held(reference)
    assert (held.value, held.reported_as) == (Decimal(value), figure)


def test_an_excel_cell_of_text_is_read_as_printed(signed_in, printed):
    content = fill_xlsx(printed, OPEN_QUARTER, {"W-T": "3,289 tonnes", "W-G": "£1,200"})
    preview = _upload(signed_in, content, "printed.xlsx")
    assert preview.status_code == 200
    signed_in.post(CONFIRM, {"token": preview.context["token"]})
    assert (_held("W-T").value, _held("W-G").value) == (Decimal(3289), Decimal(1200))


def _as_percentages(content: bytes, references: set[str]) -> bytes:
    """The file with the figures of `references` formatted as Excel formats "95%" typed in."""
    book = load_workbook(io.BytesIO(content))
    sheet = book.active
    figure = COLUMNS.index("Figure") + 1
    for (cell,) in sheet.iter_rows(min_row=2, min_col=3, max_col=3):
        held = sheet.cell(row=cell.row, column=figure)
        if cell.value in references and held.value is not None:
            held.number_format = "0%"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_percentage_typed_in_excel_is_read_as_shown_not_as_a_fraction(signed_in, printed):
    """Excel keeps "95%" as 0.95 shown as a percentage: it is read as 95, and in a KPI that
    is not a percentage it is refused as one, never taken for 0.95."""
    content = _as_percentages(fill_xlsx(printed, OPEN_QUARTER, {"3": 0.95}), {"3"})
    preview = _upload(signed_in, content, "percent.xlsx")
    assert preview.status_code == 200
    signed_in.post(CONFIRM, {"token": preview.context["token"]})
    assert _held("3").value == Decimal(95)
    before = database_state()
    content = _as_percentages(fill_xlsx(printed, OPEN_QUARTER, {"W-D": 0.5}), {"W-D"})
    html = _upload(signed_in, content, "percent.xlsx").content.decode()
    assert escape("The figure '50%' is in %") in html
    assert database_state() == before


def test_a_target_is_read_as_printed_in_the_kpis_unit(client, manager, printed):
    client.login(username="manager", password=PASSWORD)
    row = next(r for r in rows_of(printed) if r["KPI reference"] == "W-G")
    content = to_csv([{**row, "Figure": "£1,500", "Target": "£1,250"}])
    preview = _upload(client, content)
    assert preview.status_code == 200, preview.content.decode()
    client.post(CONFIRM, {"token": preview.context["token"]})
    assert _held("W-G").target_override == Decimal(1250)


def test_a_target_in_another_unit_is_refused(client, manager, printed):
    client.login(username="manager", password=PASSWORD)
    row = next(r for r in rows_of(printed) if r["KPI reference"] == "W-T")
    before = database_state()
    response = _upload(client, to_csv([{**row, "Target": "3,500 kg"}]))
    assert response.status_code == 400
    assert (
        escape(
            "In 'Target', give the quarter's target as a number, such as 90, or leave it as the "
            "template gives it: the figure '3,500 kg' is in kg but the KPI is counted in tonnes"
        )
        in response.content.decode()
    )
    assert database_state() == before


@pytest.mark.parametrize(("reference", "figure", "message"), REFUSED)
def test_the_page_refuses_a_figure_it_cannot_read_safely(
    signed_in, printed, reference, figure, message
):
    before = database_state()
    response = _upload(signed_in, _one_row(printed, reference, figure))
    page = response.content.decode()
    assert response.status_code == 400
    assert "The file cannot be imported: nothing was changed" in page
    # On the row that caused it, the message quoting what was uploaded.
    assert escape(f"Line 2: {message}") in page
    assert escape(figure) in page
    assert database_state() == before


@pytest.mark.parametrize(("reference", "figure", "message"), REFUSED)
def test_the_command_refuses_a_figure_it_cannot_read_safely(
    printed, officer, tmp_path, reference, figure, message
):
    path = tmp_path / "printed.csv"
    path.write_bytes(_one_row(printed, reference, figure))
    before = database_state()
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "import_readings",
            str(path),
            "--contract=ICT",
            f"--period={OPEN_QUARTER}",
            "--user=officer",
            stdout=io.StringIO(),
            stderr=err,
        )
    assert f"line 2: {message}" in err.getvalue()
    assert database_state() == before


def test_a_figure_held_in_the_unit_the_source_printed_is_read_in_that_unit(signed_in, seed):
    # ICT's KPI 15 counts failures, but the source printed its later figures as percentages,
    # held so and not judged: a figure for such a quarter is read in its percentage.
    kpi = Kpi.objects.get(contract__code="ICT", reference="15")
    assert kpi.unit_id == "count"
    march = Reading.objects.get(kpi=kpi, period__end_date="2019-03-31")
    Reading.objects.create(
        kpi=kpi, period=march.period.__class__.objects.for_date(OPEN_QUARTER), unit_id="percent"
    )
    refused = _upload(signed_in, _one_row(seed["ICT"], "15", "3 failures"))
    assert (
        escape(
            "Line 2: The figure '3 failures' is in failures but this quarter's figure is counted "
            "in percent: give the number alone, or in %."
        )
        in refused.content.decode()
    )
    preview = _upload(signed_in, _one_row(seed["ICT"], "15", "99.5%"))
    assert preview.status_code == 200, preview.content.decode()
    signed_in.post(CONFIRM, {"token": preview.context["token"]})
    held = _held("15")
    assert (held.value, held.unit_id, held.reported_as) == (Decimal("99.5"), "percent", "99.5%")


def test_a_figure_unchanged_keeps_what_was_printed_before(signed_in, printed):
    first = _upload(signed_in, _one_row(printed, "W-T", "3,289 tonnes"))
    signed_in.post(CONFIRM, {"token": first.context["token"]})
    # The same figure written plainly, with new commentary: the figure is not new, and the
    # source's own print of it stays.
    row = next(r for r in rows_of(printed) if r["KPI reference"] == "W-T")
    second = _upload(signed_in, to_csv([{**row, "Figure": "3289", "Commentary": "Checked"}]))
    signed_in.post(CONFIRM, {"token": second.context["token"]})
    held = _held("W-T")
    assert (held.commentary, held.reported_as) == ("Checked", "3,289 tonnes")


# The definitions import: targets and thresholds as printed, in the row's unit, and the unit
# column by the words people write.

DEFINITION_ROWS = [
    # (cells, KPI's unit code, target, detriment, failure)
    ({"unit": "%", "target": "95%", "detriment_threshold": "90 %"}, "percent", "95", "90", None),
    ({"unit": "percent", "target": "95"}, "percent", "95", None, None),
    ({"unit": "PERCENTAGE", "target": "95 per cent"}, "percent", "95", None, None),
    (
        {"unit": "£", "target": "£250,000", "detriment_threshold": "£200,000"},
        "gbp",
        "250000",
        "200000",
        None,
    ),
    ({"unit": "GBP", "target": "1,250.50"}, "gbp", "1250.50", None, None),
    (
        {"unit": "kg", "direction": "lower", "target": "110 kg", "failure_threshold": "1,100"},
        "kg",
        "110",
        None,
        "1100",
    ),
    (
        {"unit": "Tonnes", "direction": "lower", "target": "3,289 tonnes"},
        "tonnes",
        "3289",
        None,
        None,
    ),
    ({"unit": "tonne", "direction": "lower", "target": "1 tonne"}, "tonnes", "1", None, None),
    ({"unit": "days", "direction": "lower", "target": "5 days"}, "days", "5", None, None),
    ({"unit": "hrs", "direction": "lower", "target": "4 hours"}, "hours", "4", None, None),
    (
        {"unit": "failures", "direction": "lower", "target": "0", "detriment_threshold": "2"},
        "count",
        "0",
        "2",
        None,
    ),
    # A threshold given as a % of the target is written as a percentage, whatever the unit.
    (
        {
            "unit": "kg",
            "direction": "lower",
            "target": "110 kg",
            "detriment_threshold": "10%",
            "threshold_basis": "% of target",
        },
        "kg",
        "110",
        "10",
        None,
    ),
]


@pytest.mark.parametrize(("cells", "unit", "target", "detriment", "failure"), DEFINITION_ROWS)
def test_the_definitions_import_reads_units_and_figures_as_printed(
    seed, manager, cells, unit, target, detriment, failure
):
    preview = defs.preview_of(seed["ICT"], manager, defs.to_csv([defs.row(**cells)]))
    assert preview.ok, preview.problems
    import_definitions(preview=preview, user=manager)
    kpi = Kpi.objects.get(contract__code="ICT", reference="N-1")
    expected = [Decimal(v) if v else None for v in (target, detriment, failure)]
    assert kpi.unit_id == unit
    assert [kpi.target, kpi.detriment, kpi.failure] == expected


DEFINITION_REFUSALS = [
    # (cells, column, message)
    ({"unit": "%", "target": "9,5"}, "Target", "'9,5' has a comma that does not separate"),
    (
        {"unit": "Tonnes", "direction": "lower", "target": "3289 kg"},
        "Target",
        "The figure '3289 kg' is in kg but the KPI is counted in tonnes: give the number alone, "
        "or in tonnes.",
    ),
    (
        {"unit": "Number of failures", "direction": "lower", "target": "0", "failure_threshold": "5%"},
        "Failure threshold",
        "The figure '5%' is in % but the KPI is counted in number of failures",
    ),
    (
        {"unit": "kg", "direction": "lower", "target": "110", "detriment_threshold": "5 kg",
         "threshold_basis": "% of target"},
        "Detriment threshold",
        "The figure '5 kg' is in kg but the threshold is a % of the target: give the number "
        "alone, or in %.",
    ),
    (
        {"unit": "£", "target": "£1.2m"},
        "Target",
        "Write '£1.2m' in full, as £1,200,000: a figure with a multiplier (m) is not read",
    ),
    (
        {"unit": "furlongs"},
        "Unit",
        "Unknown unit 'furlongs': use one of Amount in pounds, Days, Hours, Kilograms, Number, "
        "Number of failures, Percentage, Score, Tonnes.",
    ),
    ({"unit": "tons"}, "Unit", "Unknown unit 'tons'"),
]  # fmt: skip


@pytest.mark.parametrize(("cells", "column", "message"), DEFINITION_REFUSALS)
def test_the_definitions_import_refuses_what_it_cannot_read_safely(
    seed, manager, cells, column, message
):
    before = defs.definitions_state()
    preview = defs.preview_of(seed["ICT"], manager, defs.to_csv([defs.row(**cells)]))
    assert not preview.ok
    [(shown, said)] = [
        (cell, m) for r in preview.rows for col, cell, m in r.problems_shown if col == column
    ]
    assert said.startswith(message)
    # What was uploaded is shown back beside the message.
    assert shown == defs.row(**cells)[column]
    assert defs.definitions_state() == before


def test_the_definitions_page_shows_a_refusal_beside_its_cell(client, manager, seed):
    client.login(username="manager", password=PASSWORD)
    content = defs.to_csv([defs.row(unit="Tonnes", direction="lower", target="3289 kg")])
    response = client.post(
        "/contracts/ICT/kpis/import/", {"file": SimpleUploadedFile("kpis.csv", content)}
    )
    page = response.content.decode()
    assert (
        "<strong>Target</strong> (“3289 kg”): "
        + escape("The figure '3289 kg' is in kg but the KPI is counted in tonnes")
        in page
    )
    assert not Kpi.objects.filter(reference="N-1").exists()


def test_the_definitions_command_reads_figures_as_printed(seed, manager, tmp_path):
    path = tmp_path / "kpis.csv"
    path.write_bytes(defs.to_csv([defs.row(unit="£", target="£250,000")]))
    out = io.StringIO()
    call_command(
        "import_kpis", str(path), "--contract=ICT", "--user=manager", stdout=out,
        stderr=io.StringIO(),
    )  # fmt: skip
    kpi = Kpi.objects.get(contract__code="ICT", reference="N-1")
    assert (kpi.unit_id, kpi.target) == ("gbp", Decimal(250000))


@pytest.mark.parametrize(
    ("printed", "note"),
    [("100%", False), ("100.00 %", False), ("1,00%", True), ("100% (provisional)", True)],
)
def test_the_kpi_page_notes_a_print_only_where_it_says_more(client, manager, seed, printed, note):
    # ICT's KPI 15 in March 2019: 100, held in percent as the source printed it.
    Reading.objects.filter(
        kpi__contract__code="ICT", kpi__reference="15", period__end_date="2019-03-31"
    ).update(reported_as=printed)
    client.login(username="manager", password=PASSWORD)
    kpi = Kpi.objects.get(contract__code="ICT", reference="15")
    page = client.get(kpi.get_absolute_url()).content.decode()
    assert (f"printed as “{escape(printed)}”" in page) is note


# The return page reads a typed figure with the same reader (it took "1,5" for 15 before).
@pytest.mark.parametrize(
    ("reference", "typed", "value", "message"),
    [
        ("W-T", "3,289 tonnes", "3289", ""),
        ("W-G", "£1,200", "1200", ""),
        ("3", "95 %", "95", ""),
        ("W-T", "1,5", None, "'1,5' has a comma that does not separate thousands."),
        ("1", "95%", None, "The figure '95%' is in % but the KPI is counted in number of"),
        ("W-G", "£1.2m", None, "Write '£1.2m' in full, as £1,200,000"),
    ],
)
def test_the_return_page_reads_a_typed_figure_as_the_imports_do(
    client, officer, printed, reference, typed, value, message
):
    quarterly_return = pages._open(officer, printed)
    client.force_login(officer)
    data = pages._form_data(quarterly_return, **{reference: {"value": typed}})
    response = client.post(pages.URL.format(code="ICT"), data)
    held = _held(reference)
    if message:
        assert escape(f"{reference}: {message}") in response.content.decode()
        assert held.value is None
    else:
        assert response.status_code == 302
        # The page keeps no print of its own: that is a source's, from an import.
        assert (held.value, held.reported_as) == (Decimal(value), "")
