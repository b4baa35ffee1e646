"""A pack worth printing: pages filled before the next begins, a suspension's reason said once
in the year's table, and the financial year written as councils write it."""

import io

from pypdf import PdfReader

SUSPENDED = (
    "Suspended: The work management system is no longer supported following the move to the "
    "Google Platform."
)


def _pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def test_no_page_but_the_last_is_left_half_empty(client, committee_member, seed):
    client.force_login(committee_member)
    for quarter in ("2018-06-30", "2019-03-31"):
        pages = _pages(client.get(f"/contracts/PSSP/pack/{quarter}/pdf").content)
        # A full page of the year's table holds some 70 lines of text or more; a section forced
        # onto a new page used to leave the one before holding a couple of rows (22 lines).
        assert all(len(text.splitlines()) >= 40 for text in pages[:-1]), [
            len(text.splitlines()) for text in pages
        ]


def test_a_suspensions_reason_is_said_once_in_the_years_table(client, committee_member, seed):
    client.force_login(committee_member)
    html = client.get("/contracts/PSSP/pack/2019-03-31/").content.decode()
    table = html[html.index("3. KPI performance") :]
    row = table[table.index("BS-K-002") :]
    row = row[: row.index("</tr>")]
    assert row.count(SUSPENDED) == 1
    assert row.count("As in Jun-18") == 3


def test_the_financial_year_is_written_as_councils_write_it(client, committee_member, seed):
    client.force_login(committee_member)
    html = client.get("/contracts/PSSP/pack/2019-06-30/").content.decode()
    assert "2019/19" not in html
    assert "No budget against outturn is held for 2019/20." in html


def test_each_exception_carries_its_trend_over_the_year(client, committee_member, seed):
    client.force_login(committee_member)
    html = client.get("/contracts/PSSP/pack/2019-03-31/").content.decode()
    exceptions = html[html.index("2. Exceptions") : html.index("3. KPI performance")]
    assert (
        'aria-label="Trend of R&amp;B-K-009: Jun-18 2.96%, Sep-18 3.5%, Dec-18 2.39%, '
        'Mar-19 8%; target ≥ 14%"'
    ) in exceptions
    # A suspended KPI has no counted figure to draw.
    row = exceptions[exceptions.index("BS-K-002") :]
    assert "Too few figures for a trend" in row[: row.index("</tr>")]
