"""The KPI table on screen is a plain template loop: it must show what django-tables2 would.

The page renders its rows itself (templates/kpis/_kpi_table_rows.html) for speed, while the
table's sorting and downloads stay with django-tables2 (kpis/pages/tables.py). These tests parse both
renderings, cell by cell with every attribute, and hold the downloads against the screen.
"""

from __future__ import annotations

import csv
import html
import io
import re
from html.parser import HTMLParser

import pytest
from django.test import RequestFactory

from tests.kpis.months_shown import approve, save_months

# Sorting by each sortable column both ways, with quarters chosen, filtered and filtered to none.
QUERIES = [
    {},
    {"sort": "reference"},
    {"sort": "-reference"},
    {"sort": "service_area"},
    {"sort": "-service_area"},
    {"sort": "description"},
    {"sort": "-frequency"},
    {"sort": "-reference", "quarter": ["2018-06-30", "2019-03-31"]},
    {"sort": "service_area", "frequency": "monthly"},
    {"status": "not_measured", "sort": "-description"},
    {"service_area": "STS", "status": "failure", "frequency": "annual"},
    {"months": "1"},
    {"months": "1", "sort": "-reference", "quarter": ["2018-06-30", "2019-03-31"]},
]


class _Table(HTMLParser):
    """The first table in a page: its attributes, caption and each row's cells, as markup."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.attrs: list[tuple[str, str | None]] | None = None
        self.caption = ""
        self.rows: list[list[str]] = []
        self._done = False
        self._cell: list[str] | None = None
        self._depth = 0
        self._in_caption = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._done:
            return
        if tag == "table" and self.attrs is None:
            self.attrs = sorted(attrs)
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr" and self.attrs is not None:
            self.rows.append([f"tr {sorted(attrs)}"])
        elif tag in {"th", "td"} and self._cell is None and self.rows:
            self._cell = [f"<{tag} {sorted(attrs)}>"]
            self._depth = 0
        elif self._cell is not None:
            self._depth += 1
            self._cell.append(f"<{tag} {sorted(attrs)}>")

    def handle_endtag(self, tag: str) -> None:
        if self._done:
            return
        if tag == "table":
            self._done = True
        elif tag == "caption":
            self._in_caption = False
        elif self._cell is not None:
            if tag in {"th", "td"} and self._depth == 0:
                self.rows[-1].append(re.sub(r"\s+", " ", "".join(self._cell)).strip())
                self._cell = None
            else:
                self._depth -= 1
                self._cell.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self._in_caption:
            self.caption += data
        elif self._cell is not None:
            # Spaces between tags are layout, not text.
            self._cell.append(html.escape(data) if data.strip() else " ")


def _parse(html: str) -> _Table:
    parser = _Table()
    parser.feed(html)
    assert parser.attrs is not None, "no table on the page"
    return parser


def _text(cell_markup: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", cell_markup)).strip())


@pytest.fixture
def committee_client(client, committee_member, seed):
    client.force_login(committee_member)
    return client


@pytest.mark.parametrize("code", ["PSSP", "ICT", "HERTS"])
@pytest.mark.parametrize("query", QUERIES, ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items()))
def test_it_shows_the_cells_django_tables2_would(committee_client, code, query):
    url = f"/contracts/{code}/kpis/"
    response = committee_client.get(url, query)
    assert response.status_code == 200
    table = response.context["table"]
    # django-tables2's own rendering of the very table the page sorted, with the same address.
    expected = _parse(table.as_html(RequestFactory().get(url, query)))
    shown = _parse(response.content.decode())

    assert shown.attrs == expected.attrs
    assert shown.caption == expected.caption
    assert len(shown.rows) == len(expected.rows)
    for shown_row, expected_row in zip(shown.rows, expected.rows, strict=True):
        assert shown_row == expected_row


def test_it_shows_drafts_as_django_tables2_would_to_those_working_on_the_contract(client, officer):
    client.force_login(officer)
    for code in ("PSSP", "ICT"):
        for query in ({}, {"sort": "-service_area"}):
            response = client.get(f"/contracts/{code}/kpis/", query)
            expected = _parse(
                response.context["table"].as_html(
                    RequestFactory().get(f"/contracts/{code}/kpis/", query)
                )
            )
            assert _parse(response.content.decode()).rows == expected.rows


def _screen_and_expected(client, url: str, query: dict) -> tuple[_Table, _Table]:
    response = client.get(url, query)
    expected = response.context["table"].as_html(RequestFactory().get(url, query))
    return _parse(response.content.decode()), _parse(expected)


def test_it_shows_the_months_as_django_tables2_would(client, officer, committee_member, seed):
    quarterly_return = save_months(officer, seed["ICT"])
    url = "/contracts/ICT/kpis/"
    for user in (officer, committee_member):
        client.force_login(user)
        for query in ({"months": "1"}, {"months": "1", "sort": "-reference"}):
            shown, expected = _screen_and_expected(client, url, query)
            assert shown.rows == expected.rows
    approve(quarterly_return)
    client.force_login(committee_member)
    shown, expected = _screen_and_expected(client, url, {"months": "1"})
    assert shown.rows == expected.rows
    assert sum("app-months" in cell for row in shown.rows for cell in row) == 2


def test_it_marks_the_sorted_column_for_screen_readers(committee_client):
    body = committee_client.get("/contracts/ICT/kpis/", {"sort": "-service_area"}).content
    headers = _parse(body.decode()).rows[0][1:]
    sorted_header = [h for h in headers if "'aria-sort', 'descending'" in h]
    assert len(sorted_header) == 1
    words = html.unescape(re.sub(r"<[^>]*>", "", sorted_header[0])).strip()
    assert words == "Service area: sort ascending ▼"
    assert sum("'aria-sort', 'none'" in h for h in headers) == 3
    # Quarters and thresholds cannot be sorted, so say nothing about it.
    assert _text(headers[4]) == "Target"
    assert "aria-sort" not in headers[4]


@pytest.mark.parametrize("code", ["PSSP", "ICT"])
@pytest.mark.parametrize("sort", ["reference", "-service_area", "description"])
def test_it_downloads_the_rows_in_the_order_and_words_of_the_screen(committee_client, code, sort):
    url = f"/contracts/{code}/kpis/"
    query = {"sort": sort, "quarter": ["2018-09-30", "2018-12-31", "2019-03-31"]}
    screen = _parse(committee_client.get(url, query).content.decode()).rows[1:]
    download = committee_client.get(url, {**query, "_export": "csv"})
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert len(body) == len(screen) > 0
    quarters = [i for i, name in enumerate(header) if name.endswith(" target") and i > 3]
    assert len(quarters) == 3
    for shown, downloaded in zip(screen, body, strict=True):
        cells = [_text(c) for c in shown[1:]]
        # KPI, service area, description and frequency, word for word.
        assert cells[:4] == downloaded[:4]
        for position, first in enumerate(quarters):
            target, figure, status, note = downloaded[first : first + 4]
            # The quarters, then the year to date (on screen only).
            cell = cells[-4 + position]
            # A KPI with no target in force says "Data only" where the target would be.
            words = target if target in ("Data only", "") else f"target {target}"
            assert cell.startswith(f"{figure} {words}".strip())
            assert status in cell
            assert note in cell


def test_it_says_so_when_no_kpi_matches_as_django_tables2_would(committee_client):
    query = {"service_area": "STS", "status": "failure", "frequency": "annual"}
    response = committee_client.get("/contracts/PSSP/kpis/", query)
    shown = _parse(response.content.decode())
    expected = _parse(
        response.context["table"].as_html(RequestFactory().get("/contracts/PSSP/kpis/", query))
    )
    assert [_text(c) for c in shown.rows[-1][1:]] == ["No KPIs match these filters."]
    assert shown.rows == expected.rows
