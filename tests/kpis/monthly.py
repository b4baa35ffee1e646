"""Monthly KPIs added to a seed contract, and their months entered in a few words, for the tests
of the months beneath a quarter."""

import datetime
from collections.abc import Sequence
from decimal import Decimal

from kpis.choices import Direction, Frequency, Rollup
from kpis.models import Kpi, Reading, Unit
from kpis.rules import rollup
from kpis.writes import saving
from kpis.writes.saving import MonthEntry, RowEntry
from tests.kpis.returns import reading_in, row_entry, start_return

OCT, NOV, DEC = (
    datetime.date(2019, 10, 31),
    datetime.date(2019, 11, 30),
    datetime.date(2019, 12, 31),
)


def add_monthly_kpis(contract) -> dict[str, Kpi]:
    """A percentage collected as parts (calls answered of calls offered), recomputed as a ratio;
    and a tonnage, added up."""
    Unit.objects.ensure_shared()
    area = contract.service_areas.first()
    calls = Kpi.objects.create(
        contract=contract,
        service_area=area,
        reference="CALLS",
        description="Calls answered within 20 seconds",
        frequency=Frequency.MONTHLY,
        unit_id="percent",
        direction=Direction.HIGHER,
        target=Decimal(90),
        detriment=Decimal(87),
        failure=Decimal(84),
        numerator_label="calls answered",
        denominator_label="calls offered",
    )
    waste = Kpi.objects.create(
        contract=contract,
        service_area=area,
        reference="WASTE",
        description="Waste sent to landfill",
        frequency=Frequency.MONTHLY,
        unit_id="tonnes",
        direction=Direction.LOWER,
        target=Decimal(300),
        rollup=Rollup.SUM,
    )
    return {"CALLS": calls, "WASTE": waste}


def _d(value):
    return None if value is None else Decimal(str(value))


def month(end, value=None, reason="", numerator=None, denominator=None) -> MonthEntry:
    return MonthEntry(end, _d(value), reason, _d(numerator), _d(denominator))


def monthly_entry(reading, *months, value=None, reason="", commentary="") -> RowEntry:
    return RowEntry(
        kpi_id=reading.kpi_id,
        version=reading.version,
        value=_d(value),
        not_measured_reason=reason,
        commentary=commentary,
        months=tuple(months),
    )


def month_fields(reading: Reading) -> dict[str, str]:
    """A monthly row's months as the return page posts them back unchanged (`m1_value`...), with
    the quarter's own boxes left empty, as the page leaves them for a quarter made from months."""
    if not reading.kpi.is_monthly:
        return {}
    stored = {figure.month_end: figure for figure in reading.months.all()}
    fields = {"value": "", "not_measured_reason": ""} if stored else {}
    for index, end in enumerate(rollup.quarter_months(reading.period.end_date), start=1):
        figure = stored.get(end)
        if figure is None:
            continue
        parts = {"numerator": figure.numerator, "denominator": figure.denominator}
        if figure.numerator is None:
            parts = {"value": figure.value}
        for name, part in parts.items():
            fields[f"m{index}_{name}"] = "" if part is None else f"{part.normalize():f}"
        if figure.not_measured_reason != rollup.DENOMINATOR_ZERO:
            fields[f"m{index}_not_measured_reason"] = figure.not_measured_reason
    return fields


def months_judged_in_sql(
    readings: Sequence[Reading], today: datetime.date
) -> dict[tuple[int, datetime.date], tuple[str, str | None]]:
    """Each month beneath `readings` (their `months` prefetched) judged by the status SQL, as
    (status, would_have_been) by (reading id, month end).

    The SQL judges readings, not months: each month's figure is put in turn in its quarter's place
    on the reading, in the KPI's own unit, so that the database judges it by the rule in force for
    the quarter (its own target too) and its suspension, which is what `MonthlyFigure.evaluate` is
    given. The readings' own figures are put back afterwards.
    """
    judged = {}
    kept = [
        Reading(
            pk=r.pk, value=r.value, not_measured_reason=r.not_measured_reason, unit_id=r.unit_id
        )
        for r in readings
    ]
    for position in range(3):
        swapped = []
        for reading in readings:
            end = rollup.quarter_months(reading.period.end_date)[position]
            figure = next((m for m in reading.months.all() if m.month_end == end), None)
            if figure is not None:
                swapped.append(
                    Reading(
                        pk=reading.pk,
                        value=figure.value,
                        not_measured_reason=figure.not_measured_reason,
                        unit_id=None,
                    )
                )
        Reading.objects.bulk_update(swapped, ["value", "not_measured_reason", "unit"])
        rows = (
            Reading.objects.filter(pk__in=[r.pk for r in swapped])
            .with_status(today)
            .values_list("pk", "period__end_date", "status", "would_have_been")
        )
        for pk, quarter_end, status, would_have_been in rows:
            end = rollup.quarter_months(quarter_end)[position]
            judged[pk, end] = (status, would_have_been)
    Reading.objects.bulk_update(kept, ["value", "not_measured_reason", "unit"])
    return judged


def enter_months_across_thresholds(officer, contract):
    """A draft of `contract`'s quarter to 31 December 2019 with the two monthly KPIs of
    `add_monthly_kpis`: CALLS's months on both sides of its thresholds (90% of calls answered
    meets the target of 90, 89% is below it, 87% reaches the detriment threshold of 87), and
    WASTE's quarter entered for the quarter alone (250 tonnes, no months). Returns the return,
    still a draft."""
    quarterly_return = start_return(officer, contract)
    calls = monthly_entry(
        reading_in(quarterly_return, "CALLS"),
        month(OCT, numerator=90, denominator=100),
        month(NOV, numerator=89, denominator=100),
        month(DEC, numerator=87, denominator=100),
    )
    waste = row_entry(reading_in(quarterly_return, "WASTE"), 250)
    saving.save_return(quarterly_return=quarterly_return, user=officer, entries=[calls, waste])
    return quarterly_return
