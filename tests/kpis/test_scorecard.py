"""The scorecard's companions: the KPIs left out of the counts, with why, and the home page's
latest-quarter counts. Expectations from the seed report (tests/kpis/test_seed_statuses.py)."""

import datetime

from kpis.choices import ReturnState
from kpis.models import Kpi, Reading, ReportingPeriod
from kpis.permissions.sight import PUBLIC, Sight
from kpis.reads.scorecard import latest_counts, left_out, scorecard
from kpis.reads.summary import Counts
from tests.factories import make_reading, make_return

TODAY = datetime.date(2020, 6, 1)
OTHER_UNIT = "the figure is in another unit than the KPI's"


def test_it_lists_the_ict_kpis_left_out_with_their_quarters_and_reasons(seed):
    periods = list(ReportingPeriod.objects.for_contract(seed["ICT"]))
    found = [
        (e.kpi.reference, e.status, [p.label for p in e.periods], e.reasons)
        for e in left_out(seed["ICT"], periods, TODAY, sight=PUBLIC)
    ]
    every = ["Jun-18", "Sep-18", "Dec-18", "Mar-19", "Jun-19", "Sep-19"]
    # KPIs 5 and 6 are never printed; 11 is "n/a" in Sep-19 and 19 "N/A" in Mar-19; 15 and 18
    # are printed as percentages, not failure counts, from Mar-19 on. In KPI order.
    assert found == [
        ("5", "missing", every, []),
        ("6", "missing", every, []),
        ("11", "not_measured", ["Sep-19"], ["n/a"]),
        ("15", "not_measured", ["Mar-19", "Jun-19", "Sep-19"], [OTHER_UNIT]),
        ("18", "not_measured", ["Mar-19", "Jun-19", "Sep-19"], [OTHER_UNIT]),
        ("19", "not_measured", ["Mar-19"], ["N/A"]),
    ]


def test_it_leaves_out_only_the_quarters_the_reader_sees(seed):
    periods = [p for p in ReportingPeriod.objects.for_contract(seed["ICT"]) if p.quarter == 4]
    found = [
        (e.kpi.reference, [p.label for p in e.periods])
        for e in left_out(seed["ICT"], periods, TODAY, sight=PUBLIC)
    ]
    # Mar-19 alone: 5 and 6 missing, 15, 18 and 19 not measured.
    assert found == [
        ("5", ["Mar-19"]),
        ("6", ["Mar-19"]),
        ("15", ["Mar-19"]),
        ("18", ["Mar-19"]),
        ("19", ["Mar-19"]),
    ]


def test_it_counts_each_contracts_latest_quarter(seed):
    sep_19 = ReportingPeriod.objects.get(end_date="2019-09-30").pk
    counts = latest_counts({seed["PSSP"].pk: sep_19, seed["ICT"].pk: sep_19}, TODAY)
    # Sep-19 from tests/kpis/test_seed_counts.py, areas added up. PSSP: 9 + 1 + 2 + 1 + 1 + 5
    # measured, all met but R&B-K-009; BS-K-002 and CS-K-002 suspended; FS-K-002 not measured.
    assert counts[seed["PSSP"].pk] == Counts(met=18, below_target=1, suspended=2, not_measured=1)
    # ICT: 14 met; 11 (n/a), 15 and 18 (percentages) not measured; 5 and 6 missing.
    assert counts[seed["ICT"].pk] == Counts(met=14, not_measured=3, missing=2)
    assert latest_counts({}, TODAY) == {}


def test_it_lists_the_pssp_kpis_left_out_area_by_area_then_in_kpi_order(seed):
    # FS-K-002 placed first in its area, and CS-K-002 before CS-K-001: the areas' own order
    # (BS, CS, FSS) still comes first, then each KPI's place within its area.
    Kpi.objects.filter(reference="FS-K-002").update(position=0)
    Kpi.objects.filter(reference="CS-K-002").update(position=0)
    periods = list(ReportingPeriod.objects.for_contract(seed["PSSP"]))
    found = [
        (e.kpi.reference, e.status, len(e.periods), e.reasons)
        for e in left_out(seed["PSSP"], periods, TODAY, sight=PUBLIC)
    ]
    # Suspensions from Jun-18 on, reasons as the report gives them; CS-K-001 "No survey" in
    # Jun-18, Dec-18, Mar-19 and Jun-19; FS-K-002 "No call received" in all six.
    assert found == [
        ("BS-K-002", "suspended", 6, [
            "The work management system is no longer supported following the move to the "
            "Google Platform."
        ]),
        ("CS-K-002", "suspended", 6, [
            "Additional time is required to populate the Customer Relationship System."
        ]),
        ("CS-K-001", "not_measured", 4, ["No survey"]),
        ("FS-K-002", "not_measured", 6, ["No call received"]),
    ]  # fmt: skip


