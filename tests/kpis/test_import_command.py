import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from kpis.management.commands import import_readings as command
from kpis.models import Reading
from kpis.writes import opening
from tests.kpis.import_files import OPEN_QUARTER, database_state, fill_xlsx, rows_of, to_csv


def _run(path, *extra: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_readings",
        str(path),
        "--contract=ICT",
        f"--period={OPEN_QUARTER}",
        "--user=officer",
        *extra,
        stdout=out,
        stderr=err,
    )
    return out.getvalue(), err.getvalue()


def test_it_imports_a_file_from_the_command_line(seed, officer, tmp_path):
    path = tmp_path / "ict.xlsx"
    path.write_bytes(fill_xlsx(seed["ICT"], OPEN_QUARTER, {"3": 95}))
    out, _ = _run(path)
    # KPIs 1 and 2 are monthly: each has its three month rows beneath its own.
    assert "line 10: 3: - -> 95 (Met)" in out
    assert "Imported: 1 readings changed." in out
    held = Reading.objects.get(
        kpi__contract__code="ICT", kpi__reference="3", period__end_date=OPEN_QUARTER
    )
    assert held.value == Decimal(95)
    assert held.history.latest().history_user == officer


def test_it_writes_nothing_on_a_dry_run(seed, officer, tmp_path):
    path = tmp_path / "ict.xlsx"
    path.write_bytes(fill_xlsx(seed["ICT"], OPEN_QUARTER, {"3": 95}))
    before = database_state()
    out, _ = _run(path, "--dry-run")
    assert "Dry run: 1 rows would change." in out
    assert database_state() == before


def test_it_prints_every_problem_with_its_line_and_fails(seed, officer, tmp_path):
    rows = rows_of(seed["ICT"])
    rows[0]["Figure"] = "n/a"
    rows[2]["Figure"] = "150"
    path = tmp_path / "bad.csv"
    path.write_bytes(to_csv(rows))
    before = database_state()
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 problems: nothing was imported"):
        call_command(
            "import_readings",
            str(path),
            "--contract=ICT",
            f"--period={OPEN_QUARTER}",
            "--user=officer",
            stdout=io.StringIO(),
            stderr=err,
        )
    assert "line 2: 'n/a' is not a number" in err.getvalue()
    assert "line 4: A percentage must be between 0 and 100." in err.getvalue()
    assert database_state() == before


def test_it_applies_the_same_permissions_as_the_browser(seed, committee_member, tmp_path):
    path = tmp_path / "ict.xlsx"
    path.write_bytes(fill_xlsx(seed["ICT"], OPEN_QUARTER, {"3": 95}))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_readings",
            str(path),
            "--contract=ICT",
            f"--period={OPEN_QUARTER}",
            "--user=committee",
            stdout=io.StringIO(),
            stderr=err,
        )
    assert "You cannot enter figures for this contract." in err.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--contract=NOPE", "--period=2019-12-31", "--user=officer"], "No contract"),
        (["--contract=ICT", "--period=last June", "--user=officer"], "not a date"),
        (["--contract=ICT", "--period=2019-12-31", "--user=nobody"], "No active user"),
    ],
)
def test_it_explains_bad_arguments(seed, officer, tmp_path, args, message):
    path = tmp_path / "x.csv"
    path.write_bytes(b"x")
    with pytest.raises(CommandError, match=message):
        call_command("import_readings", str(path), *args, stdout=io.StringIO())


def test_it_explains_a_missing_file(seed, officer, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        _run(tmp_path / "absent.xlsx")


def test_it_imports_as_the_administrator_when_no_user_is_named(seed, admin_user, tmp_path):
    path = tmp_path / "ict.xlsx"
    path.write_bytes(fill_xlsx(seed["ICT"], OPEN_QUARTER, {"3": 95}))
    out = io.StringIO()
    call_command(
        "import_readings", str(path), "--contract=ICT", f"--period={OPEN_QUARTER}", stdout=out
    )
    held = Reading.objects.get(
        kpi__contract__code="ICT", kpi__reference="3", period__end_date=OPEN_QUARTER
    )
    assert held.value == Decimal(95)
    assert held.history.latest().history_user == admin_user


def test_it_asks_who_imports_when_there_is_no_single_administrator(seed, tmp_path):
    path = tmp_path / "ict.xlsx"
    path.write_bytes(fill_xlsx(seed["ICT"], OPEN_QUARTER, {"3": 95}))
    with pytest.raises(CommandError, match="--user USERNAME"):
        call_command("import_readings", str(path), "--contract=ICT", f"--period={OPEN_QUARTER}")


def test_it_says_why_when_the_quarter_is_submitted_between_the_check_and_the_write(
    seed, officer, tmp_path, monkeypatch
):
    path = tmp_path / "ict.xlsx"
    path.write_bytes(fill_xlsx(seed["ICT"], OPEN_QUARTER, {"3": 95}))
    write = command.import_readings

    def submitted_meanwhile(*, preview, user):
        # Someone else fills and submits the quarter after the file was checked.
        quarterly_return = opening.open_return(
            contract=seed["ICT"], end_date=OPEN_QUARTER, user=officer
        )
        quarterly_return.state = "submitted"
        quarterly_return.save()
        return write(preview=preview, user=user)

    monkeypatch.setattr(command, "import_readings", submitted_meanwhile)
    before = Reading.objects.filter(kpi__contract__code="ICT", value=95).count()
    with pytest.raises(CommandError, match="Nothing was imported: This return has been submitted"):
        _run(path)
    assert Reading.objects.filter(kpi__contract__code="ICT", value=95).count() == before
