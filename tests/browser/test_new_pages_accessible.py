"""Every page a manager or officer reaches beyond the committee's journey passes axe (WCAG 2.2 AA)
and has its heading: the regime, packs, restatements, suspension requests, returns lists and the
open data."""

from __future__ import annotations

import datetime

from playwright.sync_api import expect

from kpis.models import Kpi
from kpis.writes import decisions, opening
from packs.services import publish_pack
from tests.browser.conftest import assert_no_axe_violations


def test_the_newer_pages_pass_axe(seed, officer, manager, signed_in_page):
    pack, _ = publish_pack(contract=seed["PSSP"], quarter="2019-03-31", user=manager)
    opening.open_return(contract=seed["PSSP"], end_date=datetime.date(2019, 12, 31), user=officer)
    asked = decisions.ask_for_suspension(
        kpi=Kpi.objects.get(contract=seed["PSSP"], reference="R&B-K-009"),
        first_quarter=datetime.date(2019, 12, 31),
        last_quarter=None,
        reason="The system that measured it has been replaced.",
        user=officer,
    )
    page = signed_in_page(manager)
    pages = {
        "/returns/": "My returns",
        "/contracts/ICT/regime/": "Service failures and credits",
        "/contracts/ICT/regime/relief/": "Record relief of a failure",
        "/contracts/ICT/regime/credit/": "Record the credit applied",
        "/contracts/PSSP/restatements/": "Restated figures",
        f"/contracts/PSSP/packs/{pack.pk}/": "Committee pack",
        f"/contracts/PSSP/suspension-requests/{asked.pk}/": "Request to suspend R&B-K-009",
        "/contracts/PSSP/returns/2019-12-31/suspensions/new/": "Record a suspension",
        "/contracts/HERTS/": "Hertfordshire",
        "/open-data/": "Open data",
        "/no/such/page/": "Page not found",
    }
    for url, heading in pages.items():
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert_no_axe_violations(page)
