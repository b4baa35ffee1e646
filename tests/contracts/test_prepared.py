"""Compiled queries run as statements PostgreSQL prepares once per connection, answering for
whatever is asked, and prepared again on a new connection."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.compiled import _numbered, prepared
from kpis.models import Kpi, Reading

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2020, 5, 15)


def test_django_s_placeholders_become_postgresql_s_numbered_ones():
    sql = "SELECT %s, '100%%' WHERE a = ANY(%s) AND b LIKE 'x%%' AND c = %s"
    assert _numbered(sql) == "SELECT $1, '100%' WHERE a = ANY($2) AND b LIKE 'x%' AND c = $3"


def _statements() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


def _judged(kpi_ids, period_ids) -> list[tuple]:
    readings = Reading.objects.judged(kpi_ids=kpi_ids, period_ids=period_ids, today=TODAY)
    return sorted((r.pk, r.status, r.would_have_been) for r in readings)


def _from_the_orm(kpi_ids, period_ids) -> list[tuple]:
    readings = Reading.objects.filter(kpi__in=kpi_ids, period__in=period_ids).with_status(TODAY)
    return sorted(readings.values_list("pk", "status", "would_have_been"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
# Not in a transaction that the test rolls back, so that the connection may be closed.
@pytest.mark.django_db(transaction=True)
def test_a_status_query_is_prepared_once_per_connection_and_answers_as_the_orm(seed):
    kpis = list(Kpi.objects.filter(contract=seed["PSSP"]).values_list("pk", flat=True))
    periods = list(Reading.objects.filter(kpi__in=kpis).values_list("period", flat=True))
    periods = sorted(set(periods))
    # More times than PostgreSQL would plan for the values asked before keeping one plan (were
    # the settings not to ask for one plan from the first), for other KPIs and quarters each
    # time, and for none.
    names = set()
    for n in range(1, 8):
        with CaptureQueriesContext(connection) as queries:
            judged = _judged(kpis[:n], periods[-n:])
        assert judged == _from_the_orm(kpis[:n], periods[-n:])
        # The statement is prepared beside Django's queries, not among them.
        assert len(queries) == 1
        names.add(queries[0]["sql"].removeprefix("EXECUTE ").split("(")[0])
    assert _judged(kpis, []) == []
    [name] = names
    assert name.startswith("compiled_") and name in _statements()
    # A new connection has no statements of its own: the first read prepares it again.
    connection.close()
    assert _statements() == set()
    assert _judged(kpis, periods) == _from_the_orm(kpis, periods)
    assert _statements() == {name}


def test_elsewhere_the_query_runs_as_it_is():
    if connection.vendor == "postgresql":
        pytest.skip("SQLite runs the query as given")
    assert prepared("SELECT %s", [1], "default") == ("SELECT %s", [1])
