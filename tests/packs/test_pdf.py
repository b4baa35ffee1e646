"""Every pack downloads as a PDF: A4 landscape, numbered pages, the headline figures."""

import datetime
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from kpis import services
from kpis.models import ReportingPeriod
from kpis.scorecard import scorecard
from kpis.visibility import PUBLIC


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
        # The headline: KPIs measured and met this quarter, as the summary counts them.
        year = [p for p in periods if p.financial_year == period.financial_year]
        year = [p for p in year if p.end_date <= period.end_date]
        card = scorecard(contract, year, timezone.localdate(), sight=PUBLIC)
        total = card.total
        assert total.measured > 0
        assert f"Total {card.period_totals[0].measured} {card.period_totals[0].met}" in text
        assert f"{total.measured} {total.met}" in text


def test_it_says_how_far_an_unapproved_quarter_has_got(client, committee_member, officer, seed):
    services.open_return(contract=seed["ICT"], end_date=datetime.date(2019, 12, 31), user=officer)
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