def test_it_lists_a_kpis_quarters_in_date_order(seed):
    # Mar-18 is stored after every seed quarter but ends before them: it is listed first.
    make_return(seed["ICT"], "2018-03-31", state=ReturnState.APPROVED)
    make_reading(Kpi.objects.get(contract=seed["ICT"], reference="5"), "2018-03-31")
    periods = list(ReportingPeriod.objects.for_contract(seed["ICT"]))
    five = next(e for e in left_out(seed["ICT"], periods, TODAY, sight=PUBLIC))
    assert (five.kpi.reference, five.status) == ("5", "missing")
    assert [p.label for p in five.periods] == [
        "Mar-18", "Jun-18", "Sep-18", "Dec-18", "Mar-19", "Jun-19", "Sep-19",
    ]  # fmt: skip


def test_it_leaves_out_as_of_the_day_asked(seed):
    # On 1 September 2019 Sep-19 is not over: KPIs 5 and 6 are not due in it yet, not missing,
    # and not due is no reason to be listed.
    periods = list(ReportingPeriod.objects.for_contract(seed["ICT"]))
    found = {
        e.kpi.reference: [p.label for p in e.periods]
        for e in left_out(seed["ICT"], periods, datetime.date(2019, 9, 1), sight=PUBLIC)
        if e.status == "missing"
    }
    assert found == {
        "5": ["Jun-18", "Sep-18", "Dec-18", "Mar-19", "Jun-19"],
        "6": ["Jun-18", "Sep-18", "Dec-18", "Mar-19", "Jun-19"],
    }


def test_it_counts_latest_quarters_that_differ_by_contract_as_of_the_day_asked(seed):
    jun_19 = ReportingPeriod.objects.get(end_date="2019-06-30").pk
    sep_19 = ReportingPeriod.objects.get(end_date="2019-09-30").pk
    # PSSP's Jun-19 alone and ICT's Sep-19 alone, on 1 September 2019. PSSP Jun-19: 9 + 1 + 1
    # + 1 + 1 + 5 measured, all met but R&B-K-009; CS-K-001 "No survey" and FS-K-002 not
    # measured; BS-K-002 and CS-K-002 suspended. ICT Sep-19 as above, but Sep-19 is not over,
    # so KPIs 5 and 6 are not due rather than missing.
    counts = latest_counts(
        {seed["PSSP"].pk: jun_19, seed["ICT"].pk: sep_19}, datetime.date(2019, 9, 1)
    )
    assert counts == {
        seed["PSSP"].pk: Counts(met=17, below_target=1, suspended=2, not_measured=2),
        seed["ICT"].pk: Counts(met=14, not_measured=3, not_due=2),
    }
    # A contract left out of the question is left out of the answer.
    assert set(latest_counts({seed["PSSP"].pk: sep_19}, TODAY)) == {seed["PSSP"].pk}


def test_it_scores_the_quarters_shown_as_of_the_day_asked_and_hides_the_others(seed):
    periods = list(ReportingPeriod.objects.for_contract(seed["ICT"]))[-2:]  # Jun-19, Sep-19
    sight = Sight(frozenset({"approved"}))
    periods[0].return_state = "draft"  # Jun-19 shown as in progress
    card = scorecard(seed["ICT"], periods, datetime.date(2019, 9, 1), sight=sight)
    (row,) = card.rows
    # Jun-19 hidden; Sep-19 on 1 September 2019: 14 met, 11, 15 and 18 not measured, and
    # KPIs 5 and 6 not due yet.
    assert row.cells == [None, Counts(met=14, not_measured=3, not_due=2)]
    # The hidden quarter stands in as "in progress" (its return is a draft); nothing is a draft
    # among the quarters shown.
    assert (card.hidden, card.drafts) == (["in_progress", None], [False, False])


def test_it_marks_a_draft_shown_to_those_working_on_it_and_counts_an_empty_area_as_zero(seed):
    periods = list(ReportingPeriod.objects.for_contract(seed["ICT"]))[-2:]  # Jun-19, Sep-19
    periods[0].return_state = "draft"
    Reading.objects.filter(kpi__contract=seed["ICT"], period=periods[1]).delete()
    card = scorecard(seed["ICT"], periods, TODAY, sight=Sight(frozenset({"draft", "approved"})))
    (row,) = card.rows
    # Jun-19 shown as a draft, with ICT's Jun-19 counts (tests/kpis/test_seed_counts.py: 14 met,
    # KPI 11's failure, 15 and 18 not measured, 5 and 6 missing); Sep-19 with no readings left.
    assert (card.hidden, card.drafts) == ([None, None], [True, False])
    assert row.cells == [Counts(met=14, failure=1, not_measured=2, missing=2), Counts()]
