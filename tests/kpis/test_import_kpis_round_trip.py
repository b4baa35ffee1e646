"""The definitions template of a contract, sent back unchanged, changes nothing; a contract with
no KPIs gets one example row of each kind, which are never imported as they are."""

import csv
import io

import pytest
from openpyxl import load_workbook

from kpis.imports.definitions.columns import COLUMNS
from kpis.imports.definitions.template import template_csv, template_xlsx
from kpis.imports.definitions.write import import_definitions
from tests.factories import make_contract
from tests.kpis.definition_files import definitions_state, preview_of, rows_of


@pytest.mark.parametrize("code", ["PSSP", "ICT"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_changes_nothing_when_the_template_comes_back_unchanged(seed, manager, code, fmt):
    contract = seed[code]
    content = template_csv(contract).encode() if fmt == "csv" else template_xlsx(contract)
    before = definitions_state()
    preview = preview_of(contract, manager, content, f"kpis.{fmt}")
    assert preview.ok, preview.problems
    assert preview.rows, "the template lists the contract's KPIs"
    assert {row.kind for row in preview.rows} == {"unchanged"}
    assert preview.absent == []
    written = import_definitions(preview=preview, user=manager)
    assert (written.added, written.changed, written.areas) == ([], [], [])
    assert definitions_state() == before


def test_it_writes_each_kpi_as_the_contract_holds_it(seed):
    ict = {row["Reference"]: row for row in rows_of(seed["ICT"])}
    # ICT KPI 3, Appendix B: severity 3 incidents, 90% / 87% / 84%.
    assert ict["3"] == {
        "Reference": "3",
        "Description": "Resolution of severity 3 incidents (2 business days)",
        "Service area code": "ICT",
        "Service area name": "ICT Managed Service",
        "Frequency": "Monthly",
        "Unit": "Percentage",
        "Direction": "Higher is better",
        "Target": "90",
        "Strict target": "no",
        "Detriment threshold": "87",
        "Failure threshold": "84",
        "Threshold basis": "Figures",
        "Notes": "",
        "Measured from": "",
        "Retired after": "",
        "Roll-up": "",
        "Numerator": "",
        "Denominator": "",
        "Published KPI": "no",
    }
    assert ict["1"]["Unit"] == "Number of failures"
    assert ict["1"]["Direction"] == "Lower is better"
    assert (ict["1"]["Target"], ict["1"]["Detriment threshold"]) == ("0", "1")


def test_it_names_each_column_plainly_in_the_header(seed):
    header = next(csv.reader(io.StringIO(template_csv(seed["ICT"]))))
    assert header == [
        "Reference",
        "Description",
        "Service area code",
        "Service area name",
        "Frequency",
        "Unit",
        "Direction",
        "Target",
        "Strict target",
        "Detriment threshold",
        "Failure threshold",
        "Threshold basis",
        "Notes",
        "Measured from",
        "Retired after",
        "Roll-up",
        "Numerator",
        "Denominator",
        "Published KPI",
    ]
    assert header == list(COLUMNS)


def test_it_gives_a_new_contract_one_example_of_each_kind(db):
    contract = make_contract("NEWCO")
    rows = rows_of(contract)
    # One of each kind of unit: percentage, count, duration, quantity, money, score.
    assert {r["Unit"] for r in rows} == {
        "Percentage",
        "Number of failures",
        "Days",
        "Kilograms",
        "Amount in pounds",
        "Score",
    }
    # The data-only example has no direction.
    assert {r["Direction"] for r in rows} == {"Higher is better", "Lower is better", ""}
    assert {r["Frequency"] for r in rows} == {"Monthly", "Quarterly", "Annual"}
    assert "" in {r["Target"] for r in rows}, "an example with no target"
    assert "yes" in {r["Strict target"] for r in rows}, "an example with a strict target"
    assert {r["Threshold basis"] for r in rows} == {"Figures", "% of target", "Points from target"}
    # The monthly example collects each month as two parts, its quarter recomputed from them.
    parts = [r for r in rows if r["Numerator"]]
    assert [(r["Frequency"], r["Roll-up"], r["Denominator"]) for r in parts] == [
        ("Monthly", "Recomputed from the months' parts", "calls offered")
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_refuses_the_examples_sent_back_as_they_are(db, admin_user, fmt):
    contract = make_contract("NEWCO")
    content = template_csv(contract).encode() if fmt == "csv" else template_xlsx(contract)
    preview = preview_of(contract, admin_user, content, f"kpis.{fmt}")
    assert not preview.ok
    assert [row.kind for row in preview.rows] == ["problem"] * 6
    assert all("one of the template's examples" in m for _, m in preview.problems)


def test_it_offers_the_choices_of_each_worded_column_in_excel(seed):
    sheet = load_workbook(io.BytesIO(template_xlsx(seed["ICT"]))).active
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists == {
        "E2:E2000": '"Monthly,Quarterly,Annual"',
        "F2:F2000": (
            '"Amount in pounds,Days,Hours,Kilograms,Number,Number of failures,Percentage,Score,'
            'Tonnes"'
        ),
        "G2:G2000": '"Higher is better,Lower is better"',
        "I2:I2000": '"yes,no"',
        "L2:L2000": '"Figures,% of target,Points from target"',
        "P2:P2000": (
            '"Sum of the months,Average of the months,Last month measured,Worst month,'
            "Recomputed from the months' parts\""
        ),
    }
