"""The KPI table's months, on request: "Show months" lists each monthly KPI's months beneath its
quarters, with their figures, reasons and statuses, and the downloads add them as columns; off,
the table is as it was. Drafts' months reach only those who see the draft, never a download."""

import csv
import io
import re
from decimal import Decimal
from html import unescape

import openpyxl
import pytest
from django.core.cache import caches

from kpis.choices import Direction, Frequency, Rollup
from kpis.models import Kpi, MonthlyFigure, Reading
from tests.kpis.monthly import DEC, NOV, OCT
from tests.kpis.months_shown import approve, save_months

URL = "/contracts/ICT/kpis/"
MONTH_HEADERS = [
    "Dec-19 roll-up",
    "October 2019 figure",
    "October 2019 status",
    "October 2019 note",
    "November 2019 figure",
    "November 2019 status",
    "November 2019 note",
    "December 2019 figure",
    "December 2019 status",
    "December 2019 note",
]


@pytest.fixture
def draft(officer, seed):
    return save_months(officer, seed["ICT"])


@pytest.fixture
def approved(draft):
    approve(draft)
    return draft


def _row(html: str, reference: str) -> str:
    """The table row of the KPI `reference`."""
    found = re.search(
        rf"<tr[^>]*>\s*<th[^>]*><a[^>]*>{re.escape(reference)}</a>.*?</tr>", html, re.S
    )
    assert found is not None, reference
    return found.group(0)


def _items(row: str) -> list[str]:
    """The words of each item of a list in a table row."""
    return [unescape(re.sub(r"<[^>]+>", "", item)) for item in re.findall(r"<li>(.*?)</li>", row)]


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_table_is_as_it_was_unless_months_are_asked_for(client, committee_member, approved):
    client.force_login(committee_member)
    html = client.get(URL).content.decode()
    assert "app-months" not in html
    assert "October 2019" not in html
    assert "Entered for the quarter" not in html
    # Offered, unticked.
    assert re.search(r'<input [^>]*name="months" type="checkbox" value="1" aria-describedby', html)
    header = _csv(client.get(URL, {"_export": "csv"}))[0]
    assert not any("2019 " in name or "roll-up" in name for name in header)


def test_it_lists_each_months_figure_reason_and_status_beneath_the_quarter(
    client, committee_member, approved
):
    client.force_login(committee_member)
    html = client.get(URL, {"months": "1"}).content.decode()
    assert re.search(r'name="months" type="checkbox" value="1" checked', html)
    waste = _row(html, "WASTE")
    assert "350 tonnes" in waste
    words = _items(waste)
    assert words == [
        "October 2019: 100 tonnes ✓ Met",
        "November 2019: Not measured: Weighbridge broken ○ Not measured",
        "December 2019: 250 tonnes ✓ Met",
        "Quarter: sum of the months",
    ]
    # The symbol is for the eye; the word is what is read out.
    assert '<span aria-hidden="true">○ </span>Not measured</strong>' in waste
    calls = _items(_row(html, "CALLS"))
    assert calls == [
        "October 2019: 95% (95 calls answered of 100 calls offered) ✓ Met",
        "November 2019: 85% (85 calls answered of 100 calls offered) ⚠ Detriment",
        "December 2019: Not entered",
        "Quarter: recomputed from the months' parts",
    ]
    # A monthly KPI whose quarters were published alone says so; a quarterly KPI has nothing.
    assert "Entered for the quarter" in _row(html, "1")
    assert "app-months" not in _row(html, "QUARTERLY")
    assert "Entered for the quarter" not in _row(html, "QUARTERLY")


def test_a_drafts_months_are_shown_only_to_those_who_see_the_draft(
    client, officer, committee_member, draft
):
    # A quarter in progress is shown only when chosen (readers see approved quarters first).
    shown = {"months": "1", "quarter": ["2019-09-30", "2019-12-31"]}
    client.force_login(committee_member)
    html = client.get(URL, shown).content.decode()
    assert "October 2019" not in html
    assert "In progress" in _row(html, "WASTE")
    client.force_login(officer)
    html = client.get(URL, shown).content.decode()
    waste = _row(html, "WASTE")
    assert "Draft, not yet approved" in waste
    assert "October 2019: 100 tonnes" in waste
    # The download leaves the app: approved quarters only, whoever asks.
    rows = _csv(client.get(URL, {**shown, "_export": "csv"}))
    header = rows[0]
    waste_row = next(r for r in rows if r[0] == "WASTE")
    assert all(waste_row[header.index(name)] == "" for name in MONTH_HEADERS)


