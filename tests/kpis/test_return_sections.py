"""The return in sections by service area: a task list at the top saying which are complete, Save
at the top and at the end of each section, the KPIs not due folded away, a monthly KPI's quarter
alone and months not measured folded beneath its months, and the last quarter's figure and status
beside each box, shown only where the reader may see that quarter."""

import datetime
import re
from decimal import Decimal

import pytest

from contracts.models import ServiceArea
from kpis.choices import Frequency
from kpis.models import Kpi, QuarterlyReturn, Reading
from kpis.writes import saving, workflow
from tests.kpis.growth import grow, with_months
from tests.kpis.returns import Q3, reading_in, row_entry, start_return

URL = "/contracts/{code}/returns/{end}/"
MAR_19 = datetime.date(2019, 3, 31)
DEC_18 = datetime.date(2018, 12, 31)


def _page(client, user, code: str, end: datetime.date) -> str:
    client.force_login(user)
    response = client.get(URL.format(code=code, end=end.isoformat()))
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str, area: ServiceArea) -> str:
    return html.split(f'<section class="app-return-section" id="area-{area.pk}"')[1].split(
        "</section>"
    )[0]


def _task(html: str, area: ServiceArea) -> str:
    task_list = html.split('<ul class="govuk-task-list"')[1].split("</ul>")[0]
    return task_list.split(f'href="#area-{area.pk}"')[1].split("</li>")[0]


def test_it_shows_a_task_list_linking_to_a_section_per_service_area(client, officer, seed):
    start_return(officer, seed["PSSP"])
    html = _page(client, officer, "PSSP", Q3)
    areas = list(ServiceArea.objects.filter(contract=seed["PSSP"]).order_by("position"))
    assert html.count('class="govuk-task-list__item govuk-task-list__item--with-link"') == len(
        areas
    )
    assert html.count('<section class="app-return-section"') == len(areas)
    for area in areas:
        # Nothing entered yet: a section with KPIs due is incomplete, in words as well as a tag;
        # BTSI's one KPI is annual, so nothing is due in it this quarter.
        expected = "Nothing due" if area.code == "BTSI" else "Incomplete"
        assert expected in _task(html, area)
        assert f'id="area-{area.pk}-heading">{area.code}: {area.name}</h2>' in html
    # The task list comes before the first section.
    assert html.index('class="govuk-task-list"') < html.index('<section class="app-return-section"')


def test_a_section_is_completed_once_every_kpi_due_in_it_is_answered(client, officer, seed):
    quarterly_return = start_return(officer, seed["PSSP"])
    area = ServiceArea.objects.get(contract=seed["PSSP"], code="FSS")
    readings = Reading.objects.filter(
        period=quarterly_return.period, kpi__service_area=area
    ).select_related("kpi", "period")
    saving.save_return(
        quarterly_return=quarterly_return,
        user=officer,
        entries=[row_entry(r, reason="No survey") for r in readings if r.kpi.is_due(r.period)],
    )
    html = _page(client, officer, "PSSP", Q3)
    assert "Completed" in _task(html, area)
    assert "Incomplete" not in _task(html, area)
    other = ServiceArea.objects.get(contract=seed["PSSP"], code="STS")
    assert "Incomplete" in _task(html, other)


def test_save_is_at_the_top_and_at_the_end_of_every_section(client, officer, seed):
    start_return(officer, seed["PSSP"])
    html = _page(client, officer, "PSSP", Q3)
    form = html.split("data-warn-unsaved>")[1].split("</form>")[0]
    sections = form.count('<section class="app-return-section"')
    # The form's first button saves, so Enter in any box saves; one more at each section's end.
    first_button = re.search(r'<button type="submit" name="action" value="(\w+)"', form)
    assert first_button and first_button.group(1) == "save"
    assert form.index('value="save"') < form.index("<section")
    assert form.count('name="action" value="save"') == 1 + sections
    for section in form.split('<section class="app-return-section"')[1:]:
        assert 'name="action" value="save"' in section.split("</section>")[0]


