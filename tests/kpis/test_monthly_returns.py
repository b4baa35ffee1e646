"""The return page for monthly KPIs: three months on the row, the quarter rolled up from them
and judged beside each month, what was typed kept on an error, and a quarter still entered alone
where only the quarter was published."""

import re
from decimal import Decimal

import pytest
from django.utils.html import escape

from kpis.choices import Direction, Frequency, Rollup
from kpis.models import Kpi, MonthlyFigure, QuarterlyReturn, Reading
from kpis.writes import saving
from tests.kpis.growth import write_months
from tests.kpis.monthly import DEC, NOV, OCT, add_monthly_kpis, month, monthly_entry
from tests.kpis.returns import reading_in, start_return

URL = "/contracts/ICT/returns/2019-12-31/"


@pytest.fixture
def monthly(officer, seed):
    kpis = add_monthly_kpis(seed["ICT"])
    return start_return(officer, seed["ICT"]), kpis


def _form_data(quarterly_return: QuarterlyReturn, **changes: dict) -> dict[str, str]:
    """What the page would post for the quarters unchanged, with `changes` by KPI reference."""
    data = {}
    readings = Reading.objects.filter(
        kpi__contract=quarterly_return.contract, period=quarterly_return.period
    ).select_related("kpi")
    for reading in readings:
        prefix = f"kpi-{reading.kpi_id}-"
        from_months = reading.months.exists()
        row = {
            "version": str(reading.version),
            "value": ""
            if reading.value is None or from_months
            else f"{reading.value.normalize():f}",
            "not_measured_reason": "" if from_months else reading.not_measured_reason,
            "commentary": reading.commentary,
        }
        row.update(changes.get(reading.kpi.reference, {}))
        data.update({prefix + name: value for name, value in row.items()})
    return data


def test_a_monthly_row_has_three_months_labelled_by_name(client, officer, monthly):
    _, kpis = monthly
    client.force_login(officer)
    html = client.get(URL).content.decode()
    calls, waste = kpis["CALLS"].pk, kpis["WASTE"].pk
    for name in ("October 2019", "November 2019", "December 2019"):
        assert f'<h4 class="govuk-heading-s govuk-!-margin-bottom-2">{name}</h4>' in html
    # Parts where the KPI collects them; a figure otherwise.
    assert f'name="kpi-{calls}-m1_numerator"' in html
    assert f'name="kpi-{calls}-m3_denominator"' in html
    assert f'name="kpi-{calls}-m1_value"' not in html
    assert f'name="kpi-{waste}-m2_value"' in html
    assert "Calls answered, October 2019" in html
    assert "Figure for December 2019" in html
    assert "sum of the months" in html


def test_it_saves_three_months_and_shows_the_quarter_rolled_up(client, officer, monthly):
    quarterly_return, kpis = monthly
    client.force_login(officer)
    data = _form_data(quarterly_return)
    calls = f"kpi-{kpis['CALLS'].pk}-"
    data.update(
        {
            calls + "m1_numerator": "10",
            calls + "m1_denominator": "10",
            calls + "m2_numerator": "10",
            calls + "m2_denominator": "10",
            calls + "m3_numerator": "120",
            calls + "m3_denominator": "160",
        }
    )
    response = client.post(URL, data, follow=True)
    html = response.content.decode()
    assert "Saved: 1 KPI changed." in html
    reading = reading_in(quarterly_return, "CALLS")
    # 140 of 180 calls; the mean of the months' rates (91.67%) would have met the target.
    assert reading.value == Decimal("77.7778")
    assert reading.months.count() == 3
    assert "October 2019</dt>" in html
    assert "100% (10 calls answered of 10 calls offered)" in html
    assert "75% (120 calls answered of 160 calls offered)" in html
    found = re.search(rf'id="kpi-{kpis["CALLS"].pk}".*?(<dl.*?</dl>)', html, re.S)
    assert found is not None
    months = found.group(1)
    statuses = re.findall(r'app-status--(\w+)">', months)
    # Two months met, one failed, and the quarter recomputed from the calls fails too.
    assert statuses == ["met", "met", "failure", "failure"]
    assert "Quarter (recomputed from the months&#x27; parts)" in months
    assert "77.7778%" in months
    # What was saved comes back in the boxes, the quarter's own boxes left empty.
    assert (
        f'name="{calls}m3_numerator" type="text" inputmode="decimal" spellcheck="false" autocomplete="off" value="120"'
        in html
    )
    assert (
        f'name="{calls}value" type="text" inputmode="decimal" spellcheck="false" autocomplete="off" value=""'
        in html
    )


