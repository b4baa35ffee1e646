"""A KPI's history in people's words: figures as the KPI's unit writes them, choices by their
label, and each change of the KPI naming the fields with before and after."""

from decimal import Decimal

from kpis.choices import Frequency
from kpis.models import Kpi, Reading, ReportingPeriod
from kpis.reads.history import kpi_history


def test_a_figure_changed_reads_in_the_kpis_unit(seed, officer):
    kpi = Kpi.objects.get(contract__code="PSSP", reference="R&B-K-009")
    reading = Reading.objects.get(kpi=kpi, period__end_date="2019-03-31")
    # The seed is loaded without history: the first save records the figure as loaded.
    reading.save()
    reading.value = Decimal("9.5")
    reading._change_reason = "Recounted after an audit"
    reading.save()
    periods = ReportingPeriod.objects.for_contract(kpi.contract)
    change = kpi_history(kpi, periods)[0]
    assert change.what == "Changed the Mar-19 reading"
    assert change.changes == ["figure: 8% → 9.5%"]
    assert change.why == "Recounted after an audit"


def test_a_change_of_the_kpi_names_each_field_with_before_and_after(seed):
    kpi = Kpi.objects.get(contract__code="PSSP", reference="R&B-K-009")
    kpi.save()
    kpi.description = "Debt recovery: parking penalties"
    kpi.frequency = Frequency.QUARTERLY
    kpi.target_strict = True
    kpi.save()
    change = kpi_history(kpi, [])[0]
    assert change.what == "Changed the KPI: description, frequency, strict target"
    assert change.changes == [
        "description: Debt recovery - Parking → Debt recovery: parking penalties",
        "frequency: Monthly → Quarterly",
        "strict target: no → yes",
    ]


def test_a_save_that_changes_nothing_shown_says_nothing(seed):
    kpi = Kpi.objects.get(contract__code="PSSP", reference="R&B-K-009")
    kpi.save()
    before = len(kpi_history(kpi, []))
    kpi.save()
    assert len(kpi_history(kpi, [])) == before
