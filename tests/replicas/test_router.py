"""The router's choices, without a replica: what reads where once the middleware has chosen."""

from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.http import HttpResponse
from django.test import RequestFactory

from kpis.models import Kpi
from serco_kpi import replicas


def test_without_a_chosen_replica_everything_reads_the_primary():
    router = replicas.ReplicaRouter()
    assert router.db_for_read(Kpi) == "default"
    assert router.db_for_write(Kpi) == "default"


def test_a_request_s_replica_serves_the_contract_data_but_not_sessions_or_users():
    router = replicas.ReplicaRouter()
    token = replicas._reading_from.set("replica1")
    try:
        assert router.db_for_read(Kpi) == "replica1"
        assert router.db_for_read(Session) == "default"
        assert router.db_for_read(User) == "default"
        assert router.db_for_write(Kpi) == "default"
    finally:
        replicas._reading_from.reset(token)


def test_only_the_primary_is_migrated():
    router = replicas.ReplicaRouter()
    assert router.allow_migrate("default", "kpis")
    assert not router.allow_migrate("replica1", "kpis")


def test_without_replicas_a_write_leaves_no_cookie_behind(monkeypatch):
    monkeypatch.setattr(replicas, "replica_aliases", list)
    middleware = replicas.ReplicaReadsMiddleware(lambda request: HttpResponse())
    response = middleware(RequestFactory().post("/contracts/PSSP/questions/ask/"))
    assert replicas.PIN_COOKIE not in response.cookies


def test_a_pin_cookie_that_is_not_a_time_pins_nothing():
    request = RequestFactory().get("/")
    request.COOKIES[replicas.PIN_COOKIE] = "soon"
    assert not replicas._pinned(request)
    request.COOKIES[replicas.PIN_COOKIE] = "9999999999"
    assert replicas._pinned(request)