def test_a_wrong_month_keeps_everything_typed_and_says_why_beside_it(client, officer, monthly):
    quarterly_return, kpis = monthly
    client.force_login(officer)
    calls, waste = kpis["CALLS"].pk, kpis["WASTE"].pk
    data = _form_data(quarterly_return)
    data.update(
        {
            f"kpi-{calls}-m1_numerator": "11",
            f"kpi-{calls}-m1_denominator": "10",
            f"kpi-{calls}-m2_numerator": "9",
            f"kpi-{calls}-m2_denominator": "10",
            f"kpi-{waste}-m1_value": "12o",
            f"kpi-{waste}-m2_value": "100",
        }
    )
    html = client.post(URL, data).content.decode()
    assert '<h2 class="govuk-error-summary__title">There is a problem</h2>' in html
    message = "The calls answered cannot be more than the calls offered for a percentage."
    assert (
        f'<a href="#id_kpi-{calls}-m1_numerator">CALLS, October 2019: {escape(message)}</a>' in html
    )
    assert f'id="id_kpi-{calls}-m1_numerator-error"' in html
    assert (
        f'<a href="#id_kpi-{waste}-m1_value">WASTE, October 2019: Enter a number, like 95 or 2.5</a>'
        in html
    )
    for typed in ('value="11"', 'value="12o"', 'value="100"', 'value="9"'):
        assert typed in html
    # Nothing of either row was written: a row's months are saved together or not at all.
    assert not MonthlyFigure.objects.exists()
    assert reading_in(quarterly_return, "WASTE").value is None


def test_the_error_summary_names_the_month_of_each_months_mistake(client, officer, monthly):
    """Two months with the same mistake are two entries, told apart by their months; a
    quarter's own box is named by its KPI alone."""
    quarterly_return, kpis = monthly
    client.force_login(officer)
    waste = kpis["WASTE"].pk
    data = _form_data(quarterly_return, WASTE={"m1_value": "12o", "m3_value": "x"})
    html = client.post(URL, data).content.decode()
    start = html.index("govuk-error-summary__list")
    summary = html[start : html.index("</ul>", start)]
    assert re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary) == [
        (f"id_kpi-{waste}-m1_value", "WASTE, October 2019: Enter a number, like 95 or 2.5"),
        (f"id_kpi-{waste}-m3_value", "WASTE, December 2019: Enter a number, like 95 or 2.5"),
    ]
    data = _form_data(quarterly_return, WASTE={"value": "12o"})
    html = client.post(URL, data).content.decode()
    assert f'<a href="#id_kpi-{waste}-value">WASTE: Enter a number, like 95 or 2.5</a>' in html


def test_every_mistake_in_a_rows_months_is_shown_at_once(client, officer, monthly):
    """A month that is not a number does not hide another month's broken rule: the officer
    corrects both after one save."""
    quarterly_return, kpis = monthly
    client.force_login(officer)
    calls = kpis["CALLS"].pk
    months = {
        "m1_numerator": "abc",
        "m1_denominator": "10",
        "m2_numerator": "11",
        "m2_denominator": "10",
    }
    html = client.post(URL, _form_data(quarterly_return, CALLS=months)).content.decode()
    broken = "The calls answered cannot be more than the calls offered for a percentage."
    assert f'<a href="#id_kpi-{calls}-m1_numerator">CALLS, October 2019: Enter a number' in html
    assert (
        f'<a href="#id_kpi-{calls}-m2_numerator">CALLS, November 2019: {escape(broken)}</a>' in html
    )
    assert not MonthlyFigure.objects.exists()


def test_a_month_is_read_in_the_kpis_unit_as_the_imports_read_it(client, officer, monthly):
    """A month typed with its unit and thousands (1,150 tonnes) is read; one in another unit
    (3,289 kg for tonnes) is refused beside it, as a quarter's figure is, never read as 3289."""
    quarterly_return, kpis = monthly
    client.force_login(officer)
    waste = kpis["WASTE"].pk
    data = _form_data(quarterly_return)
    data.update({f"kpi-{waste}-m1_value": "3,289 kg", f"kpi-{waste}-m2_value": "1,150 tonnes"})
    html = client.post(URL, data).content.decode()
    message = (
        "The figure '3,289 kg' is in kg but the KPI is counted in tonnes: give the number "
        "alone, or in tonnes."
    )
    assert f'<a href="#id_kpi-{waste}-m1_value">WASTE, October 2019: {escape(message)}</a>' in html
    assert 'value="3,289 kg"' in html
    assert not MonthlyFigure.objects.exists()
    data[f"kpi-{waste}-m1_value"] = "100"
    assert client.post(URL, data).status_code == 302
    assert reading_in(quarterly_return, "WASTE").value == Decimal(1250)


def test_a_quarter_entered_alone_for_a_monthly_kpi_still_works_and_says_so(
    client, officer, monthly
):
    quarterly_return, _ = monthly
    client.force_login(officer)
    data = _form_data(quarterly_return, WASTE={"value": "280"})
    html = client.post(URL, data, follow=True).content.decode()
    assert "Saved: 1 KPI changed." in html
    assert reading_in(quarterly_return, "WASTE").value == Decimal(280)
    assert "Entered for the quarter: no months were given." in html


def test_the_seeds_quarters_show_as_entered_for_the_quarter(client, committee_member, seed):
    # The seed holds the published quarters of monthly KPIs, with no months.
    client.force_login(committee_member)
    html = client.get("/contracts/PSSP/returns/2019-03-31/").content.decode()
    assert "Entered for the quarter" in html


