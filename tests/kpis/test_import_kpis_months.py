"""The definitions import carries how a monthly KPI's months make its quarter: the roll-up and
the names of the two parts each month may be collected as. The template writes them, so that sent
back unchanged it changes nothing; the preview lists their changes; a bad cell is refused beside
its column with the model's own message, on the page and on the command line, and nothing is
written. The API shows them."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from kpis.choices import Rollup
from kpis.imports.definitions.template import template_csv, template_xlsx
from kpis.imports.definitions.write import DefinitionsRefused, import_definitions
from kpis.models import Kpi
from tests.conftest import PASSWORD
from tests.factories import make_area, make_contract
from tests.kpis.definition_files import definitions_state, preview_of, row, rows_of, to_csv

UPLOAD = "/contracts/ICT/kpis/import/"
CONFIRM = "/contracts/ICT/kpis/import/confirm/"
BOTH_PARTS = "Name both parts (what is counted, and out of what), or neither."
RATIO = (
    "A ratio is recomputed from each month's parts: name them (what is counted, and out of what)."
)
COUNT = "A count's months are added up: choose the sum, last or worst month."


def months(rollup: str = "", numerator: str = "", denominator: str = "", **cells: str) -> dict:
    return {
        **row(**cells),
        "Roll-up": rollup,
        "Numerator": numerator,
        "Denominator": denominator,
    }


@pytest.fixture
def contract(db):
    contract = make_contract("MONTHS")
    make_area(contract, "NEW")
    return contract


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_round_trips_the_roll_up_and_the_parts(contract, admin_user, fmt):
    content = to_csv(
        [
            # Labels and values, in any case.
            months("RATIO", " calls answered ", "calls offered", reference="CALLS"),
            months("worst month", reference="WORST"),
            months(
                "Sum Of The Months",
                reference="FAILS",
                unit="Number of failures",
                target="2",
                direction="Lower is better",
            ),
            # Parts with the usual roll-up: recomputed from them.
            months("", "visits on time", "visits", reference="VISITS"),
            months(reference="PLAIN"),
        ]
    )
    preview = preview_of(contract, admin_user, content)
    assert preview.ok, preview.problems
    import_definitions(preview=preview, user=admin_user)
    held = {k.reference: k for k in Kpi.objects.filter(contract=contract)}
    assert {ref: (k.rollup, k.numerator_label, k.denominator_label) for ref, k in held.items()} == {
        "CALLS": ("ratio", "calls answered", "calls offered"),
        "WORST": ("worst", "", ""),
        "FAILS": ("sum", "", ""),
        "VISITS": ("", "visits on time", "visits"),
        "PLAIN": ("", "", ""),
    }
    assert held["VISITS"].rollup_rule == Rollup.RATIO
    assert held["PLAIN"].rollup_rule == Rollup.AVERAGE

    written = {r["Reference"]: r for r in rows_of(contract)}
    assert [written["CALLS"][c] for c in ("Roll-up", "Numerator", "Denominator")] == [
        "Recomputed from the months' parts",
        "calls answered",
        "calls offered",
    ]
    assert written["WORST"]["Roll-up"] == "Worst month"
    assert (written["VISITS"]["Roll-up"], written["PLAIN"]["Roll-up"]) == ("", "")

    # Sent back as written, it changes nothing.
    before = definitions_state()
    template = template_csv(contract).encode() if fmt == "csv" else template_xlsx(contract)
    again = preview_of(contract, admin_user, template, f"kpis.{fmt}")
    assert again.ok, again.problems
    assert {r.kind for r in again.rows} == {"unchanged"}
    assert import_definitions(preview=again, user=admin_user).changed == []
    assert definitions_state() == before


def test_it_lists_a_change_of_roll_up_or_parts_and_writes_it(contract, admin_user):
    preview = preview_of(contract, admin_user, to_csv([months(reference="CALLS")]))
    import_definitions(preview=preview, user=admin_user)
    content = to_csv([months("ratio", "calls answered", "calls offered", reference="CALLS")])
    preview = preview_of(contract, admin_user, content)
    assert preview.ok, preview.problems
    (changed,) = preview.changed_rows
    assert [(c.label, c.before, c.after) for c in changed.changes] == [
        ("Roll-up", "", "Recomputed from the months' parts"),
        ("Numerator", "", "calls answered"),
        ("Denominator", "", "calls offered"),
    ]
    assert not preview.changes_rules, "no quarter to name: the targets stand"
    import_definitions(preview=preview, user=admin_user, reason="Months collected as parts")
    kpi = Kpi.objects.get(contract=contract, reference="CALLS")
    assert (kpi.rollup, kpi.numerator_label, kpi.denominator_label) == (
        "ratio",
        "calls answered",
        "calls offered",
    )
    assert (
        kpi.history.latest().history_change_reason
        == "Months collected as parts (Imported from kpis.csv)"
    )


BAD_CELLS = [
    pytest.param(
        {"rollup": "mean"},
        "Roll-up",
        "Unknown roll-up 'mean': use one of Sum of the months, Average of the months, Last month "
        "measured, Worst month, Recomputed from the months' parts.",
        id="unknown-roll-up",
    ),
    pytest.param({"numerator": "calls answered"}, "Denominator", BOTH_PARTS, id="no-denominator"),
    pytest.param({"denominator": "calls offered"}, "Numerator", BOTH_PARTS, id="no-numerator"),
    pytest.param({"rollup": "Ratio"}, "Roll-up", RATIO, id="ratio-without-parts"),
    pytest.param(
        {"rollup": "average", "unit": "Number of failures", "direction": "Lower is better"},
        "Roll-up",
        COUNT,
        id="count-averaged",
    ),
    pytest.param(
        {"numerator": "a", "denominator": "b", "unit": "Number of failures"},
        "Roll-up",
        COUNT,
        id="count-recomputed-by-default",
    ),
    pytest.param(
        {"numerator": "x" * 61, "denominator": "calls offered"},
        "Numerator",
        "Ensure this value has at most 60 characters (it has 61).",
        id="numerator-too-long",
    ),
]


@pytest.mark.parametrize(("cells", "column", "message"), BAD_CELLS)
def test_it_refuses_a_bad_cell_beside_its_column(contract, admin_user, cells, column, message):
    before = definitions_state()
    preview = preview_of(contract, admin_user, to_csv([months(**cells)]))
    assert preview.rows[0].problems == [(column, message)]
    with pytest.raises(DefinitionsRefused):
        import_definitions(preview=preview, user=admin_user)
    assert definitions_state() == before


@pytest.fixture
def as_manager(client, manager):
    client.login(username="manager", password=PASSWORD)
    return client


def _upload(client, rows):
    return client.post(UPLOAD, {"file": SimpleUploadedFile("ict-kpis.csv", to_csv(rows))})


def test_the_page_previews_and_writes_the_parts(seed, as_manager):
    rows = rows_of(seed["ICT"])
    rows[2].update({"Numerator": "incidents resolved in time", "Denominator": "incidents"})
    response = _upload(as_manager, rows)
    page = response.content.decode()
    assert response.status_code == 200, page
    assert "<strong>Numerator</strong>: (none) to incidents resolved in time" in page
    assert "<strong>Denominator</strong>: (none) to incidents" in page
    token = response.context["confirm_form"]["token"].value()
    assert as_manager.post(CONFIRM, {"token": token, "reason": "Parts"}).status_code == 302
    kpi = Kpi.objects.get(contract__code="ICT", reference="3")
    assert (kpi.numerator_label, kpi.rollup_rule) == ("incidents resolved in time", Rollup.RATIO)


def test_the_page_says_what_each_new_kpi_will_be_before_importing(seed, as_manager):
    """A new KPI's row is summed up as the file defines it: how often and in what it is
    measured, its target or that it is data only, how its months make its quarter, and its life
    span; a data-only KPI with no direction leaves no empty phrase."""
    rows = [
        months(
            "ratio",
            "tonnes recycled",
            "tonnes collected",
            reference="W-02",
            measured_from="Jun 2019",
            retired_after="Mar 2021",
        ),
        months("last", reference="W-06", unit="Number", direction="", target=""),
        row(reference="W-05", frequency="Quarterly", target="95%"),
    ]
    page = _upload(as_manager, rows).content.decode().replace("&#x27;", "'")
    assert (
        "Monthly, as percentage, higher is better, target 90, quarter: recomputed from the "
        "months' parts (tonnes recycled of tonnes collected), measured from Jun 2019, retired "
        "after Mar 2021, in NEW"
    ) in page
    assert "Monthly, as number, no target: data only, quarter: last month measured, in NEW" in page
    assert "Quarterly, as percentage, higher is better, target 95%, in NEW" in page
    # The columns that say so are explained beside the template.
    for column in ("Measured from", "Retired after", "Roll-up", "Numerator", "Denominator"):
        assert f"<strong>{column}</strong>" in page


@pytest.mark.parametrize(
    ("cells", "shown"),
    [
        ({"rollup": "mean"}, "<strong>Roll-up</strong> (“mean”): Unknown roll-up &#x27;mean&#x27;"),
        ({"numerator": "calls answered"}, f"<strong>Denominator</strong>: {BOTH_PARTS}"),
        (
            {"rollup": "Ratio"},
            "<strong>Roll-up</strong> (“Ratio”): A ratio is recomputed from each month&#x27;s "
            "parts",
        ),
    ],
)
def test_the_page_shows_a_bad_cell_beside_its_column(seed, as_manager, cells, shown):
    before = definitions_state()
    response = _upload(as_manager, [months(**cells)])
    page = response.content.decode()
    assert response.status_code == 400
    assert "The file cannot be imported: nothing was changed" in page
    assert shown in page
    assert response.context["confirm_form"] is None
    assert definitions_state() == before


def _command(tmp_path, rows, *extra: str) -> tuple[str, str]:
    path = tmp_path / "ict-kpis.csv"
    path.write_bytes(to_csv(rows))
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_kpis", str(path), "--contract=ICT", "--user=manager", *extra, stdout=out, stderr=err
    )
    return out.getvalue(), err.getvalue()


def test_the_command_imports_a_roll_up(seed, manager, tmp_path):
    rows = rows_of(seed["ICT"])
    rows[2]["Roll-up"] = "worst"
    out, _ = _command(tmp_path, rows, "--reason=Worst month counts")
    assert "line 4: 3: Roll-up (none) -> Worst month" in out
    assert Kpi.objects.get(contract__code="ICT", reference="3").rollup == Rollup.WORST


@pytest.mark.parametrize(("cells", "column", "message"), BAD_CELLS)
def test_the_command_refuses_a_bad_cell_beside_its_column(
    seed, manager, tmp_path, cells, column, message
):
    before = definitions_state()
    out, err = io.StringIO(), io.StringIO()
    path = tmp_path / "ict-kpis.csv"
    path.write_bytes(to_csv([months(reference="W-1", **cells)]))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "import_kpis", str(path), "--contract=ICT", "--user=manager", stdout=out, stderr=err
        )
    assert f"line 2: {column}: {message}" in err.getvalue()
    assert definitions_state() == before


def test_the_api_shows_the_roll_up_and_the_parts(seed, committee_member, client_for):
    Kpi.objects.filter(contract__code="ICT", reference="3").update(
        rollup=Rollup.RATIO, numerator_label="resolved in time", denominator_label="resolved"
    )
    api = client_for(committee_member)
    body = api.get("/api/v1/kpis/?contract=ICT&reference=3").json()
    (kpi,) = body["results"]
    assert (kpi["rollup"], kpi["numerator_label"], kpi["denominator_label"]) == (
        "ratio",
        "resolved in time",
        "resolved",
    )
