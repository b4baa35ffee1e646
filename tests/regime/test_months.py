"""Credits by the month: where a contract's regime says so, a monthly KPI's months at failure are
its service failures, each its own line of the ledger beneath its quarter, and earns its credit."""

import csv
import datetime
import io
from decimal import ROUND_HALF_UP, Decimal

import pytest

from kpis.choices import ReturnState, Rollup
from kpis.models import Kpi, MonthlyFigure, Reading, Suspension
from kpis.rules import rollup
from kpis.writes import decisions
from regime import services
from regime.ledger import QuarterRow, Regime, regime_for
from regime.models import CreditScheme, QuarterCharge, RegimeSettings, Relief
from regime.rules import QuarterCredit
from tests.admin_forms import form_data
from tests.factories import make_kpi, make_return, period
from tests.kpis.growth import grow

JUN_19, SEP_19, DEC_19 = "2019-06-30", "2019-09-30", "2019-12-31"
PAGE = "/contracts/ICT/regime/"


def _monthly_kpi(contract, reference: str = "ANSWERED", **fields) -> Kpi:
    """A percentage collected monthly and averaged: target 90, detriment 87, failure 84."""
    area = contract.service_areas.first()
    defaults = {"detriment": Decimal(87), "failure": Decimal(84), "position": 99}
    return make_kpi(area, reference, **{**defaults, **fields})


def _months(kpi: Kpi, end: str, *values, quarter=None) -> Reading:
    """The KPI's quarter with its three months held, its figure their average unless given."""
    figures = [Decimal(str(v)) for v in values]
    if quarter is None:
        quarter = (sum(figures, Decimal(0)) / len(figures)).quantize(rollup.PLACES, ROUND_HALF_UP)
    reading = Reading.objects.create(
        kpi=kpi, period=period(end), value=Decimal(str(quarter)), unit_id=kpi.unit_id
    )
    for month_end, figure in zip(
        rollup.quarter_months(reading.period.end_date), figures, strict=False
    ):
        MonthlyFigure.objects.create(reading=reading, month_end=month_end, value=figure)
    return reading


def _quarter(regime: Regime, end: str) -> QuarterRow:
    row = regime.quarter(datetime.date.fromisoformat(end))
    assert row is not None
    return row


def _credit(row: QuarterRow) -> QuarterCredit:
    assert row.credit is not None
    return row.credit


def _by_month(contract, on: bool = True, **fields) -> RegimeSettings:
    return RegimeSettings.objects.create(contract=contract, credits_by_month=on, **fields)


def _lines(regime, reference: str = "ANSWERED") -> list[tuple[str, str]]:
    return [
        (f.period.label, f.month_label) for f in regime.failures if f.kpi.reference == reference
    ]


@pytest.fixture
def answered(seed) -> Kpi:
    """June 2019 met on average (95, 95, 80) with its June at failure; September at detriment
    (80, 83, 95: 86) with July and August at failure."""
    kpi = _monthly_kpi(seed["ICT"])
    _months(kpi, JUN_19, 95, 95, 80)
    _months(kpi, SEP_19, 80, 83, 95)
    return kpi


def test_a_monthly_regime_s_failures_are_its_months_at_failure(seed, answered):
    _by_month(seed["ICT"])
    regime = regime_for(seed["ICT"])
    assert _lines(regime) == [
        ("Jun-19", "June 2019"),
        ("Sep-19", "July 2019"),
        ("Sep-19", "August 2019"),
    ]
    september = _quarter(regime, SEP_19)
    assert [f.month.value for f in september.failures if f.month] == [Decimal(80), Decimal(83)]
    assert _credit(september).failures == 2
    # ICT's own quarterly failure (KPI 11 in June 2019) is counted as before, beside the month's.
    june = _quarter(regime, JUN_19)
    assert [(f.kpi.reference, f.month_label) for f in june.failures] == [
        ("11", ""),
        ("ANSWERED", "June 2019"),
    ]
    year = regime.year(2019)
    assert year is not None and year.failures == 4


