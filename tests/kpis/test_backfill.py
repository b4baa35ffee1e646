"""Back-filling a past quarter from a published source: approved at once, with its source."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kpis.choices import ReturnState
from kpis.models import QuarterlyReturn, Reading
from kpis.writes import opening
from tests.conftest import PASSWORD
from tests.kpis.import_files import database_state, rows_of, to_csv

UPLOAD = "/contracts/ICT/import/"
CONFIRM = "/contracts/ICT/import/confirm/"
# ICT has no return for this quarter in the seed; the one before is approved.
PAST = datetime.date(2019, 12, 31)
APPROVED = datetime.date(2019, 9, 30)
SOURCE = "ICT contract monitoring report, February 2020"


def _history_file(contract, **changes: dict[str, str]) -> bytes:
    """The template for PAST with KPI 1 at 0 failures (met) and KPI 8 at 80% against its 90%
    target (a miss), no commentary; `changes` override cells by KPI reference."""
    rows = rows_of(contract, PAST)
    for row in rows:
        if row["KPI reference"] == "1":
            row["Figure"] = "0"
        if row["KPI reference"] == "8":
            row["Figure"] = "80"
        row.update(changes.get(row["KPI reference"], {}))
    return to_csv(rows)


def _upload(client, content: bytes, quarter=PAST, **fields):
    data = {"quarter": quarter.isoformat(), "file": SimpleUploadedFile("history.csv", content)}
    return client.post(UPLOAD, {**data, **fields})


def _reading(reference: str, end=PAST) -> Reading:
    return Reading.objects.get(
        kpi__contract__code="ICT", kpi__reference=reference, period__end_date=end
    )


@pytest.fixture
def as_manager(client, manager):
    client.login(username="manager", password=PASSWORD)
    return client


def test_it_backfills_a_past_quarter_as_approved_with_its_source(as_manager, manager, seed):
    content = _history_file(seed["ICT"], **{"8": {"Target": "85"}})
    preview = _upload(as_manager, content, backfill="on", source=SOURCE, page="14")
    html = preview.content.decode()
    assert preview.status_code == 200, html
    assert f"Back-filled from {SOURCE}, page 14" in html
    assert "To do before you submit" not in html
    assert "New target" in html

    response = as_manager.post(CONFIRM, {"token": preview.context["token"]})
    assert response.status_code == 302
    quarterly_return = QuarterlyReturn.objects.get(contract__code="ICT", period__end_date=PAST)
    assert quarterly_return.state == ReturnState.APPROVED
    assert (quarterly_return.backfill_source, quarterly_return.backfill_page) == (SOURCE, "14")
    assert quarterly_return.backfilled_by == manager == quarterly_return.approved_by
    assert quarterly_return.backfilled_at is not None
    assert quarterly_return.history.first().backfill_source == SOURCE
    # The miss is kept as printed, without commentary, against the quarter's own target of 85.
    kpi_8 = _reading("8")
    assert (kpi_8.value, kpi_8.commentary, kpi_8.target_override) == (Decimal(80), "", Decimal(85))
    assert kpi_8.evaluate().status == "below_target"
    assert _reading("1").value == Decimal(0)

    page = as_manager.get(response["Location"]).content.decode()
    assert f"Back-filled from {SOURCE}, page 14" in page


def test_the_committee_sees_where_a_backfilled_quarter_came_from(
    client, manager, committee_member, seed
):
    client.login(username="manager", password=PASSWORD)
    preview = _upload(client, _history_file(seed["ICT"]), backfill="on", source=SOURCE)
    client.post(CONFIRM, {"token": preview.context["token"]})
    client.login(username="committee", password=PASSWORD)
    note = f"Back-filled from {SOURCE}"
    kpi_8 = _reading("8").kpi
    for url in (
        f"/contracts/ICT/returns/{PAST}/",
        kpi_8.get_absolute_url(),
        f"/contracts/ICT/?quarter={PAST}",
        f"/contracts/ICT/kpis/?quarter={PAST}",
        f"/contracts/ICT/pack/{PAST}/",
    ):
        html = client.get(url).content.decode()
        assert note in html, url
    # A quarter entered as usual names no source.
    assert "Back-filled from" not in client.get(f"/contracts/ICT/pack/{APPROVED}/").content.decode()


def test_it_backfills_from_the_command_line(manager, seed, tmp_path, capsys):
    from django.core.management import call_command

    path = tmp_path / "ICT-history.csv"
    path.write_bytes(_history_file(seed["ICT"]))
    call_command(
        "import_readings",
        str(path),
        "--contract=ICT",
        f"--period={PAST}",
        "--user=manager",
        "--backfill",
        f"--source={SOURCE}",
        "--page=Appendix B",
    )
    quarterly_return = QuarterlyReturn.objects.get(contract__code="ICT", period__end_date=PAST)
    assert quarterly_return.state == ReturnState.APPROVED
    assert quarterly_return.backfill_note == f"Back-filled from {SOURCE}, page Appendix B"
    assert "Back-filled as approved" in capsys.readouterr().out
    assert _reading("8").value == Decimal(80)


def test_the_command_wants_a_source_and_a_manager(officer, manager, seed, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "ICT-history.csv"
    path.write_bytes(_history_file(seed["ICT"]))
    before = database_state()
    args = [str(path), "--contract=ICT", f"--period={PAST}", "--backfill"]
    with pytest.raises(CommandError, match="--source"):
        call_command("import_readings", *args, "--user=manager")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_readings", *args, "--user=officer", f"--source={SOURCE}")
    assert database_state() == before


@pytest.mark.parametrize(
    ("who", "status"), [("officer", 403), ("committee", 403), ("outsider", 404)]
)
def test_it_refuses_those_who_do_not_manage_the_contract(
    client, officer, committee_member, outsider, seed, who, status
):
    client.login(username=who, password=PASSWORD)
    before = database_state()
    response = _upload(client, _history_file(seed["ICT"]), backfill="on", source=SOURCE)
    assert response.status_code == status
    assert database_state() == before


def test_an_officer_is_not_offered_the_backfill(client, officer, seed):
    client.login(username="officer", password=PASSWORD)
    assert "Back-fill a past quarter" not in client.get(UPLOAD).content.decode()


def test_it_refuses_an_approved_quarter_until_reopened(as_manager, seed):
    before = database_state()
    content = to_csv(rows_of(seed["ICT"], APPROVED))
    response = _upload(as_manager, content, quarter=APPROVED, backfill="on", source=SOURCE)
    html = response.content.decode()
    assert response.status_code == 400
    assert "must reopen it, giving a reason" in html
    assert database_state() == before


def test_it_asks_for_the_source_and_keeps_what_was_typed(as_manager, seed):
    response = _upload(as_manager, _history_file(seed["ICT"]), backfill="on", page="22")
    html = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#id_source">Name the document the figures come from' in html
    assert 'value="22"' in html and "checked" in html


def test_it_refuses_a_quarter_not_yet_over(as_manager, seed):
    from django.utils import timezone

    from kpis.models.period import quarter_end_for

    current = quarter_end_for(timezone.localdate())
    response = _upload(
        as_manager, _history_file(seed["ICT"]), quarter=current, backfill="on", source=SOURCE
    )
    assert response.status_code == 400
    assert "Only a quarter that has ended can be back-filled" in response.content.decode()


def test_it_writes_nothing_when_one_row_is_wrong(as_manager, seed):
    before = database_state()
    content = _history_file(seed["ICT"], **{"3": {"Figure": "lots"}})
    response = _upload(as_manager, content, backfill="on", source=SOURCE)
    assert response.status_code == 400
    assert "&#x27;lots&#x27; is not a number" in response.content.decode()
    assert database_state() == before
    assert not QuarterlyReturn.objects.filter(contract__code="ICT", period__end_date=PAST).exists()


def test_it_backfills_a_return_someone_else_submitted(as_manager, manager, officer, seed):
    # The manager is the second person here; their own submission is another matter
    # (tests/kpis/test_backfill_second_person.py).
    quarterly_return = opening.open_return(contract=seed["ICT"], end_date=PAST, user=manager)
    QuarterlyReturn.objects.filter(pk=quarterly_return.pk).update(
        state=ReturnState.SUBMITTED, submitted_by=officer
    )
    preview = _upload(as_manager, _history_file(seed["ICT"]), backfill="on", source=SOURCE)
    assert preview.status_code == 200, preview.content.decode()
    as_manager.post(CONFIRM, {"token": preview.context["token"]})
    quarterly_return.refresh_from_db()
    assert quarterly_return.state == ReturnState.APPROVED
    assert quarterly_return.approved_by == manager


def test_a_target_that_is_not_a_target_is_refused(as_manager, seed):
    before = database_state()
    content = _history_file(seed["ICT"], **{"8": {"Target": "120"}, "2": {"Target": "soon"}})
    response = _upload(as_manager, content, backfill="on", source=SOURCE)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Target: A percentage must be between 0 and 100." in html
    assert "In &#x27;Target&#x27;, give the quarter&#x27;s target as a number" in html
    assert database_state() == before


def test_the_service_wants_a_source_before_writing_anything(manager, seed):
    from django.core.exceptions import ValidationError

    from kpis.writes.backfill import backfill_return

    before = database_state()
    with pytest.raises(ValidationError) as raised:
        backfill_return(contract=seed["ICT"], end_date=PAST, user=manager, entries=[], source="  ")
    assert raised.value.message_dict == {
        "source": ["Name the document the figures come from, such as the committee report"]
    }
    assert database_state() == before


def test_a_wrong_row_leaves_a_draft_as_it_was(manager, seed):
    from kpis.writes.backfill import backfill_return
    from kpis.writes.saving import ReturnInvalid, RowEntry

    quarterly_return = opening.open_return(contract=seed["ICT"], end_date=PAST, user=manager)
    reading = _reading("8")
    before = database_state()
    wrong = RowEntry(kpi_id=reading.kpi_id, version=reading.version, value=Decimal(150))
    with pytest.raises(ReturnInvalid):
        backfill_return(
            contract=seed["ICT"], end_date=PAST, user=manager, entries=[wrong], source=SOURCE
        )
    assert database_state() == before
    quarterly_return.refresh_from_db()
    assert (quarterly_return.state, quarterly_return.backfill_source) == (ReturnState.DRAFT, "")
