"""The demo's notice cycle, loaded twice: a contract under the Act with its published KPIs, a
notice due and a breach, made once."""

import datetime

from django.core.management import call_command

from contracts.models import Contract
from notices.choices import NoticeKind
from notices.due import owed
from notices.models import Breach


def test_it_loads_the_cycle_once(seed):
    call_command("load_notices_demo")
    call_command("load_notices_demo")
    ict = Contract.objects.get(code="ICT")
    assert ict.needs_performance_notices
    assert ict.kpis.filter(published=True).count() == 3
    assert Breach.objects.filter(contract=ict).count() == 1
    (entry,) = owed([ict], datetime.date.today())
    assert not entry.too_few_published
    assert {d.kind for d in entry.attention} >= {NoticeKind.PERIODIC, NoticeKind.BREACH}
