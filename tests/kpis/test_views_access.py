"""Who may open the scrutiny pages: every signed-in user reads; nobody signed out does."""

import pytest

from kpis.models import Kpi

ROLES = ["committee_member", "officer", "manager", "outsider", "admin_user"]


def _pages(seed) -> list[str]:
    kpi = Kpi.objects.get(contract__code="PSSP", reference="R&B-K-009")
    return [
        "/",
        "/contracts/PSSP/",
        "/contracts/PSSP/kpis/",
        kpi.get_absolute_url(),
        "/contracts/PSSP/reported/",
        "/contracts/PSSP/pack/2019-03-31/",
    ]


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_every_page_to_every_signed_in_role(client, seed, role, request):
    client.force_login(request.getfixturevalue(role))
    for url in _pages(seed):
        assert client.get(url).status_code == 200, url


def test_it_sends_a_signed_out_visitor_to_sign_in(client, seed):
    for url in _pages(seed):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/?next=")


@pytest.mark.parametrize(
    "url",
    [
        "/contracts/NOPE/",
        "/contracts/NOPE/kpis/",
        "/contracts/NOPE/reported/",
        "/contracts/PSSP/pack/2030-03-31/",
        "/contracts/PSSP/pack/not-a-date/",
        "/contracts/PSSP/kpis/999999/",
    ],
)
def test_it_answers_404_for_what_does_not_exist(client, outsider, url):
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_it_answers_404_for_a_kpi_asked_for_under_another_contract(client, outsider):
    kpi = Kpi.objects.get(contract__code="PSSP", reference="R&B-K-009")
    client.force_login(outsider)
    assert client.get(f"/contracts/ICT/kpis/{kpi.pk}/").status_code == 404


def test_it_signs_in_through_the_form_and_back_to_the_page_asked_for(client, committee_member):
    from tests.conftest import PASSWORD

    response = client.post(
        "/accounts/login/",
        {"username": "committee", "password": PASSWORD, "next": "/contracts/"},
    )
    assert response.status_code == 302
    assert response.url == "/contracts/"


def test_it_keeps_the_username_and_explains_a_failed_sign_in(client, committee_member):
    response = client.post("/accounts/login/", {"username": "committee", "password": "wrong"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert 'value="committee"' in body


def test_it_shows_admin_in_the_menu_to_staff_only(client, committee_member, admin_user):
    client.force_login(committee_member)
    assert 'href="/admin/"' not in client.get("/").content.decode()
    client.force_login(admin_user)
    assert 'href="/admin/"' in client.get("/").content.decode()


def _approved_return_actions(seed) -> list[tuple[str, str, dict]]:
    quarter = "/contracts/PSSP/returns/2019-03-31"
    kpi = Kpi.objects.get(contract__code="PSSP", reference="R&B-K-009")
    return [
        ("get", f"{quarter}/reopen/", {}),
        ("post", f"{quarter}/reopen/", {"reason": "A figure was wrong"}),
        ("post", f"{quarter}/send-back/", {"reason": "A figure was wrong"}),
        ("post", f"{quarter}/", {"action": "approve", "confirm": "yes"}),
        ("post", f"{quarter}/", {"action": "save"}),
        ("get", f"{quarter}/check/", {}),
        ("get", f"/contracts/PSSP/kpis/{kpi.pk}/rule/", {}),
    ]


def test_it_answers_another_contracts_officer_404_on_every_action_of_an_approved_return(
    client, outsider
):
    """They read the approved quarter like anyone; what they may never do to it is not theirs to
    know about, as on every other page of the contract's work (kpis/permissions/fetch.py)."""
    client.force_login(outsider)
    for method, url, data in _approved_return_actions(outsider):
        assert getattr(client, method)(url, data).status_code == 404, (method, url)


def test_it_answers_the_committee_403_on_every_action_of_an_approved_return(
    client, seed, committee_member
):
    client.force_login(committee_member)
    for method, url, data in _approved_return_actions(seed):
        assert getattr(client, method)(url, data).status_code == 403, (method, url)