def test_kpis_not_due_are_folded_away_with_their_count(client, officer, seed):
    start_return(officer, seed["PSSP"])
    html = _page(client, officer, "PSSP", Q3)
    annual = Kpi.objects.get(contract=seed["PSSP"], reference="R&B-K-001")
    assert annual.frequency == Frequency.ANNUAL
    area = annual.service_area
    not_due = Kpi.objects.filter(service_area=area, frequency=Frequency.ANNUAL)
    assert len(not_due) == 7
    section = _section(html, area)
    folded = section.split(f'<details class="govuk-details" id="area-{area.pk}-not-due"')[1]
    assert f"KPIs not due this quarter ({len(not_due)})" in folded
    assert f'id="id_kpi-{annual.pk}-value"' in folded.split("</details>")[0]
    # Folded shut while there is nothing to attend to in it.
    assert folded.startswith(">")


def test_the_kpis_not_due_unfold_where_one_has_a_problem(client, officer, seed):
    quarterly_return = start_return(officer, seed["PSSP"])
    annual = Kpi.objects.get(contract=seed["PSSP"], reference="R&B-K-001")
    data = {}
    for reading in Reading.objects.filter(
        period=quarterly_return.period, kpi__contract=seed["PSSP"]
    ):
        data[f"kpi-{reading.kpi_id}-version"] = str(reading.version)
    data[f"kpi-{annual.pk}-value"] = "not a number"
    data["action"] = "save"
    client.force_login(officer)
    html = client.post(URL.format(code="PSSP", end=Q3.isoformat()), data).content.decode()
    area = annual.service_area
    assert f'id="area-{area.pk}-not-due" open>' in html
    assert "Not saved: check the errors" in _task(html, area)


def test_a_monthly_kpi_folds_the_quarter_alone_and_the_months_not_measured(client, officer, seed):
    start_return(officer, seed["ICT"])
    html = _page(client, officer, "ICT", Q3)
    kpi = Kpi.objects.for_contract(seed["ICT"]).in_report_order().first()
    assert kpi.is_monthly
    assert f'<details class="govuk-details" id="kpi-{kpi.pk}-quarter-alone">' in html
    assert (
        f'<details class="govuk-details govuk-!-margin-bottom-2" id="kpi-{kpi.pk}-months-not-measured">'
        in html
    )
    # The months' figures stay in view, above the folds.
    assert html.index(f'id="id_kpi-{kpi.pk}-m1_value"') < html.index(
        f'id="kpi-{kpi.pk}-months-not-measured"'
    )


def test_the_quarter_alone_unfolds_where_it_holds_a_figure(client, officer, seed):
    quarterly_return = start_return(officer, seed["ICT"])
    reading = reading_in(quarterly_return, "1")
    saving.save_return(
        quarterly_return=quarterly_return, user=officer, entries=[row_entry(reading, 0)]
    )
    html = _page(client, officer, "ICT", Q3)
    assert f'id="kpi-{reading.kpi_id}-quarter-alone" open>' in html


def _reopen(manager, contract, end: datetime.date) -> QuarterlyReturn:
    quarterly_return = QuarterlyReturn.objects.get(contract=contract, period__end_date=end)
    return workflow.reopen_return(
        quarterly_return=quarterly_return, user=manager, reason="A figure to correct."
    )


def test_each_row_shows_the_last_quarters_figure_and_status(client, officer, manager, seed):
    _reopen(manager, seed["PSSP"], MAR_19)
    kpi = Kpi.objects.get(contract=seed["PSSP"], reference="CS-K-001")
    last = Reading.objects.get(kpi=kpi, period__end_date=DEC_18)
    html = _page(client, officer, "PSSP", MAR_19)
    facts = html.split(f'id="kpi-{kpi.pk}-facts">')[1].split("</p>")[0]
    assert "Last quarter due (Dec-18): " in facts
    if last.value is not None:
        assert f"{last.value.normalize():f}" in facts
    else:
        assert f"not measured: {last.not_measured_reason}" in facts
    assert 'class="app-status app-status--' in facts.split("Last quarter due")[1]


