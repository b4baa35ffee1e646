"""Onboarding: the contract's page leads to importing a quarter's figures and back-filling
history, and the import page opens on the quarter it was opened for."""

from django.test import Client

from kpis.writes import opening
from tests.kpis.test_stray_draft import STRAY


def _page(user, url: str) -> str:
    client = Client()
    client.force_login(user)
    return client.get(url).content.decode()


IMPORT = 'href="/contracts/PSSP/import/"'
BACKFILL = 'href="/contracts/PSSP/import/?backfill=1"'


def test_the_contract_page_offers_the_imports_to_those_who_may_use_them(
    seed, manager, officer, committee_member
):
    by_manager = _page(manager, "/contracts/PSSP/")
    assert IMPORT in by_manager and BACKFILL in by_manager
    by_officer = _page(officer, "/contracts/PSSP/")
    assert IMPORT in by_officer and BACKFILL not in by_officer
    by_reader = _page(committee_member, "/contracts/PSSP/")
    assert IMPORT not in by_reader and BACKFILL not in by_reader


def test_the_import_page_opens_on_the_quarter_and_choice_asked_for(seed, manager):
    html = _page(manager, "/contracts/PSSP/import/?quarter=2019-06-30&backfill=1")
    assert html.count('<option value="2019-06-30" selected>') == 2  # template and upload
    assert 'name="backfill" type="checkbox" value="on" checked' in html
    # A quarter not offered is ignored, not an error: the list starts at the latest quarter.
    html = _page(manager, "/contracts/PSSP/import/?quarter=1999-06-30")
    assert "Filled-in template" in html and "1999-06-30" not in html


def test_a_return_opens_the_import_on_its_own_quarter(seed, officer):
    opening.open_return(contract=seed["PSSP"], end_date=STRAY, user=officer)
    html = _page(officer, f"/contracts/PSSP/returns/{STRAY.isoformat()}/")
    assert f'href="/contracts/PSSP/import/?quarter={STRAY.isoformat()}"' in html
