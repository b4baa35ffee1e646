"""A contract's small tables read in one query give what the ORM gives reading them one by one:
the same rows, in the same order, with the same values (money to the penny, dates, times, JSON)."""

from decimal import Decimal

from django.utils import timezone

from contracts.models import Budget, Extension
from kpis.models import ReportingPeriod, Suspension
from kpis.reads.together import read_together
from packs.models import PublishedPack
from packs.services import publish_pack
from regime.models import AppliedCredit, CreditScheme, QuarterCharge, RegimeSettings, Relief


def _querysets(contract) -> dict:
    return {
        "settings": RegimeSettings.objects.filter(contract=contract),
        "schemes": CreditScheme.objects.filter(contract=contract).order_by("-effective_from"),
        "charges": QuarterCharge.objects.filter(contract=contract),
        "applied": AppliedCredit.objects.filter(contract=contract),
        "reliefs": Relief.objects.filter(kpi__contract=contract),
        "extensions": Extension.objects.filter(contract=contract),
        "budgets": Budget.objects.filter(contract=contract).order_by("financial_year"),
        "suspensions": Suspension.objects.filter(kpi__contract=contract).order_by("-kpi__position"),
        "packs": PublishedPack.objects.without_pdf().for_contract(contract).newest_first(),
        "periods": ReportingPeriod.objects.filter(returns__contract=contract).only("end_date"),
        # With the return's state and source as annotations.
        "quarters": ReportingPeriod.objects.for_contract(contract),
    }


def _values(instance) -> dict:
    loaded = instance.get_deferred_fields()
    values = {
        f.attname: getattr(instance, f.attname)
        for f in instance._meta.concrete_fields
        if f.attname not in loaded
    }
    for name in ("return_state", "backfill_source", "backfill_page"):
        if hasattr(instance, name):
            values[name] = getattr(instance, name)
    return values


def test_it_reads_what_the_orm_reads_in_one_query(seed, manager, django_assert_num_queries):
    # Money with pence and a time of day, on a contract with none of the regime's rows yet.
    contract = seed["PSSP"]
    AppliedCredit.objects.create(
        contract=contract,
        period=ReportingPeriod.objects.filter(returns__contract=contract).first(),
        amount=Decimal("1234.56"),
        note="Agreed at the meeting",
        recorded_by=manager,
        recorded_at=timezone.now(),
    )
    publish_pack(contract=seed["ICT"], quarter="2019-03-31", user=manager)
    for code in ("ICT", "PSSP", "HERTS"):
        querysets = _querysets(seed[code])
        wanted = {name: list(queryset) for name, queryset in querysets.items()}
        with django_assert_num_queries(1):
            found = read_together(querysets)
        for name, expected in wanted.items():
            assert [type(i) for i in found[name]] == [type(i) for i in expected], name
            assert [_values(i) for i in found[name]] == [_values(i) for i in expected], name
            assert all(not i._state.adding for i in found[name])
    assert read_together({}) == {}


def test_every_registered_table_reads_what_the_orm_reads_compiled_once_for_any_contract(
    seed, manager, django_assert_num_queries
):
    from contracts.models import Contract
    from kpis.reads import together

    publish_pack(contract=seed["ICT"], quarter="2019-03-31", user=manager)
    names = tuple(sorted(together._sources))
    for code in ("ICT", "PSSP", "HERTS", "ICT"):
        # A fresh object each time, as each request holds: nothing preloaded.
        contract = Contract.objects.get(code=code)
        expected = {name: list(together._sources[name](contract)) for name in names}
        with django_assert_num_queries(1):
            found = together.tables_of(contract, names)
        for name in names:
            assert [_values(i) for i in found[name]] == [_values(i) for i in expected[name]], name
    # ICT holds rows (its pack, quarters, suspensions...), so the id really was filled in.
    assert any(expected.values())
