"""The same form sent several times at the same moment (a double click that reaches two gunicorn
workers): one write, and every answer a page, a redirect or a 409, never a server error.

Each request runs in its own thread, with its own database connection, released together by a
barrier. Only PostgreSQL shows the races: SQLite has no row locks and lets one writer in at a
time. `make test-postgres` runs these.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from functools import partial
from http.cookies import SimpleCookie
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone

from kpis.models import Kpi, QuarterlyReturn, Reading
from kpis.pages import imports, returns_workflow
from tests.factories import period
from tests.kpis import definition_files
from tests.kpis.import_files import OPEN_QUARTER, fill_xlsx

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="SQLite lets one writer in at a time and has no row locks: the races need PostgreSQL",
)

AT_ONCE = 5


class Together:
    """Holds each thread at a point until all have reached it, so that the race a test is about
    happens every time rather than now and then. Where a lock lets one thread through at a time
    (the fix), the first gives up waiting after a moment and the others no longer wait."""

    def __init__(self, parties: int) -> None:
        self.barrier = threading.Barrier(parties, timeout=3)
        self.local = threading.local()

    def wait(self) -> None:
        if getattr(self.local, "waited", False):
            return
        self.local.waited = True
        with contextlib.suppress(threading.BrokenBarrierError):
            self.barrier.wait()


def _at_once(requests: list[Callable[[], Any]]) -> list[Any]:
    """Each request's response, or the exception it raised; all started together."""
    barrier = threading.Barrier(len(requests))
    results: list[Any] = [None] * len(requests)

    def run(index: int, request: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = request()
        except Exception as error:  # a server error, raised by the test client
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _statuses(results: list[Any]) -> list[int | str]:
    return [getattr(r, "status_code", repr(r)) for r in results]


def _clients_sharing(client: Client, count: int) -> list[Client]:
    """Browser tabs of one signed-in person: the same session cookie."""
    clients = []
    for _ in range(count):
        other = Client()
        other.cookies = SimpleCookie(client.cookies.output(header="", sep=";"))
        clients.append(other)
    return clients


def test_it_starts_a_return_once_however_many_clicks_arrive_together(
    transactional_db, officer, seed, monkeypatch
):
    due = next(
        d
        for d in returns_workflow._contracts_due(officer, timezone.localdate())
        if d.contract.code == "PSSP"
    )
    end = due.startable[0]
    # As reported: a quarter whose period exists (creating one serialises the clicks anyway).
    period(end.isoformat())
    clients = []
    for _ in range(AT_ONCE):
        client = Client()
        client.force_login(officer)
        clients.append(client)
    url, data = (
        "/contracts/PSSP/returns/start/",
        {
            "PSSP-end_date": end.isoformat(),
            "confirm": "yes",
        },
    )
    # Every click has looked for the return, and found none, before any creates it.
    together, save = Together(AT_ONCE), QuarterlyReturn.save

    def save_together(self, *args, **kwargs):
        together.wait()
        return save(self, *args, **kwargs)

    monkeypatch.setattr(QuarterlyReturn, "save", save_together)
    results = _at_once([partial(c.post, url, data) for c in clients])
    assert _statuses(results) == [302] * AT_ONCE
    assert {r["Location"] for r in results} == {f"/contracts/PSSP/returns/{end.isoformat()}/"}
    assert QuarterlyReturn.objects.filter(contract=seed["PSSP"], period__end_date=end).count() == 1
    kpis = Kpi.objects.filter(contract=seed["PSSP"]).count()
    readings = Reading.objects.filter(kpi__contract=seed["PSSP"], period__end_date=end)
    assert readings.count() == kpis
    assert Reading.history.filter(kpi__contract=seed["PSSP"], period__end_date=end).count() == kpis


def test_it_imports_a_file_once_however_many_confirmations_arrive_together(
    transactional_db, officer, seed, monkeypatch
):
    period(OPEN_QUARTER.isoformat())
    client = Client()
    client.force_login(officer)
    content = fill_xlsx(seed["ICT"], OPEN_QUARTER, {"1": 0, "3": 96.5})
    preview = client.post(
        "/contracts/ICT/import/",
        {"quarter": OPEN_QUARTER.isoformat(), "file": SimpleUploadedFile("ict.xlsx", content)},
    )
    token = preview.context["token"]
    url = "/contracts/ICT/import/confirm/"
    tabs = _clients_sharing(client, 3)
    # Every confirmation has checked the file before any writes it, and has looked for the
    # quarter's return before any creates it.
    checked, opening = Together(3), Together(3)
    writing = threading.local()
    import_readings, save = imports.import_readings, QuarterlyReturn.save

    def import_together(**kwargs):
        checked.wait()
        writing.now = True
        return import_readings(**kwargs)

    def save_together(self, *args, **kwargs):
        if getattr(writing, "now", False):
            opening.wait()
        return save(self, *args, **kwargs)

    monkeypatch.setattr(imports, "import_readings", import_together)
    monkeypatch.setattr(QuarterlyReturn, "save", save_together)
    results = _at_once([partial(c.post, url, {"token": token}) for c in tabs])
    assert set(_statuses(results)) <= {302, 409}, _statuses(results)
    assert (
        QuarterlyReturn.objects.filter(contract=seed["ICT"], period__end_date=OPEN_QUARTER).count()
        == 1
    )
    imported = Reading.history.filter(history_change_reason="Imported from ict.xlsx")
    assert imported.count() == 2


def test_it_imports_definitions_once_however_many_confirmations_arrive_together(
    transactional_db, manager, seed
):
    client = Client()
    client.force_login(manager)
    content = definition_files.to_csv([definition_files.row(reference="W-1")])
    preview = client.post(
        "/contracts/ICT/kpis/import/", {"file": SimpleUploadedFile("kpis.csv", content)}
    )
    token = preview.context["confirm_form"]["token"].value()
    url = "/contracts/ICT/kpis/import/confirm/"
    tabs = _clients_sharing(client, 3)
    results = _at_once([partial(c.post, url, {"token": token}) for c in tabs])
    assert set(_statuses(results)) <= {302, 409}, _statuses(results)
    assert Kpi.objects.filter(contract=seed["ICT"], reference="W-1").count() == 1
    assert Kpi.history.filter(reference="W-1").count() == 1
