"""`manage.py import_kpis`: the same preview, checks and write as the page."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from kpis.models import Kpi
from tests.kpis.definition_files import definitions_state, row, rows_of, to_csv


def _run(path, *extra: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_kpis", str(path), "--contract=ICT", "--user=manager", *extra, stdout=out, stderr=err
    )
    return out.getvalue(), err.getvalue()


def _file(tmp_path, rows) -> str:
    path = tmp_path / "ict-kpis.csv"
    path.write_bytes(to_csv(rows))
    return path


def test_it_imports_new_and_changed_kpis(seed, manager, tmp_path):
    rows = rows_of(seed["ICT"])
    rows[2].update({"Target": "88", "Detriment threshold": "85", "Failure threshold": "80"})
    path = _file(tmp_path, [*rows, row(reference="W-1")])
    out, _ = _run(path, "--reason=Renegotiated", "--effective-from=2019-12-31")
    assert (
        "line 4: 3: Target 90 -> 88; Detriment threshold 87 -> 85; Failure threshold 84 -> 80"
        in out
    )
    assert "line 21: W-1: new" in out
    assert "Imported: 1 KPIs added, 1 changed." in out
    kpi = Kpi.objects.get(contract__code="ICT", reference="3")
    assert kpi.target == Decimal(88)
    assert kpi.rule_changes.get().reason == "Renegotiated"


def test_it_writes_nothing_on_a_dry_run(seed, manager, tmp_path):
    before = definitions_state()
    out, _ = _run(_file(tmp_path, [row(reference="W-1")]), "--dry-run")
    assert "Dry run: 1 KPIs would be added and 0 changed." in out
    assert "19: not in the file, left as it is" in out
    assert definitions_state() == before


def test_it_prints_every_problem_and_refuses(seed, manager, tmp_path):
    before = definitions_state()
    path = _file(
        tmp_path, [row(reference="W-1", target="x"), row(reference="W-2", unit="furlongs")]
    )
    with pytest.raises(CommandError, match="2 problems: nothing was imported"):
        _run(path)
    _, err = _run_capturing_errors(path)
    assert "line 2: Target: 'x' is not a number" in err
    assert "line 3: Unit: Unknown unit 'furlongs'" in err
    assert definitions_state() == before


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ((), "--reason: Say why the KPIs are changing"),
        (("--reason=Renegotiated",), "--effective-from: Choose the first quarter"),
        (
            ("--reason=Renegotiated", "--effective-from=2019-09-30"),
            "approved and locked",
        ),
    ],
)
def test_it_asks_for_a_reason_and_a_quarter_open_to_change(seed, manager, tmp_path, extra, words):
    rows = rows_of(seed["ICT"])
    rows[2]["Target"] = "95"
    before = definitions_state()
    _, err = _run_capturing_errors(_file(tmp_path, rows), *extra)
    assert words in err
    assert definitions_state() == before


def test_it_refuses_an_unknown_contract_or_date(seed, manager, tmp_path):
    with pytest.raises(CommandError, match="No contract has the code 'NOPE'"):
        call_command("import_kpis", "x.csv", "--contract=NOPE")
    with pytest.raises(CommandError, match="is not a date"):
        _run(tmp_path / "x.csv", "--effective-from=June")


def test_it_refuses_someone_who_cannot_define_kpis(seed, officer, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_kpis",
            str(_file(tmp_path, [row()])),
            "--contract=ICT",
            "--user=officer",
            stdout=out,
            stderr=err,
        )
    assert "You cannot change this contract's KPIs." in err.getvalue()


def _run_capturing_errors(path, *extra: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_kpis",
            str(path),
            "--contract=ICT",
            "--user=manager",
            *extra,
            stdout=out,
            stderr=err,
        )
    return out.getvalue(), err.getvalue()
