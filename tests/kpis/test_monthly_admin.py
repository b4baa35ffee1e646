"""The admin holds a quarter's months to the rules the return page does: changed only while the
quarter may be, checked by the model's rules, and the quarter's figure written from them."""

import pytest

from kpis.choices import ReturnState
from kpis.models import MonthlyFigure
from tests.admin_forms import form_data
from tests.kpis.monthly import add_monthly_kpis
from tests.kpis.returns import reading_in, start_return


@pytest.fixture
def admin(client, admin_user, seed):
    client.force_login(admin_user)
    return client


def _with_months(admin, url, rows) -> dict:
    data = form_data(admin, url, change_reason="Months from the supplier's report")
    data["months-TOTAL_FORMS"] = str(len(rows))
    for i, (end, value, reason) in enumerate(rows):
        data[f"months-{i}-month_end"] = end
        data[f"months-{i}-value"] = value
        data[f"months-{i}-not_measured_reason"] = reason
    return data


def test_months_added_in_the_admin_make_the_quarters_figure(admin, officer, seed):
    add_monthly_kpis(seed["ICT"])
    reading = reading_in(start_return(officer, seed["ICT"]), "WASTE")
    url = f"/admin/kpis/reading/{reading.pk}/change/"
    rows = [("2019-10-31", "100", ""), ("2019-11-30", "", "No weighing"), ("2019-12-31", "50", "")]
    response = admin.post(url, _with_months(admin, url, rows))
    assert response.status_code == 302
    reading.refresh_from_db()
    assert reading.value == 150
    assert reading.months.count() == 3
    assert reading.history.latest().history_change_reason == "Quarter worked out from its months"


def test_the_admin_refuses_a_month_outside_the_quarter(admin, officer, seed):
    add_monthly_kpis(seed["ICT"])
    reading = reading_in(start_return(officer, seed["ICT"]), "WASTE")
    url = f"/admin/kpis/reading/{reading.pk}/change/"
    response = admin.post(url, _with_months(admin, url, [("2019-09-30", "100", "")]))
    assert response.status_code == 200
    assert "Choose the last day of one of the quarter&#x27;s months" in response.content.decode()
    assert not MonthlyFigure.objects.exists()


def test_an_approved_quarters_months_cannot_be_added_in_the_admin(admin, officer, seed):
    add_monthly_kpis(seed["ICT"])
    quarterly_return = start_return(officer, seed["ICT"])
    reading = reading_in(quarterly_return, "WASTE")
    quarterly_return.state = ReturnState.APPROVED
    quarterly_return.save()
    url = f"/admin/kpis/reading/{reading.pk}/change/"
    assert 'name="months-0-month_end"' not in admin.get(url).content.decode()
    admin.post(url, _with_months(admin, url, [("2019-10-31", "100", "")]))
    assert not MonthlyFigure.objects.exists()