def test_with_the_setting_off_the_quarters_count_as_before(seed, answered):
    _by_month(seed["ICT"], on=False)
    # June met its target and September is at detriment: neither quarter is a failure.
    assert _lines(regime_for(seed["ICT"])) == []


def test_a_quarter_entered_alone_counts_as_a_quarter(seed, answered):
    _by_month(seed["ICT"])
    alone = _monthly_kpi(seed["ICT"], "ALONE")
    Reading.objects.create(kpi=alone, period=period(SEP_19), value=Decimal(80), unit_id="percent")
    assert _lines(regime_for(seed["ICT"]), "ALONE") == [("Sep-19", "")]


def test_a_quarter_at_failure_whose_months_are_not_is_no_failure(seed):
    _by_month(seed["ICT"])
    kpi = _monthly_kpi(seed["ICT"])
    # A quarter's figure its months do not bear out (set by hand): the months count, not it.
    _months(kpi, SEP_19, 86, 86, 86, quarter=80)
    assert _lines(regime_for(seed["ICT"])) == []


def test_a_sum_s_months_are_not_judged_against_the_quarter_s_total(seed):
    _by_month(seed["ICT"])
    # At least 300 tonnes a quarter, failing below 240: months of 100 each make 300, met.
    tonnes = _monthly_kpi(
        seed["ICT"],
        "TONNES",
        unit="tonnes",
        rollup=Rollup.SUM,
        target=Decimal(300),
        detriment=Decimal(270),
        failure=Decimal(240),
    )
    _months(tonnes, SEP_19, 100, 100, 100, quarter=300)
    assert _lines(regime_for(seed["ICT"]), "TONNES") == []


def test_drafts_and_submitted_quarters_are_never_counted(seed, answered):
    _by_month(seed["ICT"])
    make_return(seed["ICT"], DEC_19, state=ReturnState.DRAFT)
    _months(answered, DEC_19, 70, 70, 70)
    assert ("Dec-19", "October 2019") not in _lines(regime_for(seed["ICT"]))
    seed["ICT"].returns.filter(period__end_date=DEC_19).update(state=ReturnState.SUBMITTED)
    assert len(_lines(regime_for(seed["ICT"]))) == 3
    seed["ICT"].returns.filter(period__end_date=DEC_19).update(state=ReturnState.APPROVED)
    assert len(_lines(regime_for(seed["ICT"]))) == 6


def test_months_are_suspended_with_their_quarter(seed, answered):
    _by_month(seed["ICT"])
    Suspension.objects.create(
        kpi=answered, first_quarter=datetime.date(2019, 9, 30), reason="New telephony system."
    )
    assert _lines(regime_for(seed["ICT"])) == [("Jun-19", "June 2019")]


def test_months_are_judged_by_the_rule_in_force_for_their_quarter(seed, manager):
    _by_month(seed["ICT"])
    kpi = _monthly_kpi(seed["ICT"], "RULED")
    _months(kpi, SEP_19, 86, 95, 95)  # July at detriment by the failure threshold of 84
    # From December 2019 the failure threshold is 89, which July's 86 would reach.
    decisions.change_rule(
        kpi=kpi,
        effective_from=datetime.date(2019, 12, 31),
        target=Decimal(95),
        target_strict=False,
        detriment=Decimal(92),
        failure=Decimal(89),
        reason="Renegotiated",
        user=manager,
    )
    july = MonthlyFigure.objects.get(reading__kpi=kpi, month_end=datetime.date(2019, 7, 31))
    assert july.evaluate(Kpi.objects.get(pk=kpi.pk).rule()).status == "failure"  # by today's rule
    assert _lines(regime_for(seed["ICT"]), "RULED") == []


