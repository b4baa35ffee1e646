"""Check your answers, then submit: the last look before a return is frozen."""

from kpis.choices import ReturnState
from kpis.writes import saving
from tests.kpis.returns import Q3, fill_return, reading_in, row_entry, start_return

URL = f"/contracts/ICT/returns/{Q3.isoformat()}/check/"


def test_it_lists_what_is_left_and_will_not_submit_until_it_is_done(client, officer, seed):
    quarterly_return = start_return(officer, seed["ICT"])
    reading = reading_in(quarterly_return, "1")
    saving.save_return(
        quarterly_return=quarterly_return,
        user=officer,
        entries=[row_entry(reading, reading.kpi.failure)],
    )
    client.force_login(officer)
    html = client.get(URL).content.decode()
    assert "There is still something to do" in html
    assert "1: Explain why the target was missed" in html
    assert "2: Enter a figure, or say why it was not measured" in html
    assert "Submit for approval</button>" not in html
    response = client.post(URL)
    assert response.status_code == 409
    quarterly_return.refresh_from_db()
    assert quarterly_return.state == ReturnState.DRAFT


def test_it_submits_a_complete_return(client, officer, seed):
    quarterly_return = start_return(officer, seed["ICT"])
    saving.save_return(
        quarterly_return=quarterly_return, user=officer, entries=fill_return(quarterly_return)
    )
    client.force_login(officer)
    assert "Submit for approval</button>" in client.get(URL).content.decode()
    response = client.post(URL, follow=True)
    assert "The return has been submitted for approval." in response.content.decode()
    quarterly_return.refresh_from_db()
    assert (quarterly_return.state, quarterly_return.submitted_by) == (
        ReturnState.SUBMITTED,
        officer,
    )
    # Once submitted, there is nothing more to submit.
    assert client.post(URL).status_code == 409


def test_only_those_who_submit_reach_it(client, committee_member, outsider, seed, officer):
    start_return(officer, seed["ICT"])
    client.force_login(committee_member)
    assert client.get(URL).status_code == 404
    client.force_login(outsider)
    assert client.get(URL).status_code == 404


def test_the_return_page_shows_progress_with_links_to_each_to_do(client, officer, seed):
    quarterly_return = start_return(officer, seed["ICT"])
    reading = reading_in(quarterly_return, "1")
    saving.save_return(
        quarterly_return=quarterly_return,
        user=officer,
        entries=[row_entry(reading, reading.kpi.failure)],
    )
    client.force_login(officer)
    html = client.get(f"/contracts/ICT/returns/{Q3.isoformat()}/").content.decode()
    progress = html.split('id="progress"')[1].split("</div>\n</div>")[0]
    # Appendix B prints 17 of ICT's 19 KPIs; all are due every quarter.
    assert "1 of 19 KPIs due answered" in progress
    assert "18 KPIs with no figure or reason" in progress
    assert f'href="#id_kpi-{reading.kpi_id}-commentary">1</a>' in progress
    assert "Check your answers and submit" in progress
