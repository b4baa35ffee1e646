"""A reminder run that meets a mail server that never answers, a backend that breaks for one
person, or a second run at the same moment: it finishes, says what failed, holds no transaction
while it waits, and sends nobody the same reminder twice."""

from __future__ import annotations

import datetime
import io
import socket
import threading
import time

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test import override_settings
from django.utils import timezone

from kpis.writes import opening, saving, workflow
from reminders.models import ReminderSent
from tests.kpis.returns import fill_return

Q3 = datetime.date(2019, 12, 31)
TODAY = datetime.date(2020, 1, 10)


@pytest.fixture
def people(seed, officer, manager, monkeypatch):
    """The officer (PSSP due) and the manager (ICT awaiting approval), both with an address."""
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)
    for user in (officer, manager):
        user.email = f"{user.username}@example.org"
        user.save()
    submitted = opening.open_return(contract=seed["ICT"], end_date=Q3, user=officer)
    saving.save_return(quarterly_return=submitted, user=officer, entries=fill_return(submitted))
    workflow.submit_return(quarterly_return=submitted, user=officer)
    return officer, manager


def _run(fails: bool = False) -> str:
    out = io.StringIO()
    if fails:
        with pytest.raises(CommandError, match="could not be sent") as error:
            call_command("send_return_reminders", stdout=out)
        return out.getvalue() + str(error.value)
    call_command("send_return_reminders", stdout=out)
    return out.getvalue()


def _run_against(server, **limits) -> str:
    """A run whose reminders go by SMTP to `server` on 127.0.0.1, which is closed after it."""
    smtp = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": server.port,
        "EMAIL_USE_TLS": False,
    }
    try:
        with override_settings(**smtp, **limits):
            return _run(fails=True)
    finally:
        server.close()


class SilentServer:
    """Accepts connections on 127.0.0.1 and never says a word, like a stuck mail relay.

    `on_connect` runs as each client connects, while the client waits for the greeting. As a
    backstop, a connection is dropped after `give_up` seconds, so a client without a timeout
    makes the test fail slowly rather than hang it.
    """

    def __init__(self, on_connect, give_up: float = 20.0) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.on_connect = on_connect
        self.give_up = give_up
        self.connections: list[socket.socket] = []
        self.backstops: list[threading.Timer] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            self.connections.append(client)
            backstop = threading.Timer(self.give_up, client.close)
            backstop.daemon = True
            backstop.start()
            self.backstops.append(backstop)
            self.on_connect()

    def close(self) -> None:
        self.listener.close()
        for backstop in self.backstops:
            backstop.cancel()
        for client in self.connections:
            client.close()


