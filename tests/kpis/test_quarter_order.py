"""Wherever a quarter is picked, the latest ended quarter comes first, down to the oldest; a
quarter still in progress, where offered, comes after them."""

import datetime
import re

import pytest
from django.utils import timezone

from contracts.models import Contract
from kpis.rules.quarters import contract_quarters, recent_first
from tests.conftest import PASSWORD

TODAY = datetime.date(2020, 2, 10)  # 2019/20 Q4 in progress; Q3 ended 31 December 2019.
D = datetime.date


def test_it_puts_ended_quarters_newest_first_and_the_rest_after():
    ends = [D(2019, 6, 30), D(2020, 3, 31), D(2019, 12, 31), D(2019, 9, 30), D(2020, 6, 30)]
    assert recent_first(ends, TODAY) == [
        D(2019, 12, 31),
        D(2019, 9, 30),
        D(2019, 6, 30),
        D(2020, 3, 31),
        D(2020, 6, 30),
    ]


def test_it_reaches_back_to_the_quarter_the_contract_started_in():
    contract = Contract(code="X", start_date=D(2019, 5, 1))
    assert contract_quarters(contract, TODAY) == [
        D(2019, 12, 31),
        D(2019, 9, 30),
        D(2019, 6, 30),
        D(2020, 3, 31),
    ]


def test_without_a_start_it_reaches_the_earliest_held_or_ten_years():
    contract = Contract(code="X")
    assert contract_quarters(contract, TODAY, [D(2005, 6, 30)])[-2:] == [
        D(2005, 6, 30),
        D(2020, 3, 31),
    ]
    # Ten years before 10 February 2020 is in the quarter ending 31 March 2010.
    assert contract_quarters(contract, TODAY)[-2:] == [D(2010, 3, 31), D(2020, 3, 31)]


@pytest.fixture
def on_the_day(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)[1]
    return re.findall(r'<option value="([^"]*)"', select)


def test_the_import_page_offers_the_latest_ended_quarter_first(client, manager, on_the_day):
    client.login(username="manager", password=PASSWORD)
    html = client.get("/contracts/ICT/import/").content.decode()
    quarters = _options(html, "quarter")
    assert quarters[:3] == ["2019-12-31", "2019-09-30", "2019-06-30"]
    # ICT started on 1 October 2009; the quarter in progress comes last, and says so.
    assert quarters[-2:] == ["2009-12-31", "2020-03-31"]
    assert len(quarters) == 42
    assert "2019/20 Q4 (to 31 March 2020), in progress" in html


def test_starting_a_return_offers_the_quarter_just_ended_first(client, officer, on_the_day):
    client.login(username="officer", password=PASSWORD)
    html = client.get("/returns/").content.decode()
    # PSSP's returns reach September 2019: December is due, March is in progress.
    assert _options(html, "PSSP-end_date") == ["2019-12-31", "2020-03-31"]


@pytest.mark.parametrize("url", ["/contracts/PSSP/", "/contracts/PSSP/kpis/"])
def test_the_quarters_shown_are_offered_newest_first(client, committee_member, seed, url):
    client.login(username="committee", password=PASSWORD)
    html = client.get(url).content.decode()
    boxes = re.findall(r'name="quarter" type="checkbox" value="([^"]*)"', html)
    assert boxes == [
        "2019-09-30",
        "2019-06-30",
        "2019-03-31",
        "2018-12-31",
        "2018-09-30",
        "2018-06-30",
    ]
