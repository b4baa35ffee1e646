"""The KPI grids' readings query, compiled once a day, agrees with `with_status` compiled anew."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from kpis.models import Kpi, Reading, ReportingPeriod
from kpis.rules.status import Status

DAYS = [datetime.date(2018, 8, 15), datetime.date(2019, 2, 1), datetime.date(2026, 1, 1)]


def _by_orm(kpi_ids, period_ids, today) -> dict:
    readings = Reading.objects.filter(kpi__in=kpi_ids, period__in=period_ids).with_status(today)
    return {(r.kpi_id, r.period_id): _seen(r) for r in readings.select_related("unit")}


def _seen(r: Reading) -> tuple:
    return (r.value, r.status, r.would_have_been, r.unit.label if r.unit_id else None)


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_it_agrees_with_the_orm_on_every_seed_reading(seed, today, django_assert_num_queries):
    kpi_ids = list(Kpi.objects.values_list("pk", flat=True))
    period_ids = list(ReportingPeriod.objects.values_list("pk", flat=True))
    found = Reading.objects.judged(kpi_ids=kpi_ids, period_ids=period_ids, today=today)
    assert len(found) == Reading.objects.count() > 100
    # The units the figures were reported in come with them, as select_related would bring them.
    with django_assert_num_queries(0):
        mine = {(r.kpi_id, r.period_id): _seen(r) for r in found}
    assert any(label for *_, label in mine.values())
    assert mine == _by_orm(kpi_ids, period_ids, today)
    # On PostgreSQL, one instance of each unit serves every reading in it.
    in_units = [r for r in found if r.unit_id]
    if connection.vendor == "postgresql":
        assert len({id(r.unit) for r in in_units}) == len({r.unit_id for r in in_units})


def test_it_reads_only_the_kpis_and_quarters_asked_for(seed):
    kpi = Kpi.objects.get(contract__code="PSSP", reference="R&B-K-009")
    march = ReportingPeriod.objects.get(end_date="2019-03-31")
    june = ReportingPeriod.objects.get(end_date="2018-06-30")
    found = Reading.objects.judged(
        kpi_ids=[kpi.pk], period_ids=[march.pk, june.pk], today=datetime.date(2019, 6, 1)
    )
    assert sorted((r.kpi_id, r.period_id) for r in found) == sorted(
        [(kpi.pk, march.pk), (kpi.pk, june.pk)]
    )
    # The seed's R&B-K-009 missed its target in March 2019 (the scrutiny report says so).
    assert next(r for r in found if r.period_id == march.pk).status == Status.BELOW_TARGET


def test_it_reads_nothing_when_nothing_is_asked_for(seed, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert Reading.objects.judged(kpi_ids=[], period_ids=[1], today=DAYS[0]) == []
        assert Reading.objects.judged(kpi_ids=[1], period_ids=[], today=DAYS[0]) == []


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_it_finds_the_same_readings_by_their_quarters_last_days(seed, today):
    kpi_ids = list(Kpi.objects.filter(contract__code="PSSP").values_list("pk", flat=True))
    quarters = list(ReportingPeriod.objects.filter(end_date__year=2019))
    by_id = Reading.objects.judged(
        kpi_ids=kpi_ids, period_ids=[p.pk for p in quarters], today=today
    )
    by_day = Reading.objects.judged(
        kpi_ids=kpi_ids, end_dates=[p.end_date for p in quarters], today=today
    )
    ends = {p.pk: p.end_date for p in quarters}
    assert len(by_day) > 20
    assert {(r.kpi_id, r.period_id): _seen(r) for r in by_day} == {
        (r.kpi_id, r.period_id): _seen(r) for r in by_id
    }
    # Each reading holds its quarter's last day.
    assert all(r.period_end == ends[r.period_id] for r in by_day)


def test_it_is_told_the_quarters_one_way_only(seed):
    with pytest.raises(ValueError):
        Reading.objects.judged(
            kpi_ids=[1], period_ids=[1], end_dates=[datetime.date(2019, 3, 31)], today=DAYS[0]
        )


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_its_values_agree_with_the_orm_on_every_seed_reading(seed, today):
    kpi_ids = list(Kpi.objects.values_list("pk", flat=True))
    period_ids = list(ReportingPeriod.objects.values_list("pk", flat=True))
    found = Reading.objects.judged_values(kpi_ids=kpi_ids, period_ids=period_ids, today=today)
    assert len(found) == Reading.objects.count() > 100
    readings = Reading.objects.filter(kpi__in=kpi_ids, period__in=period_ids).with_status(today)
    assert {row[0]: row for row in found} == {
        r.pk: (r.pk, r.kpi_id, r.period_id, r.value, r.unit_id, r.target_override, r.status)
        for r in readings
    }
    # The seed holds failures, figures in another unit and quarters with a target of their own.
    assert {Status.FAILURE, Status.MET} <= {row[-1] for row in found}
    assert any(row[4] for row in found) and any(row[5] is not None for row in found)


def test_its_values_are_only_of_the_kpis_and_quarters_asked_for(seed, django_assert_num_queries):
    kpi = Kpi.objects.get(contract__code="PSSP", reference="R&B-K-009")
    march = ReportingPeriod.objects.get(end_date="2019-03-31")
    found = Reading.objects.judged_values(
        kpi_ids=[kpi.pk], period_ids=[march.pk], today=datetime.date(2019, 6, 1)
    )
    assert [(row[1], row[2], row[-1]) for row in found] == [(kpi.pk, march.pk, Status.BELOW_TARGET)]
    with django_assert_num_queries(0):
        assert Reading.objects.judged_values(kpi_ids=[], period_ids=[1], today=DAYS[0]) == []
