"""My returns: one list of the quarters to start and one Start button per contract, ahead of the
quarters listed, rather than a Start button on every quarter not started."""

import re

from kpis.models import QuarterlyReturn
from tests.kpis.returns import Q3


def test_it_offers_one_choice_of_quarter_and_one_start_button_per_contract(client, officer, seed):
    client.force_login(officer)
    html = client.get("/returns/").content.decode()
    starts = re.findall(r'<form method="post" action="/contracts/(\w+)/returns/start/"', html)
    assert sorted(starts) == ["ICT", "PSSP"]
    assert html.count('<select class="govuk-select" id="id_ICT-end_date"') == 1
    assert f'<option value="{Q3.isoformat()}"' in html
    # No Start button on the quarters listed.
    assert 'id="start-ICT-' not in html
    assert html.count(">Start return<") == 2
    # The choice comes before the quarters listed.
    ict = html.split("(ICT)</h2>")[1]
    assert ict.index('id="id_ICT-end_date"') < ict.index('class="app-table-scroll"')


def test_the_quarter_chosen_is_started_after_asking(client, officer, seed):
    client.force_login(officer)
    response = client.post("/contracts/ICT/returns/start/", {"ICT-end_date": Q3.isoformat()})
    assert "Start the return for 2019/20 Q3 (to 31 December 2019)?" in response.content.decode()
    assert not QuarterlyReturn.objects.filter(contract=seed["ICT"], period__end_date=Q3).exists()
    response = client.post(
        "/contracts/ICT/returns/start/", {"ICT-end_date": Q3.isoformat(), "confirm": "yes"}
    )
    assert response.status_code == 302
    assert QuarterlyReturn.objects.filter(contract=seed["ICT"], period__end_date=Q3).exists()