def test_a_month_left_blank_is_asked_for_before_submitting(client, officer, monthly):
    quarterly_return, _ = monthly
    client.force_login(officer)
    reading = reading_in(quarterly_return, "WASTE")
    saving.save_return(
        quarterly_return=quarterly_return,
        user=officer,
        entries=[monthly_entry(reading, month(OCT, 100), month(DEC, 90))],
    )
    html = client.get(URL.replace("/returns/2019-12-31/", "/returns/2019-12-31/check/")).content
    assert (
        "WASTE: Enter a figure for November 2019, or say why it was not measured" in html.decode()
    )


def _more_monthly(contract, officer, quarterly_return, n: int) -> None:
    area = contract.service_areas.first()
    for i in range(n):
        kpi = Kpi.objects.create(
            contract=contract,
            service_area=area,
            reference=f"MONTHLY-{i}",
            description="Extra",
            frequency=Frequency.MONTHLY,
            unit_id="tonnes",
            direction=Direction.LOWER,
            target=Decimal(5),
            rollup=Rollup.SUM,
        )
        start_return(officer, contract)
        reading = Reading.objects.get(kpi=kpi, period=quarterly_return.period)
        MonthlyFigure.objects.bulk_create(
            MonthlyFigure(reading=reading, month_end=end, value=Decimal(i))
            for end in (OCT, NOV, DEC)
        )


@pytest.mark.parametrize("extra", [0, 12])
def test_the_page_takes_the_same_queries_with_monthly_kpis_at_any_size(
    client, officer, monthly, extra, django_assert_num_queries
):
    quarterly_return, _ = monthly
    contract = quarterly_return.contract
    base = Kpi.objects.filter(contract=contract, frequency=Frequency.MONTHLY).count()
    _more_monthly(contract, officer, quarterly_return, extra)
    # Months beneath every monthly row at both sizes, CALLS's as parts.
    write_months(contract)
    client.force_login(officer)
    # As tests/kpis/test_returns_pages.py pins it: the months of every row in one query.
    with django_assert_num_queries(12):
        html = client.get(URL).content.decode()
    assert html.count("December 2019</h4>") == base + extra
    assert html.count("December 2019</dt>") == base + extra


def test_the_kpi_page_lists_the_months_under_their_quarter(client, officer, monthly):
    quarterly_return, kpis = monthly
    reading = reading_in(quarterly_return, "WASTE")
    saving.save_return(
        quarterly_return=quarterly_return,
        user=officer,
        entries=[
            monthly_entry(
                reading, month(OCT, 100), month(NOV, reason="Weighbridge"), month(DEC, 250)
            )
        ],
    )
    client.force_login(officer)
    html = client.get(f"/contracts/ICT/kpis/{kpis['WASTE'].pk}/").content.decode()
    assert "Quarter from the months</dt>" in html
    assert "350 tonnes" in html
    # Each month judged against the quarter's target of at most 300 tonnes.
    assert re.search(
        r"October 2019: 100 tonnes <strong[^>]*><span[^>]*>[^<]*</span>Met</strong>", html
    )
    assert "November 2019: Not measured: Weighbridge" in html
    assert re.search(
        r"December 2019: 250 tonnes <strong[^>]*><span[^>]*>[^<]*</span>Met</strong>", html
    )
    assert "Quarter: sum of the months" in html


def test_the_kpi_page_says_a_seed_quarter_was_entered_alone(client, committee_member, seed):
    kpi = Kpi.objects.get(contract=seed["ICT"], reference="1")
    client.force_login(committee_member)
    html = client.get(f"/contracts/ICT/kpis/{kpi.pk}/").content.decode()
    assert "Entered for the quarter" in html


def test_the_hint_says_how_the_months_make_the_quarter_and_what_a_sum_s_months_mean(
    client, officer, monthly
):
    """Only a ratio adds the parts up; a sum's months are judged against the quarter's total,
    which the return page and the KPI's page say, so that a month 'below target' on its own
    does not alarm anyone."""
    _, kpis = monthly
    calls, waste = kpis["CALLS"], kpis["WASTE"]
    client.force_login(officer)
    html = _page(client, URL)
    assert (
        "worked out from the months: recomputed from the months' parts, so the calls answered "
        "are added up and divided by the calls offered. A month not measured is left out.\n"
    ) in html
    sum_note = "Each month is judged against the quarter's target, a total for the whole quarter"
    assert sum_note in _hint(html, waste)
    assert sum_note not in _hint(html, calls)
    calls.rollup = Rollup.LAST
    calls.save()
    hint = _hint(_page(client, URL), calls)
    assert "last month measured (each month's figure is its calls answered of its calls" in hint
    assert "are added up and divided by" not in hint
    assert sum_note in _page(client, waste.get_absolute_url())
    assert sum_note not in _page(client, calls.get_absolute_url())


def _page(client, url: str) -> str:
    return client.get(url).content.decode().replace("&#x27;", "'").replace("\u2019", "'")


def _hint(html: str, kpi) -> str:
    return html.split(f'id="kpi-{kpi.pk}-months-hint">')[1].split("</div>")[0]
