"""Every kind of bad row and bad file in a definitions import gets a clear message beside the
column that caused it, and one bad row saves nothing."""

import pytest

from kpis.imports.definitions.write import DefinitionsRefused, import_definitions
from kpis.models import Unit
from kpis.models.unit import UnitKind
from tests.kpis.definition_files import (
    HEADER,
    definitions_state,
    preview_of,
    row,
    rows_of,
    to_csv,
)

# (cells of a new KPI's row, column blamed, words of the message)
BAD_ROWS = {
    "no reference": ({"reference": ""}, "Reference", "Give the KPI's reference"),
    "no description": ({"description": ""}, "Description", "Give the KPI's description"),
    "no frequency": ({"frequency": ""}, "Frequency", "Give the KPI's frequency"),
    "unknown frequency": (
        {"frequency": "Fortnightly"},
        "Frequency",
        "Unknown frequency 'Fortnightly': use one of Monthly, Quarterly, Annual",
    ),
    "no unit": ({"unit": ""}, "Unit", "Give the KPI's unit"),
    "unknown unit": (
        {"unit": "Furlongs"},
        "Unit",
        "Unknown unit 'Furlongs': use one of Amount in pounds, Days, Hours, Kilograms, "
        "Number, Number of failures, Percentage, Score, Tonnes.",
    ),
    "unknown direction": (
        {"direction": "Sideways"},
        "Direction",
        "Unknown direction 'Sideways': use one of Higher is better, Lower is better",
    ),
    "target not a number": ({"target": "ninety"}, "Target", "'ninety' is not a number"),
    "threshold not a number": (
        {"detriment_threshold": "8o"},
        "Detriment threshold",
        "'8o' is not a number",
    ),
    "too many decimal places": (
        {"target": "90.12345"},
        "Target",
        "at most 4 decimal places",
    ),
    "strict neither yes nor no": ({"strict_target": "maybe"}, "Strict target", "Write yes or no"),
    "percentage over 100": ({"target": "120"}, "Target", "between 0 and 100"),
    "detriment above the target, higher is better": (
        {"detriment_threshold": "95"},
        "Detriment threshold",
        "Where higher is better, the detriment threshold must be below the target",
    ),
    "failure before the detriment, higher is better": (
        {"detriment_threshold": "80", "failure_threshold": "85"},
        "Failure threshold",
        "the failure threshold must be below the detriment threshold",
    ),
    "failure below the target, lower is better": (
        {
            "unit": "Days",
            "direction": "Lower is better",
            "target": "5",
            "failure_threshold": "4",
        },
        "Failure threshold",
        "Where lower is better, the failure threshold must be above the target",
    ),
    "a count threshold that is not whole": (
        {
            "unit": "Number of failures",
            "direction": "Lower is better",
            "target": "0",
            "detriment_threshold": "1.5",
        },
        "Detriment threshold",
        "A number of failures must be a whole number",
    ),
    "new service area without a name": (
        {"service_area_name": ""},
        "Service area name",
        "NEW is a new service area: give its name",
    ),
    "no service area code": (
        {"service_area_code": ""},
        "Service area code",
        "Give the service area's code",
    ),
    "service area code clashing with its name": (
        {"service_area_code": "ict", "service_area_name": "Waste"},
        "Service area name",
        "Service area ICT is called 'ICT Managed Service' in the contract, not 'Waste'",
    ),
    "unknown threshold basis": (
        {"threshold_basis": "Miles"},
        "Threshold basis",
        "Unknown threshold basis 'Miles': use one of Figures, % of target, Points from target",
    ),
    "a negative tolerance": (
        {"threshold_basis": "% of target", "detriment_threshold": "-5"},
        "Detriment threshold",
        "A tolerance cannot be negative.",
    ),
    "a failure tolerance narrower than the detriment's": (
        {"threshold_basis": "points", "detriment_threshold": "5", "failure_threshold": "3"},
        "Failure threshold",
        "The failure tolerance must be wider than the detriment's.",
    ),
    "reference too long": (
        {"reference": "R" * 31},
        "Reference",
        "at most 30 characters",
    ),
}


