"""Writes in bulk send no signal, so the QuerySets of the rows a contract's pages show move the
contract's data version on themselves (contracts.querysets.VersionedQuerySet): only the contracts
whose rows are written, in the same transaction as the write, and in one query."""

from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.db.models.signals import post_delete
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from contracts.models import Contract
from kpis.models import (
    Kpi,
    QuarterlyReturn,
    Reading,
    ReportingPeriod,
    RuleChange,
    Suspension,
    Unit,
    UnitKind,
)
from tests.factories import make_area, make_contract, make_kpi, make_reading, make_return, period

Q1, Q2 = "2019-06-30", "2019-09-30"


@pytest.fixture
def kpis(db) -> dict[str, Kpi]:
    """A KPI of each of two contracts, A and B, with a reading in Q1."""
    found = {}
    for code in ("A", "B"):
        kpi = make_kpi(make_area(make_contract(code)))
        make_reading(kpi, Q1, 90)
        found[code] = kpi
    return found


def _versions() -> dict[str, int]:
    return dict(Contract.objects.values_list("code", "data_version"))


def _moved(before: dict[str, int]) -> set[str]:
    """The contracts whose version moved on since `before`."""
    return {code for code, version in _versions().items() if version > before[code]}


def test_an_update_of_readings_moves_their_contract_on_alone(kpis, django_assert_num_queries):
    before = _versions()
    # The contract's version, then the readings: one query each, however many rows.
    with django_assert_num_queries(2):
        count = Reading.objects.filter(kpi__contract__code="A").update(commentary="Checked")
    assert count == 1
    assert _moved(before) == {"A"}


def test_an_update_of_a_kpis_readings_moves_its_contract_on(kpis):
    before = _versions()
    kpis["B"].readings.update(value=Decimal(95))
    assert _moved(before) == {"B"}


def test_an_update_that_finds_nothing_moves_nothing(kpis):
    before = _versions()
    assert Reading.objects.filter(value=Decimal(1)).update(commentary="None") == 0
    assert _moved(before) == set()


def test_an_update_of_the_rows_that_the_filter_no_longer_finds_after_it(kpis):
    before = _versions()
    Reading.objects.filter(kpi=kpis["A"], value__isnull=False).update(value=None)
    assert _moved(before) == {"A"}


def test_rows_moved_to_another_contract_move_both_on(kpis):
    quarter = period(Q2)
    before = _versions()
    Reading.objects.filter(kpi=kpis["A"]).update(kpi=kpis["B"], period=quarter)
    assert _moved(before) == {"A", "B"}


def test_a_bulk_update_moves_the_contracts_of_its_rows_on(kpis, django_assert_num_queries):
    reading = Reading.objects.get(kpi=kpis["A"])
    reading.value = Decimal(80)
    before = _versions()
    # Django writes each batch through update(): the version, then the rows.
    with django_assert_num_queries(2):
        Reading.objects.bulk_update([reading], ["value"])
    assert _moved(before) == {"A"}


def test_a_bulk_update_moving_rows_moves_the_contracts_they_leave_and_join(kpis):
    reading = Reading.objects.get(kpi=kpis["A"])
    reading.kpi, reading.period = kpis["B"], period(Q2)
    before = _versions()
    Reading.objects.bulk_update([reading], ["kpi", "period"])
    assert _moved(before) == {"A", "B"}


def test_a_bulk_create_of_readings_moves_their_contract_on(kpis, django_assert_num_queries):
    rows = [Reading(kpi=kpis["B"], period=period(Q2))]
    before = _versions()
    with django_assert_num_queries(2):
        Reading.objects.bulk_create(rows)
    assert _moved(before) == {"B"}