def _idle_in_transaction() -> int:
    """Other sessions of this database left open in a transaction (PostgreSQL only)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND state LIKE 'idle in transaction%%' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_it_gives_up_on_a_server_that_never_answers_holding_nothing_meanwhile(seed, people):
    run_connection = connections["default"]  # the run's own, in this thread
    seen: list[dict] = []

    def look_while_the_run_waits() -> None:
        seen.append({"in_atomic_block": run_connection.in_atomic_block})
        if run_connection.vendor == "postgresql":
            # From a second connection, as the next day's run or a page would.
            seen[-1]["idle_in_transaction"] = _idle_in_transaction()
            connection.close()

    started = time.monotonic()
    printed = _run_against(SilentServer(look_while_the_run_waits), EMAIL_TIMEOUT=0.5)

    # Two people, each given up on after the timeout: nowhere near the backstop.
    assert time.monotonic() - started < 10
    assert "manager: not sent: Connection unexpectedly closed: timed out" in printed
    assert "officer: not sent: Connection unexpectedly closed: timed out" in printed
    assert "2 of 2 reminders could not be sent" in printed
    assert len(seen) == 2
    # No transaction was open while the server was awaited, so no reminder row was locked...
    assert all(not look["in_atomic_block"] for look in seen), seen
    assert all(look.get("idle_in_transaction", 0) == 0 for look in seen), seen
    # ...and nothing is recorded as sent: the next run tries again.
    assert not ReminderSent.objects.exists()


class DrippingServer:
    """Greets each connection one byte at a time, a byte every `every` seconds, for ever: every
    byte restarts the client's EMAIL_TIMEOUT. Each connection is dropped after `give_up`
    seconds, so a client without a deadline fails the test slowly rather than hang it."""

    def __init__(self, every: float = 0.2, give_up: float = 30.0) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.every, self.give_up = every, give_up
        self.stopped = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            threading.Thread(target=self._drip, args=(client,), daemon=True).start()

    def _drip(self, client: socket.socket) -> None:
        ends = time.monotonic() + self.give_up
        with client:
            while not self.stopped.is_set() and time.monotonic() < ends:
                try:
                    client.sendall(b"2")
                except OSError:
                    return
                time.sleep(self.every)

    def close(self) -> None:
        self.stopped.set()
        self.listener.close()


def test_it_gives_up_on_a_server_that_answers_a_byte_at_a_time(seed, people):
    started = time.monotonic()
    printed = _run_against(DrippingServer(), EMAIL_TIMEOUT=1, EMAIL_SEND_DEADLINE=1)

    # Each byte came well inside EMAIL_TIMEOUT; the deadline gave up on each person after a
    # second, nowhere near the server's own thirty.
    assert time.monotonic() - started < 10
    assert "manager: not sent: the mail server had not taken it after 1 seconds" in printed
    assert "officer: not sent: the mail server had not taken it after 1 seconds" in printed
    assert "2 of 2 reminders could not be sent" in printed
    assert not ReminderSent.objects.exists()


class BrokenForManager(locmem.EmailBackend):
    """Delivers to the outbox, except for the manager's address, where it breaks."""

    def send_messages(self, messages):
        if any("manager@example.org" in m.to for m in messages):
            raise RuntimeError("backend bug")
        return super().send_messages(messages)


def test_it_carries_on_past_a_recipient_whose_send_breaks(seed, people, settings):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenForManager"

    printed = _run(fails=True)

    # The manager comes first (people are taken by username): the officer is still sent theirs.
    assert printed.index("manager:") < printed.index("officer:")
    assert "manager: not sent: backend bug (RuntimeError): ICT 2019/20 Q3" in printed
    assert "officer: sent to officer@example.org: PSSP 2019/20 Q3" in printed
    assert "1 of 2 reminders could not be sent" in printed
    assert [m.to for m in mail.outbox] == [["officer@example.org"]]
    assert list(ReminderSent.objects.values_list("recipient__username", flat=True)) == ["officer"]

    # The next run, with the backend mended, sends the manager's and nothing twice.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    again = _run()
    assert again.startswith("manager: sent to manager@example.org: ICT 2019/20 Q3")
    assert "officer" not in again
    assert len(mail.outbox) == 2


class SlowToSend(locmem.EmailBackend):
    """Delivers only once the test says so, telling it when a send has begun."""

    began = threading.Event()
    may_finish = threading.Event()

    def send_messages(self, messages):
        SlowToSend.began.set()
        SlowToSend.may_finish.wait(timeout=15)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_it_lets_a_second_run_meanwhile_neither_wait_for_the_first_nor_repeat_it(
    seed, officer, monkeypatch, settings
):
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)
    officer.email = "officer@example.org"
    officer.save()
    settings.EMAIL_BACKEND = f"{__name__}.SlowToSend"
    SlowToSend.began.clear()
    SlowToSend.may_finish.clear()
    first: list[str] = []

    def first_run() -> None:
        try:
            first.append(_run())
        finally:
            connection.close()

    thread = threading.Thread(target=first_run)
    thread.start()
    try:
        assert SlowToSend.began.wait(timeout=15)
        # The first run is waiting on its mail server: a second starts now.
        started = time.monotonic()
        second = _run()
        waited = time.monotonic() - started
    finally:
        SlowToSend.may_finish.set()
        thread.join(timeout=20)

    assert waited < 5, "the second run waited for the first's transaction"
    assert second == "No reminders to send today.\n"
    assert len(first) == 1 and first[0].startswith("officer: sent to officer@example.org: ")
    assert len(mail.outbox) == 1
    assert ReminderSent.objects.count() == 2  # ICT and PSSP, in the one email
