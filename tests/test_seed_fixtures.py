from decimal import Decimal

from django.core.management import call_command

from contracts.models import Budget, Contract, Extension
from kpis.models import Kpi, PublishedSummary, QuarterlyReturn, Reading, Suspension


def test_it_loads_both_contracts_of_peterborough_with_every_kpi(seed):
    assert Kpi.objects.filter(contract__code="PSSP").count() == 22
    assert Kpi.objects.filter(contract__code="ICT").count() == 19
    areas = list(seed["PSSP"].service_areas.values_list("code", flat=True))
    assert areas == ["STS", "BS", "CS", "BTSI", "FSS", "PROC"]
    assert Reading.objects.count() == (22 + 19) * 6
    assert QuarterlyReturn.objects.filter(state="approved").count() == 12
    assert PublishedSummary.objects.count() == 18
    assert set(Suspension.objects.values_list("kpi__reference", flat=True)) == {
        "BS-K-002",
        "CS-K-002",
    }


def test_it_keeps_the_report_s_references_and_flags_its_oddities(seed):
    refs = list(Kpi.objects.filter(contract__code="ICT").values_list("reference", flat=True))
    assert refs == [str(n) for n in range(1, 20)]
    assert "s13" in Kpi.objects.get(contract__code="ICT", reference="13").notes
    assert "percentage" in Kpi.objects.get(contract__code="ICT", reference="15").notes
    assert seed["ICT"].stated_kpi_count == 19


def test_it_loads_the_budget_against_outturn(seed):
    pssp = Budget.objects.get(contract__code="PSSP", financial_year=2018)
    assert (pssp.revised_budget, pssp.actual_outturn, pssp.variance) == (
        Decimal(5984000),
        Decimal(8250000),
        Decimal(2266000),
    )
    ict = Budget.objects.get(contract__code="ICT")
    assert (ict.revised_budget, ict.variance) == (Decimal(5653000), Decimal(494000))


def test_it_loads_hertfordshire_and_its_extension(seed):
    herts = seed["HERTS"]
    assert herts.authority == "Hertfordshire County Council"
    assert herts.service_areas.count() == 7
    extension = Extension.objects.get(contract=herts)
    assert (extension.value, extension.guaranteed_savings) == (
        Decimal(48_000_000),
        Decimal(1_342_000),
    )
    assert herts.current_end_date.isoformat() == "2021-03-31"


def test_loading_the_fixtures_again_changes_nothing(seed):
    before = (Contract.objects.count(), Kpi.objects.count(), Reading.objects.count())
    call_command("loaddata", "peterborough_serco_2018_19", "hertfordshire_serco_2019", verbosity=0)
    assert (Contract.objects.count(), Kpi.objects.count(), Reading.objects.count()) == before