def test_relief_of_the_quarter_relieves_its_months(seed, manager, answered):
    _by_month(seed["ICT"])
    CreditScheme.objects.create(
        contract=seed["ICT"], effective_from=datetime.date(2018, 6, 30), amount=Decimal(1000)
    )
    # June 2019 met its target on average: its failing month may still be relieved.
    services.record_relief(
        kpi=answered, end_date=datetime.date(2019, 6, 30), reason="Storm damage", user=manager
    )
    services.record_relief(
        kpi=answered, end_date=datetime.date(2019, 9, 30), reason="Agreed", user=manager
    )
    regime = regime_for(seed["ICT"])
    mine = [f for f in regime.failures if f.kpi == answered]
    assert [(f.month_label, f.relief and f.relief.reason) for f in mine] == [
        ("June 2019", "Storm damage"),
        ("July 2019", "Agreed"),
        ("August 2019", "Agreed"),
    ]
    assert _quarter(regime, SEP_19).due == Decimal(0)
    # June's credit is KPI 11's alone.
    assert _quarter(regime, JUN_19).due == Decimal(1000)


def test_a_quarter_met_in_every_month_has_nothing_to_relieve(seed, manager):
    kpi = _monthly_kpi(seed["ICT"])
    _months(kpi, SEP_19, 95, 95, 95)
    with pytest.raises(services.ValidationError, match="met its target"):
        services.record_relief(
            kpi=kpi, end_date=datetime.date(2019, 9, 30), reason="x", user=manager
        )
    assert not Relief.objects.filter(kpi=kpi).exists()


def test_each_month_earns_a_third_of_the_quarter_s_percentage(
    client, seed, committee_member, answered
):
    _by_month(seed["ICT"])
    CreditScheme.objects.create(
        contract=seed["ICT"],
        effective_from=datetime.date(2019, 6, 30),
        basis=CreditScheme.Basis.PERCENT,
        amount=Decimal(2),
    )
    QuarterCharge.objects.create(contract=seed["ICT"], period=period(SEP_19), amount=120000)
    credit = _credit(_quarter(regime_for(seed["ICT"]), SEP_19))
    # Two months at 2% of a month's £40,000.
    assert (credit.gross, credit.due) == (Decimal(1600), Decimal(1600))
    client.force_login(committee_member)
    page = client.get(PAGE).content.decode()
    assert (
        "2% of the quarter's charge per service failure (2% of a third of it for a month's)" in page
    )


def test_the_quarter_cap_holds_the_quarter_s_months_together(seed, answered):
    _by_month(seed["ICT"])
    CreditScheme.objects.create(
        contract=seed["ICT"],
        effective_from=datetime.date(2019, 6, 30),
        amount=Decimal(1000),
        quarter_cap=Decimal(1500),
    )
    credit = _credit(_quarter(regime_for(seed["ICT"]), SEP_19))
    assert (credit.gross, credit.due, credit.capped) == (Decimal(2000), Decimal(1500), ["quarter"])


def test_two_failing_months_make_a_persistent_failure(seed, answered):
    _by_month(seed["ICT"], escalate_misses=9, escalate_failures=3)
    regime = regime_for(seed["ICT"])
    [escalation] = [e for e in regime.escalations if e.kpi == answered]
    # June's month and July's and August's: three service failures in two quarters.
    assert escalation.period.label == "Sep-19"
    assert [p.label for p in escalation.periods] == ["Jun-19", "Sep-19"]
    assert escalation.explanation == "3 service failures within a year"


def _card(page: str, title: str) -> str:
    """One quarter's card of the ledger page, by its title."""
    start = page.index(f'<h3 class="govuk-summary-card__title">{title}')
    end = page.find('<div class="govuk-summary-card">', start)
    return page[start:] if end < 0 else page[start:end]


def _main(page: str) -> str:
    """The page's content, without the nonce that changes with every response."""
    return page[page.index("<main") : page.index("</main>")]


def test_the_ledger_page_lists_each_month_beneath_its_quarter(
    client, seed, committee_member, answered
):
    _by_month(seed["ICT"])
    client.force_login(committee_member)
    page = client.get(PAGE).content.decode()
    assert "Service credits are paid by the month" in page
    september = _card(page, "2019/20 Q2")
    assert ">Month</th>" in september
    assert september.index("July 2019") < september.index("August 2019")
    assert "80% reached the failure threshold" in september
    june = _card(page, "2019/20 Q1")
    # KPI 11's failure is the quarter's, the new KPI's June the month's.
    assert june.index(">The quarter<") < june.index(">June 2019<")
    # A quarter without a month's failure keeps its table as it was.
    assert ">Month</th>" not in _card(page, "2018/19 Q4")


