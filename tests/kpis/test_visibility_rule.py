"""kpis/permissions/sight.py and `kpis.models.returns.in_states_q` asked directly: which quarters' figures each part sees, as sets and as SQL.

tests/kpis/test_visibility.py proves the rule on every page and download; this pins the rule
itself against the permission table's "see the figures" row, written out by hand.
"""

from types import SimpleNamespace

import pytest

from contracts.roles import Part
from kpis.choices import ReturnState
from kpis.models import QuarterlyReturn, Reading
from kpis.models.returns import in_states_q, public_q
from kpis.permissions import NO_RETURN
from kpis.permissions.sight import (
    PUBLIC,
    PUBLIC_STATES,
    Sight,
    readable_states,
)
from tests.factories import make_area, make_contract, make_kpi, make_reading, make_return

ALL = {NO_RETURN, "draft", "submitted", "approved"}

# One quarter per state of its return, oldest first; the first has no return at all.
QUARTERS = {
    "2019-06-30": NO_RETURN,
    "2019-09-30": ReturnState.DRAFT,
    "2019-12-31": ReturnState.SUBMITTED,
    "2020-03-31": ReturnState.APPROVED,
}


@pytest.mark.parametrize(
    ("part", "states"),
    [
        (Part.ADMINISTRATOR, ALL),
        (Part.MANAGER, ALL),
        (Part.OFFICER, ALL),
        (Part.COMMITTEE, {"approved"}),
        (Part.OTHER, {"approved"}),
        # Not signed in: nothing at all.
        (None, set()),
    ],
)
def test_it_reads_each_parts_quarters_from_the_table(part, states):
    assert readable_states(part) == states


def test_the_public_reads_approved_quarters_only():
    assert set(PUBLIC_STATES) == {"approved"}
    assert PUBLIC.readable == {"approved"}


@pytest.fixture
def world(db):
    """Two contracts, each with one KPI and a reading in every quarter of QUARTERS."""
    readings = {}
    for code in ("ONE", "TWO"):
        contract = make_contract(code)
        kpi = make_kpi(make_area(contract))
        for end, state in QUARTERS.items():
            if state != NO_RETURN:
                make_return(contract, end, state=state)
            readings[code, end] = make_reading(kpi, end, 95).pk
    return readings


def _shown(world, q) -> set[tuple[str, str]]:
    pks = set(Reading.objects.filter(q).values_list("pk", flat=True))
    return {place for place, pk in world.items() if pk in pks}


@pytest.mark.parametrize(
    ("states", "ends"),
    [
        ({"approved"}, {"2020-03-31"}),
        ({"draft", "submitted"}, {"2019-09-30", "2019-12-31"}),
        ({NO_RETURN}, {"2019-06-30"}),
        ({NO_RETURN, "approved"}, {"2019-06-30", "2020-03-31"}),
        (ALL, set(QUARTERS)),
        (set(), set()),
    ],
)
def test_it_filters_readings_by_the_state_of_their_quarters_return(world, states, ends):
    shown = _shown(world, in_states_q(frozenset(states)))
    assert shown == {(code, end) for code in ("ONE", "TWO") for end in ends}


def test_it_asks_nothing_of_the_returns_when_every_state_is_read(world):
    assert str(in_states_q(frozenset(ALL))) == "(AND: )"


def test_it_matches_a_return_of_the_readings_own_contract_and_quarter(world):
    # TWO's Mar-20 return goes back to draft: ONE's approved return for the same quarter must
    # not show TWO's figure, nor ONE's approved quarter a figure of another quarter.
    QuarterlyReturn.objects.filter(contract__code="TWO", period__end_date="2020-03-31").update(
        state=ReturnState.DRAFT
    )
    assert _shown(world, public_q()) == {("ONE", "2020-03-31")}


def _periods() -> list:
    # Stand-ins for `ReportingPeriod.objects.for_contract`'s rows, which carry `return_state`.
    return [
        SimpleNamespace(end=end, return_state=None if state == NO_RETURN else state)
        for end, state in QUARTERS.items()
    ]


def test_a_reader_outside_the_contract_sees_approved_quarters_only():
    sight = Sight(frozenset({"approved"}))
    assert [p.end for p in sight.shown(_periods())] == ["2020-03-31"]
    assert [sight.is_draft(p) for p in _periods()] == [False, False, False, False]
    assert not sight.any_draft(_periods())


def test_those_working_on_the_contract_see_every_quarter_with_drafts_marked():
    sight = Sight(frozenset(ALL))
    assert [p.end for p in sight.shown(_periods())] == list(QUARTERS)
    # A quarter with no return is shown (it has no figures yet) and is not approved: a draft.
    assert [sight.is_draft(p) for p in _periods()] == [True, True, True, False]
    assert sight.any_draft(_periods())
    assert not sight.any_draft(_periods()[3:])


def test_it_gives_each_user_the_sight_of_their_part(seed, officer, committee_member, outsider):
    assert Sight.of(officer, seed["PSSP"]).readable == ALL
    assert Sight.of(committee_member, seed["PSSP"]).readable == {"approved"}
    assert Sight.of(outsider, seed["PSSP"]).readable == {"approved"}
    assert Sight.of(outsider, seed["HERTS"]).readable == ALL