def test_a_draft_last_quarter_stays_hidden_from_readers_who_may_not_see_it(
    client, officer, manager, committee_member, seed
):
    contract = seed["PSSP"]
    kpi = Kpi.objects.get(contract=contract, reference="CS-K-001")
    december = _reopen(manager, contract, DEC_18)
    reading = reading_in(december, "CS-K-001")
    saving.save_return(
        quarterly_return=december,
        user=officer,
        entries=[row_entry(reading, Decimal("77.7"), commentary="Being corrected.")],
    )
    seen = "Last quarter due (Dec-18): 77.7%"
    # Those working on the contract see the draft beside the approved March quarter...
    assert seen in _page(client, officer, "PSSP", MAR_19)
    # ...the committee, who read approved quarters only, do not.
    html = _page(client, committee_member, "PSSP", MAR_19)
    assert "77.7" not in html
    assert "Last quarter due (Dec-18): no figure" in html
    assert kpi.pk


def test_a_last_quarter_whose_return_is_gone_is_shown_only_to_those_who_see_such_quarters(
    client, officer, manager, committee_member, seed
):
    contract = seed["PSSP"]
    kpi = Kpi.objects.get(contract=contract, reference="CS-K-001")
    last = Reading.objects.get(kpi=kpi, period__end_date=DEC_18)
    Reading.objects.filter(pk=last.pk).update(value=Decimal("66.6"), not_measured_reason="")
    # December's readings outlive its return, as when an administrator deletes the return.
    QuarterlyReturn.objects.filter(contract=contract, period__end_date=DEC_18).delete()
    seen = "Last quarter due (Dec-18): 66.6%"
    # Those working on the contract read quarters not started as well...
    assert seen in _page(client, officer, "PSSP", MAR_19)
    # ...the committee, who read approved quarters only, do not.
    html = _page(client, committee_member, "PSSP", MAR_19)
    assert "66.6" not in html
    assert "Last quarter due (Dec-18): no figure" in html


@pytest.mark.parametrize("size", ["seed", "grown"])
def test_the_last_quarter_costs_no_query_at_either_size(
    client, officer, seed, size, django_assert_num_queries
):
    contract = seed["PSSP"]
    with_months(contract)
    end = Q3
    if size == "grown":
        grow(contract)
        end = datetime.date(2020, 6, 30)
    start_return(officer, contract, end)
    client.force_login(officer)
    # As tests/kpis/test_returns_pages.py pins the page: the last quarter's readings come in
    # the query that reads the quarter's.
    with django_assert_num_queries(12):
        html = client.get(URL.format(code="PSSP", end=end.isoformat())).content.decode()
    assert html.count("Last quarter due (") > 20
    if size == "grown":
        # Every KPI has an approved figure in March 2020, shown beside its boxes.
        assert html.count("Last quarter due (Mar-20): no figure") == 0


def test_save_and_check_marks_what_is_left_to_do_not_what_was_not_saved(client, officer, seed):
    """Everything typed was saved: the sections left say "Incomplete", and the progress lists
    the KPI with a month left blank beside those with no figure."""
    quarterly_return = start_return(officer, seed["ICT"])
    first = Kpi.objects.for_contract(seed["ICT"]).in_report_order().first()
    assert first.is_monthly and not first.has_parts
    data = {
        f"kpi-{r.kpi_id}-version": str(r.version)
        for r in Reading.objects.filter(period=quarterly_return.period, kpi__contract=seed["ICT"])
    }
    data.update({f"kpi-{first.pk}-m2_value": "95", "action": "submit"})
    client.force_login(officer)
    html = client.post(URL.format(code="ICT", end=Q3.isoformat()), data).content.decode()
    assert "The return cannot be submitted until these are done." in html
    area = first.service_area
    assert "Not saved: check the errors" not in html
    assert "Incomplete" in _task(html, area)
    progress = html.split('id="progress"')[1].split("</ul>")[0]
    assert (
        f'1 KPI with a month left blank:\n          <a class="govuk-link" href="#kpi-{first.pk}">'
        f"{first.reference} (October 2019, December 2019)</a>" in progress
    )
