"""A return sent back to its officer, or reopened, is tagged so with the reason wherever it is
listed, until it is submitted again."""

from django.test import Client

from kpis.writes import workflow
from tests.kpis.test_trust_workflow import _submitted

REASON = "KPI 3's figure is last quarter's: please check the supplier's extract."


def _my_returns(user) -> str:
    client = Client()
    client.force_login(user)
    return client.get("/returns/").content.decode().replace("&#x27;", "'")


def test_a_return_sent_back_is_tagged_with_its_reason_until_submitted_again(officer, manager, seed):
    quarterly_return = _submitted(officer, seed["ICT"])
    assert "app-returned-tag" not in _my_returns(officer)

    workflow.send_back_return(quarterly_return=quarterly_return, user=manager, reason=REASON)

    html = _my_returns(officer)
    assert 'app-returned-tag">Returned</strong>' in html
    assert f"Returned with the reason: {REASON}" in html

    quarterly_return.refresh_from_db()
    workflow.submit_return(quarterly_return=quarterly_return, user=officer)
    assert "app-returned-tag" not in _my_returns(officer)


def test_a_reopened_return_is_tagged_as_reopened(officer, manager, seed):
    quarterly_return = _submitted(officer, seed["ICT"])
    workflow.approve_return(quarterly_return=quarterly_return, user=manager)
    workflow.reopen_return(quarterly_return=quarterly_return, user=manager, reason=REASON)
    html = _my_returns(officer)
    assert 'app-returned-tag">Reopened</strong>' in html
    assert f"Reopened because: {REASON}" in html