def test_a_bulk_create_of_each_kind_of_row_moves_its_contract_on(kpis):
    contract = kpis["A"].contract
    rows = {
        Kpi: Kpi(
            contract=contract, service_area=kpis["A"].service_area, reference="K-2",
            description="New", frequency=kpis["A"].frequency, unit_id=kpis["A"].unit_id,
            direction=kpis["A"].direction,
        ),
        Suspension: Suspension(kpi=kpis["A"], first_quarter=Q2, reason="Replaced"),
        RuleChange: RuleChange(kpi=kpis["A"], effective_from=Q2, reason="Raised"),
        QuarterlyReturn: QuarterlyReturn(contract=contract, period=period(Q2)),
    }  # fmt: skip
    for model, row in rows.items():
        before = _versions()
        model._default_manager.bulk_create([row])
        assert _moved(before) == {"A"}, model


def test_simple_historys_bulk_writes_move_the_version_on(kpis):
    rows = [Reading(kpi=kpis["A"], period=period(Q2))]
    before = _versions()
    [created] = bulk_create_with_history(rows, Reading)
    assert _moved(before) == {"A"}
    created.value = Decimal(70)
    before = _versions()
    bulk_update_with_history([created], Reading, ["value"])
    assert _moved(before) == {"A"}
    assert created.history.count() == 2


def test_a_delete_with_no_signal_moves_the_contract_on(kpis, monkeypatch):
    # With no receiver at all, Django deletes the rows without reading them and sends nothing.
    monkeypatch.setattr(post_delete, "receivers", [])
    monkeypatch.setattr(post_delete, "sender_receivers_cache", {})
    before = _versions()
    Reading.objects.filter(kpi__contract__code="B").delete()
    assert not Reading.objects.filter(kpi=kpis["B"]).exists()
    assert _moved(before) == {"B"}


def test_a_failed_bulk_write_leaves_the_version_as_it_was(transactional_db, kpis):
    # Outside any transaction of the caller's: the write's own holds the version too.
    before = _versions()
    with pytest.raises(IntegrityError):
        Reading.objects.bulk_create([Reading(kpi=kpis["A"], period=period(Q1))])
    assert _versions() == before


def test_a_shared_unit_written_in_bulk_moves_every_contract_on(kpis):
    Unit.objects.ensure_shared()
    before = _versions()
    Unit.objects.filter(code="percent").update(label="Per cent")
    assert _moved(before) == {"A", "B"}
    before = _versions()
    Unit.objects.bulk_create([Unit(code="homes", label="Homes", kind=UnitKind.COUNT)])
    assert _moved(before) == {"A", "B"}


def test_a_contracts_own_unit_written_in_bulk_moves_that_contract_on(kpis):
    before = _versions()
    Unit.objects.bulk_create(
        [Unit(code="homes", label="Homes", kind=UnitKind.COUNT, contract=kpis["B"].contract)]
    )
    Unit.objects.filter(code="homes").update(label="Homes improved")
    assert _moved(before) == {"B"}


def test_contracts_updated_in_bulk_move_on(kpis):
    before = _versions()
    Contract.objects.filter(code="A").update(name="Renamed")
    assert _moved(before) == {"A"}


def test_contracts_bulk_updated_move_on_and_never_write_back_an_older_version(kpis):
    stale = Contract.objects.get(code="B")
    Contract.objects.filter(code="B").touch()
    before = _versions()
    stale.name = "Renamed"
    Contract.objects.bulk_update([stale], ["name", "data_version"])
    assert _moved(before) == {"B"}


def test_a_quarter_written_in_bulk_moves_every_contract_on(kpis):
    make_return(kpis["A"].contract, Q1)
    before = _versions()
    # Quarters are shown on every contract's pages, whichever holds a return for them.
    ReportingPeriod.objects.filter(end_date=Q1).update(quarter=1)
    assert _moved(before) == {"A", "B"}


def test_the_writes_keep_djangos_guards():
    # A manager has no delete(), so that `Reading.objects.delete()` cannot empty the table, and
    # a template never calls a write (`{{ readings.update }}`).
    assert not hasattr(Reading.objects, "delete")
    readings = Reading.objects.all()
    assert all(
        method.alters_data
        for method in (readings.update, readings.bulk_create, readings.bulk_update, readings.delete)
    )
    assert Contract.objects.all().update.alters_data
