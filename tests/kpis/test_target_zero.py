"""A target of 0 is a target, printed as 0: never taken for "no target" or left empty."""

from decimal import Decimal

import pytest

from kpis.choices import ReturnState
from kpis.models import Kpi, QuarterlyReturn, Reading
from kpis.writes import opening
from tests.kpis.returns import Q3

RETURN = "/contracts/PSSP/returns/2019-12-31/"


@pytest.fixture
def zero_target(seed, officer):
    """R&B-K-009 (a percentage, higher is better) with a target of 0, and 0 in the draft too."""
    kpi = Kpi.objects.get(contract=seed["PSSP"], reference="R&B-K-009")
    kpi.target = Decimal(0)
    kpi.save()
    draft = opening.open_return(contract=seed["PSSP"], end_date=Q3, user=officer)
    Reading.objects.filter(kpi=kpi, period__end_date=Q3).update(target_override=Decimal(0))
    return kpi, draft


def _text(response) -> str:
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_it_prints_a_zero_target_on_the_kpi_page_and_its_readings(client, manager, zero_target):
    kpi, _draft = zero_target
    client.force_login(manager)

    page = _text(client.get(kpi.get_absolute_url()))

    assert '<dd class="govuk-summary-list__value">≥ 0%.' in page
    readings = page.split('<h2 class="govuk-heading-l">Readings</h2>')[1]
    assert readings.count('<td class="govuk-table__cell">≥ 0%</td>') == 7  # every quarter
    assert "no target" not in readings


def test_it_prints_a_zero_target_on_the_return_page(client, manager, zero_target):
    kpi, draft = zero_target
    client.force_login(manager)

    form = _text(client.get(RETURN))
    assert f'id="kpi-{kpi.pk}-facts"> Target at least 0%.' in form
    assert f'name="kpi-{kpi.pk}-target_override"' in form
    box = form.split(f'name="kpi-{kpi.pk}-target_override"')[1].split(">")[0]
    assert 'value="0"' in box

    QuarterlyReturn.objects.filter(pk=draft.pk).update(state=ReturnState.SUBMITTED)
    table = _text(client.get(RETURN))
    row = table.split("R&amp;B-K-009<span")[1].split("</tr>")[0]
    assert '<td class="govuk-table__cell" data-label="Target">at least 0%</td>' in row


def test_it_prints_a_zero_target_in_the_kpi_tables_cells(client, manager, zero_target):
    client.force_login(manager)

    table = _text(client.get("/contracts/PSSP/kpis/"))

    row = table.split("R&amp;B-K-009</a>")[1].split("</tr>")[0]
    assert '<span class="app-cell-target">target ≥ 0%</span>' in row
    assert "no target" not in row
