"""A pack published at the same moment as its quarter is reopened: published from the approved
figures before the reopening, or refused after it. PostgreSQL only (tests/kpis/races.py says why).
"""

import pytest

from kpis.choices import ReturnState
from kpis.models import QuarterlyReturn
from kpis.permissions import ReturnLocked
from kpis.writes import workflow
from packs.models import PublishedPack
from packs.services import publish_pack
from tests.kpis.races import TRIALS, needs_row_locks, race

pytestmark = [needs_row_locks, pytest.mark.parametrize("trial", TRIALS)]

Q4_18 = "2019-03-31"


def test_a_reopening_and_the_publication_of_the_quarters_pack(
    transactional_db, trial, seed, manager, admin_user
):
    quarterly_return = QuarterlyReturn.objects.get(contract=seed["PSSP"], period__end_date=Q4_18)
    reopening, publishing = race(
        lambda: workflow.reopen_return(
            quarterly_return=quarterly_return, user=manager, reason="Figures restated"
        ),
        lambda: publish_pack(contract=seed["PSSP"], quarter=Q4_18, user=admin_user),
    )
    assert reopening.done
    quarterly_return.refresh_from_db()
    assert quarterly_return.state == ReturnState.DRAFT
    reopened = quarterly_return.history.filter(history_change_reason__startswith="Reopened").get()
    pack = PublishedPack.objects.filter(contract=seed["PSSP"]).first()
    assert (pack is not None) == publishing.done
    if pack:
        assert pack.published_at < reopened.history_date
    else:
        assert isinstance(publishing.refusal, ReturnLocked)