def test_the_download_has_each_months_columns_beside_its_quarter(
    client, committee_member, approved
):
    client.force_login(committee_member)
    rows = _csv(client.get(URL, {"months": "1", "_export": "csv"}))
    header = rows[0]
    first = header.index("Dec-19 note") + 1
    assert header[first : first + len(MONTH_HEADERS)] == MONTH_HEADERS
    # Still one row per KPI, as on screen.
    assert [r[0] for r in rows[1:]].count("WASTE") == 1
    by_kpi = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    waste = by_kpi["WASTE"]
    assert [waste[name] for name in MONTH_HEADERS] == [
        "Sum of the months",
        "100 tonnes",
        "Met",
        "",
        "",
        "Not measured",
        "Not measured: Weighbridge broken",
        "250 tonnes",
        "Met",
        "",
    ]
    assert [by_kpi["CALLS"][name] for name in MONTH_HEADERS] == [
        "Recomputed from the months' parts",
        "95%",
        "Met",
        "95 calls answered of 100 calls offered",
        "85%",
        "Detriment",
        "85 calls answered of 100 calls offered",
        "",
        "",
        "Not entered",
    ]
    assert by_kpi["QUARTERLY"]["Dec-19 roll-up"] == ""
    assert by_kpi["QUARTERLY"]["October 2019 figure"] == ""
    # A monthly KPI's quarter published alone, as the seed's are.
    assert by_kpi["1"]["Sep-19 roll-up"] == "Entered for the quarter"


def test_the_excel_download_has_the_months_too(client, committee_member, approved):
    client.force_login(committee_member)
    response = client.get(URL, {"months": "1", "_export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]
    header = rows[0]
    for name in MONTH_HEADERS:
        assert name in header
    waste = next(r for r in rows if r[0] == "WASTE")
    assert waste[header.index("November 2019 note")] == "Not measured: Weighbridge broken"


def _kept() -> int:
    return len(vars(caches["pages"])["_cache"])


def test_the_page_is_kept_apart_with_the_months_and_alike_without(
    client, committee_member, approved
):
    client.force_login(committee_member)
    assert "app-months" in client.get(URL, {"months": "1"}).content.decode()
    assert _kept() == 1
    # Unticked (a form sends nothing; a hand-typed address may say so) is the table as it was.
    for query in ({}, {"months": ""}, {"months": "false"}):
        assert "app-months" not in client.get(URL, query).content.decode()
    assert _kept() == 2
    # Any other way of ticking it shares the first entry.
    assert "app-months" in client.get(URL, {"months": "on", "z": "1"}).content.decode()
    assert _kept() == 2
    # And its links (sorting, downloads) carry it on.
    html = client.get(URL, {"months": "1", "sort": "reference"}).content.decode()
    assert re.findall(r'href="([^"]*_export=csv[^"]*)"', html) == [
        "?months=1&amp;sort=reference&amp;_export=csv"
    ]


def _more_monthly_kpis(contract, n: int) -> None:
    """`n` more monthly KPIs, made before the return is opened so that it has their readings."""
    area = contract.service_areas.first()
    for i in range(n):
        Kpi.objects.create(
            contract=contract,
            service_area=area,
            reference=f"MONTHLY-{i}",
            description="Extra",
            frequency=Frequency.MONTHLY,
            unit_id="tonnes",
            direction=Direction.LOWER,
            target=Decimal(5),
            rollup=Rollup.SUM,
        )


def _months_for_the_extra_kpis(contract) -> None:
    readings = Reading.objects.filter(
        kpi__contract=contract, kpi__reference__startswith="MONTHLY-", period__end_date=DEC
    )
    MonthlyFigure.objects.bulk_create(
        MonthlyFigure(reading=reading, month_end=end, value=Decimal(1))
        for reading in readings
        for end in (OCT, NOV, DEC)
    )


@pytest.mark.parametrize("extra", [0, 12])
def test_the_table_and_its_download_take_a_fixed_number_of_queries_on_and_off(
    client, officer, committee_member, seed, extra, django_assert_num_queries
):
    _more_monthly_kpis(seed["ICT"], extra)
    approve(save_months(officer, seed["ICT"]))
    _months_for_the_extra_kpis(seed["ICT"])
    client.force_login(committee_member)
    # Off as tests/kpis/test_views_queries.py pins it; on, the months of every KPI and
    # quarter shown in one query more.
    for query, expected in (
        # With the year to date on screen: the contract's KPIs and the year's readings.
        ({}, 10),
        ({"months": "1"}, 11),
        ({"_export": "csv"}, 6),
        ({"months": "1", "_export": "csv"}, 7),
    ):
        with django_assert_num_queries(expected):
            response = client.get(URL, query)
        assert response.status_code == 200
        if "_export" not in query:
            assert response.content.decode().count("Quarter: sum of the months") == (
                1 + extra if query else 0
            )
