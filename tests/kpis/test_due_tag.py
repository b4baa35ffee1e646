"""Where a quarter's return stands, as the due tables and the return page show it: a symbol
beside the word, never colour alone."""

import datetime

import pytest
from django.template import Context, Template

from contracts.models import Contract
from kpis.models import QuarterlyReturn
from kpis.rules.due import QuarterDue, Stage

TODAY = datetime.date(2026, 12, 4)


@pytest.mark.parametrize(
    ("end", "state", "symbol", "stage"),
    [
        (datetime.date(2024, 12, 31), "", "!", Stage.OVERDUE),
        (datetime.date(2026, 9, 30), "submitted", "◔", Stage.AWAITING_APPROVAL),
        (datetime.date(2026, 9, 30), "approved", "✓", Stage.APPROVED),
        (datetime.date(2026, 12, 31), "draft", "·", Stage.IN_PROGRESS),
    ],
)
def test_it_shows_each_stage_as_a_symbol_beside_its_word(end, state, symbol, stage):
    quarterly_return = QuarterlyReturn(state=state) if state else None
    quarter = QuarterDue(Contract(code="PSSP"), end, quarterly_return, TODAY)
    assert quarter.stage == stage
    html = Template("{% load kpi_display %}{% due_tag q %}").render(Context({"q": quarter}))
    assert html == (
        f'<strong class="app-status app-status--due-{stage.value}">'
        f'<span aria-hidden="true">{symbol} </span>{stage.label}</strong>'
    )
