"""Error pages in the service's own layout, with a way home and nothing leaked (DEBUG is off)."""

import pytest
from django.test import Client

from tests.factories import make_return

HOME_LINK = '<a class="govuk-link" href="/">Go to the contracts page</a>'


def _page(response, status: int, heading: str) -> str:
    assert response.status_code == status
    html = response.content.decode()
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in html
    assert 'class="govuk-header app-header"' in html
    assert "Traceback" not in html and "settings" not in html.lower()
    return html


def test_it_shows_its_own_404_page(client, committee_member, settings):
    assert not settings.DEBUG
    client.force_login(committee_member)
    html = _page(client.get("/contracts/NOPE/"), 404, "Page not found")
    assert HOME_LINK in html
    assert "NOPE" not in html
    # Signed out, too.
    _page(Client().get("/no/such/page/"), 404, "Page not found")


def test_it_says_the_same_of_a_hidden_return_as_of_a_missing_one(client, committee_member, seed):
    make_return(seed["PSSP"], "2019-12-31", state="draft")
    client.force_login(committee_member)
    hidden = client.get("/contracts/PSSP/returns/2019-12-31/")
    missing = client.get("/contracts/PSSP/returns/2020-03-31/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content


def test_it_shows_its_own_403_page(client, committee_member, seed):
    client.force_login(committee_member)
    response = client.post("/contracts/PSSP/returns/start/", {"PSSP-end_date": "2019-12-31"})
    html = _page(response, 403, "You cannot do this")
    assert HOME_LINK in html
    # The refusal in the permission table's words: Action.START's label.
    assert "You cannot start the quarter&#x27;s return. Nothing has been changed." in html


def test_it_falls_back_to_the_role_when_a_refusal_has_no_reason(client, django_user_model):
    # The admin refuses staff without the model's permission, giving no reason of its own.
    staff = django_user_model.objects.create_user(username="staff", is_staff=True)
    client.force_login(staff)
    html = _page(client.get("/admin/kpis/kpi/add/"), 403, "You cannot do this")
    assert "Your role does not allow this action. Nothing has been changed." in html


def test_it_shows_its_own_400_page(db):
    response = Client().get("/", headers={"host": "attacker.example"})
    html = _page(response, 400, "Sorry, there is a problem with this request")
    assert "attacker.example" not in html


def test_it_shows_its_own_csrf_failure_page(officer, seed):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officer)
    response = browser.post("/contracts/PSSP/returns/start/", {"PSSP-end_date": "2019-12-31"})
    html = _page(response, 403, "Your form could not be sent")
    assert "Nothing was saved" in html and HOME_LINK in html
    assert "CSRF" not in html and "Referer" not in html


def test_it_shows_its_own_500_page(committee_member, monkeypatch, seed):
    def broken(*args, **kwargs):
        raise RuntimeError("secret detail of the failure")

    monkeypatch.setattr("kpis.pages.scrutiny.scorecard", broken)
    browser = Client(raise_request_exception=False)
    browser.force_login(committee_member)
    html = _page(browser.get("/contracts/PSSP/"), 500, "Sorry, there is a problem with the service")
    assert "secret detail" not in html and HOME_LINK in html
    assert "Contract KPI tracker" in html and "Peterborough City Council" not in html


@pytest.mark.parametrize("template", ["400.html", "403.html", "404.html", "500.html"])
def test_every_error_page_renders_without_a_request(template):
    from django.template.loader import render_to_string

    assert HOME_LINK in render_to_string(template)