@pytest.mark.parametrize(("cells", "column", "words"), BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_it_explains_each_bad_row_beside_its_column(seed, manager, cells, column, words):
    content = to_csv([*rows_of(seed["ICT"]), row(**cells)])
    preview = preview_of(seed["ICT"], manager, content)
    assert not preview.ok
    bad = preview.rows[-1]
    assert bad.kind == "problem"
    assert bad.line == 21, "19 KPIs after the header, then this row"
    assert any(where == column and words in message for where, message in bad.problems), (
        bad.problems
    )
    assert all(r.kind == "unchanged" for r in preview.rows[:-1])


def test_it_refuses_a_reference_twice_in_the_file(seed, manager):
    content = to_csv([row(reference="N-1"), row(reference="n-1", description="Again")])
    preview = preview_of(seed["ICT"], manager, content)
    assert preview.problems == [(3, "Reference: n-1 is in the file twice: also on line 2.")]


def test_it_refuses_a_new_area_named_twice_differently(seed, manager):
    content = to_csv([row(reference="N-1"), row(reference="N-2", service_area_name="Another name")])
    preview = preview_of(seed["ICT"], manager, content)
    assert preview.problems == [
        (
            3,
            "Service area name: Service area NEW is called 'New area' on an earlier line, "
            "not 'Another name'.",
        )
    ]


def test_it_refuses_to_change_the_unit_of_a_kpi_with_approved_quarters(seed, manager):
    rows = rows_of(seed["ICT"])
    rows[2]["Unit"] = "Days"  # KPI 3, judged as a percentage in approved 2018/19 quarters
    preview = preview_of(seed["ICT"], manager, to_csv(rows))
    assert preview.rows[2].problems == [
        (
            "Unit",
            "Approved quarters were judged with this unit (Percentage): keep it, or give the "
            "KPI a new reference.",
        )
    ]


FILES = {
    "not a spreadsheet": (b"%PDF-1.4 binary", "kpis.pdf", "not a spreadsheet that can be read"),
    "empty": (b"", "kpis.csv", "The file is empty."),
    "header and no rows": (
        ",".join(HEADER).encode(),
        "kpis.csv",
        "The file has the template's header but no rows of KPIs.",
    ),
    "a column missing": (
        ",".join(h for h in HEADER if h != "Direction").encode() + b"\r\nx\r\n",
        "kpis.csv",
        "Missing: Direction.",
    ),
    "the figures template": (
        b"Contract,Quarter end,KPI reference\r\nICT,2019-12-31,1\r\n",
        "kpis.csv",
        "The first line must be the template's header: Reference, Description",
    ),
}


@pytest.mark.parametrize(("content", "name", "words"), FILES.values(), ids=FILES.keys())
def test_it_explains_what_is_wrong_with_the_file(seed, manager, content, name, words):
    preview = preview_of(seed["ICT"], manager, content, name)
    assert not preview.ok
    assert len(preview.file_problems) == 1
    assert words in preview.file_problems[0]


def test_it_saves_nothing_when_one_row_is_bad(seed, manager):
    rows = rows_of(seed["ICT"])
    rows[0]["Description"] = "A better description"
    good_new = row(reference="N-1")
    bad_new = row(reference="N-2", target="abc")
    before = definitions_state()
    preview = preview_of(seed["ICT"], manager, to_csv([*rows, good_new, bad_new]))
    assert [r.kind for r in preview.rows[-3:]] == ["unchanged", "new", "problem"]
    assert preview.rows[0].kind == "changed"
    with pytest.raises(DefinitionsRefused):
        import_definitions(preview=preview, user=manager, reason="Better words")
    assert definitions_state() == before


def test_it_refuses_someone_who_cannot_define_kpis(seed, officer):
    preview = preview_of(seed["ICT"], officer, to_csv([row()]))
    assert preview.file_problems == ["You cannot change this contract's KPIs."]
    assert preview.rows == []


def test_it_knows_a_contracts_own_units_and_no_one_elses(seed, manager):
    Unit.objects.create(
        code="homes", label="Homes improved", kind=UnitKind.COUNT, contract=seed["ICT"]
    )
    ict = preview_of(seed["ICT"], manager, to_csv([row(unit="homes improved", target="12")]))
    assert ict.ok, ict.problems
    assert ict.rows[0].kpi.unit_id == "homes"
    pssp = preview_of(seed["PSSP"], manager, to_csv([row(unit="Homes improved", target="12")]))
    ((column, message),) = pssp.rows[0].problems
    assert column == "Unit"
    assert message.startswith("Unknown unit 'Homes improved': use one of Amount in pounds,")
    assert "Homes improved," not in message
