"""Reads from a real streaming replica: where each read goes, and a lagging replica's pages.

Each test holds the replica back (replay paused) where it needs to tell the two apart: what the
primary has and the replica does not yet is then seen only by a read of the primary.
"""

import io

import pytest
from django.core.management import call_command
from django.db import connections
from django.test.utils import CaptureQueriesContext

from kpis.models import Kpi
from questions import writes
from questions.models import Question
from serco_kpi.replicas import PIN_COOKIE
from tests.questions.asking import MAR_19, TEXT
from tests.replicas.conftest import ALIAS, needs_replica

pytestmark = needs_replica
ASK = "/contracts/PSSP/questions/ask/"


@pytest.fixture
def kpi(seed) -> Kpi:
    return Kpi.objects.get(contract=seed["PSSP"], reference="R&B-K-009")


def _contract_data(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries if '"kpis_' in q["sql"] or '"contracts_' in q["sql"]]


def _ask(contract, member, kpi) -> Question:
    return writes.ask_question(contract=contract, user=member, text=TEXT, kpi=kpi, end_date=MAR_19)


def test_a_page_that_changes_nothing_reads_the_contract_data_from_the_replica(
    client, replica, committee_member, kpi
):
    replica.catch_up()
    client.force_login(committee_member)
    url = kpi.get_absolute_url()
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[ALIAS]) as replica_reads,
    ):
        response = client.get(url)
    assert response.status_code == 200
    assert _contract_data(replica_reads)
    # The primary answers for the session and the user only.
    assert _contract_data(primary) == []


def test_a_write_goes_to_the_primary_and_its_writer_then_reads_the_primary(
    client, replica, committee_member, kpi, seed, django_user_model
):
    replica.catch_up()
    replica.pause()
    client.force_login(committee_member)
    with CaptureQueriesContext(connections[ALIAS]) as replica_reads:
        response = client.post(ASK, {"kpi": kpi.pk, "quarter": MAR_19.isoformat(), "text": TEXT})
    assert response.status_code == 302
    assert replica_reads.captured_queries == []
    assert PIN_COOKIE in response.cookies
    # The member who asked sees the question at once, although the replica has not got it yet.
    assert TEXT in client.get(kpi.get_absolute_url()).content.decode()
    # Another reader, on the replica held back, does not yet; once it catches up, they do.
    client.cookies.pop(PIN_COOKIE)
    assert TEXT not in client.get(kpi.get_absolute_url()).content.decode()
    replica.catch_up()
    assert TEXT in client.get(kpi.get_absolute_url()).content.decode()


def test_a_management_command_reads_the_primary(replica, seed):
    replica.catch_up()
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[ALIAS]) as replica_reads,
    ):
        call_command("export_summary", contract="PSSP", stdout=io.StringIO())
    assert replica_reads.captured_queries == []
    assert _contract_data(primary)


def test_a_replica_catching_up_in_the_middle_of_a_page_never_mixes_two_versions_in_it(
    client, replica, committee_member, kpi, seed
):
    """The page reads the contract's data version first, then the rest. Were each query to see
    the replica as it is at that moment, a replica catching up between them would give a page
    of the new figures under the old version, kept in the page cache as the old one."""
    replica.catch_up()
    replica.pause()
    _ask(seed["PSSP"], committee_member, kpi)

    def catch_up_after_the_contract_is_read(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if '"contracts_contract"' in sql and not caught_up:
            caught_up.append(True)
            replica.catch_up()
        return result

    caught_up: list[bool] = []
    client.force_login(committee_member)
    with connections[ALIAS].execute_wrapper(catch_up_after_the_contract_is_read):
        during = client.get(kpi.get_absolute_url()).content.decode()
    assert caught_up
    assert TEXT not in during
    # The next page is built from the new version, the question in it.
    assert TEXT in client.get(kpi.get_absolute_url()).content.decode()