def test_the_ledger_page_is_unchanged_with_the_setting_off(
    client, seed, committee_member, answered
):
    client.force_login(committee_member)
    before = _main(client.get(PAGE).content.decode())
    _by_month(seed["ICT"], on=False)
    after = _main(client.get(PAGE).content.decode())
    assert after == before
    assert ">Month</th>" not in after and "July 2019" not in after
    assert "paid by the month" not in after


def test_the_open_data_names_each_month(client, seed, committee_member, answered):
    _by_month(seed["ICT"])
    client.force_login(committee_member)
    response = client.get("/open-data/service-failures.csv")
    text = b"".join(response.streaming_content).decode()
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["kpi_reference"] == "ANSWERED"]
    assert [(r["quarter_end"], r["month_end"]) for r in rows] == [
        ("2019-06-30", "2019-06-30"),
        ("2019-09-30", "2019-07-31"),
        ("2019-09-30", "2019-08-31"),
    ]
    credits = client.get("/open-data/service-credits.csv")
    text = b"".join(credits.streaming_content).decode()
    sep = next(r for r in csv.DictReader(io.StringIO(text)) if r["quarter_end"] == SEP_19)
    assert sep["service_failures"] == "2"


def test_the_setting_is_chosen_in_the_admin(client, admin_user, seed):
    client.force_login(admin_user)
    page = client.get("/admin/regime/regimesettings/add/").content.decode()
    assert "Service credits by the month" in page
    assert "pays service credits month by month" in page
    settings = _by_month(seed["ICT"], on=False)
    url = f"/admin/regime/regimesettings/{settings.pk}/change/"
    data = form_data(client, url, credits_by_month="on", change_reason="Monthly credits agreed")
    assert client.post(url, data).status_code == 302
    settings.refresh_from_db()
    assert settings.credits_by_month is True
    assert settings.history.latest().history_change_reason == "Monthly credits agreed"
    data = form_data(client, url, change_reason="Back to quarters")
    del data["credits_by_month"]
    client.post(url, data)
    settings.refresh_from_db()
    assert settings.credits_by_month is False


def _more_months(contract) -> None:
    """The grown contract's quarters with a monthly KPI's failing months in each."""
    grow(contract)
    for n in range(3):
        kpi = _monthly_kpi(contract, f"MONTHS-{n}")
        for end in (JUN_19, SEP_19, DEC_19, "2020-03-31"):
            _months(kpi, end, 80, 83, 95)


@pytest.mark.parametrize(
    ("on", "queries"),
    [
        # As without the setting (tests/regime/test_pages.py): the months are not read.
        (False, 8),
        # And the approved quarters' months (the KPIs' changes of rule, which judge them, come
        # with the small tables).
        (True, 9),
    ],
)
@pytest.mark.parametrize("grown", [False, True], ids=["seed", "seed-plus-more"])
def test_it_pins_the_page_s_queries_with_months(
    client, seed, committee_member, django_assert_num_queries, answered, on, queries, grown
):
    _by_month(seed["ICT"], on=on)
    if grown:
        _more_months(seed["ICT"])
    client.force_login(committee_member)
    with django_assert_num_queries(queries):
        page = client.get(PAGE).content.decode()
    assert ("January 2020" in page) is (on and grown)


def test_the_pack_s_section_lists_the_quarter_s_months(client, seed, committee_member, answered):
    _by_month(seed["ICT"])
    client.force_login(committee_member)
    page = client.get("/contracts/ICT/pack/2019-09-30/").content.decode()
    section = page[page.index("Service failures, credits and budget") :]
    assert section.index(">July 2019<") < section.index(">August 2019<")
