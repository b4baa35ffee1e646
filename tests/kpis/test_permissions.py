"""Who gets what from every return page: each role, and signed out."""

import datetime

import pytest

from kpis.choices import ReturnState
from kpis.models import Kpi, QuarterlyReturn
from kpis.writes import opening

RETURN = "/contracts/PSSP/returns/2019-12-31/"
ROLES = ["anonymous", "officer", "manager", "committee_member", "outsider", "admin_user"]


def _suspension(seed):
    kpi = Kpi.objects.get(contract=seed["PSSP"], reference="R&B-K-009a")
    return {"kpi": str(kpi.pk), "first_quarter": "2019-12-31", "reason": "System replaced"}


# url, method, data builder, then the expected status for each role in ROLES order, with the
# return submitted (by nobody in particular) and so frozen. The committee and other contracts'
# officers do not see a return before it is approved; officers cannot reopen, return or suspend,
# only ask for a suspension.
MATRIX = [
    ("/returns/", "get", None, [302, 200, 200, 200, 200, 200]),
    (
        "/contracts/PSSP/returns/start/",
        "post",
        lambda seed: {"PSSP-end_date": "2020-03-31", "confirm": "yes"},
        [302, 302, 302, 403, 404, 302],
    ),
    (RETURN, "get", None, [302, 200, 200, 404, 404, 200]),
    (RETURN, "post", lambda seed: {}, [302, 409, 409, 404, 404, 409]),
    # Approving runs the submission's checks again: this return's figures are all missing.
    (
        RETURN,
        "post",
        lambda seed: {"action": "approve", "confirm": "yes"},
        [302, 403, 409, 404, 404, 409],
    ),
    (RETURN, "put", None, [302, 405, 405, 405, 405, 405]),
    (RETURN + "reopen/", "get", None, [302, 403, 200, 404, 404, 200]),
    (
        RETURN + "reopen/",
        "post",
        lambda seed: {"reason": "Figures to correct"},
        [302, 403, 409, 404, 404, 409],
    ),
    (RETURN + "send-back/", "get", None, [302, 403, 200, 404, 404, 200]),
    (
        RETURN + "send-back/",
        "post",
        lambda seed: {"reason": "Figures to correct"},
        [302, 403, 302, 404, 404, 302],
    ),
    (RETURN + "suspensions/new/", "get", None, [302, 200, 200, 404, 404, 200]),
    (RETURN + "suspensions/new/", "post", _suspension, [302, 302, 302, 404, 404, 302]),
    ("/contracts/PSSP/returns/2019-12-32/", "get", None, [302, 404, 404, 404, 404, 404]),
    ("/contracts/PSSP/returns/2020-03-31/", "get", None, [302, 404, 404, 404, 404, 404]),
    ("/contracts/NOPE/returns/2019-12-31/", "get", None, [302, 404, 404, 404, 404, 404]),
]
CASES = [
    pytest.param(url, method, data, role, expected[i], id=f"{method} {url} as {role}")
    for url, method, data, expected in MATRIX
    for i, role in enumerate(ROLES)
]


@pytest.mark.parametrize(("url", "method", "data", "role", "expected"), CASES)
def test_it_answers_each_role_as_expected(request, client, seed, url, method, data, role, expected):
    manager = request.getfixturevalue("manager")
    quarterly_return = opening.open_return(
        contract=seed["PSSP"], end_date=datetime.date(2019, 12, 31), user=manager
    )
    # Submitted, so that a manager has something to reopen.
    QuarterlyReturn.objects.filter(pk=quarterly_return.pk).update(state=ReturnState.SUBMITTED)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = getattr(client, method)(url, data(seed) if data else None)
    assert response.status_code == expected
    if role == "anonymous":
        assert response.url.startswith("/accounts/login/")


def test_an_officer_cannot_reach_another_contracts_return_by_guessing(
    client, officer, outsider, seed
):
    opening.open_return(contract=seed["HERTS"], end_date=datetime.date(2019, 3, 31), user=outsider)
    client.force_login(officer)
    for path in ["", "reopen/", "send-back/", "suspensions/new/"]:
        url = f"/contracts/HERTS/returns/2019-03-31/{path}"
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "x"}).status_code == 404
    client.force_login(outsider)
    assert client.get("/contracts/HERTS/returns/2019-03-31/").status_code == 200


def test_the_committee_reads_a_return_without_any_inputs(client, committee_member, seed):
    client.force_login(committee_member)
    html = client.get("/contracts/PSSP/returns/2019-09-30/").content.decode()
    assert "<input" not in html.split('id="main-content"')[1].split("</main>")[0]
    assert "Reopen this return" not in html
