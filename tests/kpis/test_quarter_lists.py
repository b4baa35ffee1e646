"""Every form that names a quarter offers it from a list, never as a typed date."""

import re

from django.test import Client

from kpis.models import Kpi
from kpis.writes import opening
from tests.kpis.test_stray_draft import STRAY


def _page(user, url: str) -> str:
    client = Client()
    client.force_login(user)
    return client.get(url).content.decode()


def _select(html: str, name: str) -> str:
    found = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert found, f"no list for {name}"
    return found.group(1)


def test_the_rule_change_offers_quarters_with_the_first_open_one_chosen(seed, manager):
    kpi = Kpi.objects.get(contract__code="ICT", reference="3")
    options = _select(_page(manager, f"/contracts/ICT/kpis/{kpi.pk}/rule/"), "effective_from")
    # ICT's last approved quarter is Sep-19: a change can start from Dec-19.
    assert '<option value="2019-12-31" selected>' in options
    assert "2019/20 Q3 (to 31 December 2019)" in options


def test_the_suspension_form_offers_quarters_and_an_open_end(seed, officer):
    opening.open_return(contract=seed["PSSP"], end_date=STRAY, user=officer)
    html = _page(officer, f"/contracts/PSSP/returns/{STRAY.isoformat()}/suspensions/new/")
    assert f'<option value="{STRAY.isoformat()}" selected>' in _select(html, "first_quarter")
    assert '<option value="">Until further notice</option>' in _select(html, "last_quarter")


def test_relief_and_credits_offer_the_contracts_quarters(seed, manager):
    relief = _select(_page(manager, "/contracts/ICT/regime/relief/"), "quarter")
    assert "2019/20 Q2 (to 30 September 2019)" in relief
    credit = _select(_page(manager, "/contracts/ICT/regime/credit/"), "quarter")
    assert "2019/20 Q2 (to 30 September 2019)" in credit
