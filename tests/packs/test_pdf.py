"""Every pack downloads as a PDF: A4 landscape, numbered pages, the headline figures."""

import datetime
import io

import pytest
from pypdf import PdfReader

from kpis.models import ReportingPeriod
from kpis.writes import opening

# Measured and met in the financial year's first quarter, then summed over the year to the pack's
# quarter, from tests/kpis/test_seed_counts.py's area rows added by hand. PSSP quarter by quarter:
# Jun-18 18/17, Sep-18 19/18 (CS-K-001 surveyed), Dec-18 18/17, Mar-19 18/16, Jun-19 18/17,
# Sep-19 19/18. ICT: 17/17, 17/15, 17/16, 14/10, then 15/14 and 14/14.
HEADLINE = {
    "PSSP": {
        "2018-06-30": (18, 17, 18, 17),
        "2018-09-30": (18, 17, 18 + 19, 17 + 18),  # 37, 35
        "2018-12-31": (18, 17, 37 + 18, 35 + 17),  # 55, 52
        "2019-03-31": (18, 17, 55 + 18, 52 + 16),  # 73, 68
        "2019-06-30": (18, 17, 18, 17),
        "2019-09-30": (18, 17, 18 + 19, 17 + 18),  # 37, 35
    },
    "ICT": {
        "2018-06-30": (17, 17, 17, 17),
        "2018-09-30": (17, 17, 17 + 17, 17 + 15),  # 34, 32
        "2018-12-31": (17, 17, 34 + 17, 32 + 16),  # 51, 48
        "2019-03-31": (17, 17, 51 + 14, 48 + 10),  # 65, 58
        "2019-06-30": (15, 14, 15, 14),
        "2019-09-30": (15, 14, 15 + 14, 14 + 14),  # 29, 28
    },
}


def _pdf_text(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize("code", ["PSSP", "ICT"])
def test_it_renders_the_pdf_for_every_seed_quarter(client, committee_member, seed, code):
    client.force_login(committee_member)
    contract = seed[code]
    periods = list(ReportingPeriod.objects.for_contract(contract))
    assert len(periods) == 6
    for period in periods:
        response = client.get(f"/contracts/{code}/pack/{period.end_date}/pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert f"{code}-committee-pack-{period.end_date}.pdf" in response["Content-Disposition"]
        reader, text = _pdf_text(response.content)
        assert len(reader.pages) >= 1
        box = reader.pages[0].mediabox
        assert float(box.width) > float(box.height)  # landscape
        assert round(float(box.width) * 25.4 / 72) == 297  # A4: 297 mm wide
        assert contract.name in text.replace("\n", " ")
        assert period.long_label in text
        assert f"page 1 of {len(reader.pages)}" in text
        assert "Approved" in text
        assert "Produced on" in text
        # The headline: KPIs measured and met in the year's first quarter, and so far this year.
        first_measured, first_met, measured, met = HEADLINE[code][period.end_date.isoformat()]
        assert f"Total {first_measured} {first_met}" in text
        assert f"{measured} {met}" in text


def test_it_says_how_far_an_unapproved_quarter_has_got(client, committee_member, officer, seed):
    opening.open_return(contract=seed["ICT"], end_date=datetime.date(2019, 12, 31), user=officer)
    client.force_login(committee_member)
    _, text = _pdf_text(client.get("/contracts/ICT/pack/2019-12-31/pdf").content)
    assert "In progress" in text
    assert "is not approved yet" in text


def test_the_live_pack_links_its_pdf(client, committee_member, seed):
    client.force_login(committee_member)
    response = client.get("/contracts/PSSP/pack/2019-03-31/")
    assert b'href="/contracts/PSSP/pack/2019-03-31/pdf"' in response.content


def test_an_outsider_of_no_contract_gets_a_404_for_an_unknown_quarter(client, outsider, seed):
    client.force_login(outsider)
    assert client.get("/contracts/PSSP/pack/2030-03-31/pdf").status_code == 404
    assert client.get("/contracts/NOPE/pack/2019-03-31/pdf").status_code == 404


def test_it_asks_for_a_sign_in(client, seed):
    response = client.get("/contracts/PSSP/pack/2019-03-31/pdf")
    assert response.status_code == 302
