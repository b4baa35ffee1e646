"""A page asks the permission table many times (each action offered, each row, each panel of
another app); the reader's part in the contract is worked out once for all of them, per request
(contracts.roles.part_in). The return page is pinned in tests/kpis/test_returns_pages.py."""

import pytest

from contracts import roles


@pytest.fixture
def worked_out(monkeypatch):
    """The contracts whose reader's part was worked out, once per time."""
    found = []
    real = roles._work_out_part

    def counted(user, contract_id):
        found.append(contract_id)
        return real(user, contract_id)

    monkeypatch.setattr(roles, "_work_out_part", counted)
    return found


PAGES = {
    "scorecard": "/contracts/{code}/",
    "kpi table": "/contracts/{code}/kpis/",
    "kpi page": "/contracts/{code}/kpis/{pk}/",
    "pack": "/contracts/{code}/pack/2019-09-30/",
}


@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.parametrize("reader", ["officer", "committee_member"])
def test_a_contracts_page_works_out_the_readers_part_once(
    client, seed, worked_out, page, reader, request
):
    contract = seed["PSSP"]
    client.force_login(request.getfixturevalue(reader))
    url = PAGES[page].format(code=contract.code, pk=contract.kpis.order_by("pk")[0].pk)
    response = client.get(url)
    assert response.status_code == 200
    assert worked_out == [contract.pk]
