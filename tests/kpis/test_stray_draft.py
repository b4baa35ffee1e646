"""A return started by mistake changes nothing the committee sees: readers' default quarters
are the approved ones, gaps between quarters are said, starting a return is confirmed first,
and a return holding no figures can be discarded, with the history kept."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from kpis.choices import ReturnState
from kpis.models import QuarterlyReturn, Reading, ReportingPeriod
from kpis.permissions import HOLDS_FIGURES_REASON
from kpis.permissions.sight import PUBLIC
from kpis.writes import opening

START = "/contracts/PSSP/returns/start/"
# Beyond the seed's last quarter, with quarters between it and the seed's held by nobody.
STRAY = datetime.date(2021, 6, 30)


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _latest_approved(contract) -> ReportingPeriod:
    return [p for p in ReportingPeriod.objects.for_contract(contract) if PUBLIC.shows(p)][-1]


def _main(response) -> str:
    """The page's content."""
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def _without_chooser(html: str) -> str:
    """The page but for its lists of quarters and years to choose from, which offer every
    quarter and year held."""
    for opening_tag, closing_tag in (
        ('<fieldset class="govuk-fieldset"', "</fieldset>"),
        ('<select class="govuk-select" id="id_year"', "</select>"),
    ):
        start = html.find(opening_tag)
        if start >= 0:
            html = html[:start] + html[html.index(closing_tag, start) :]
    return html


def test_a_stray_future_draft_leaves_the_readers_scorecard_and_pack_as_they_were(
    seed, officer, committee_member
):
    reader = _signed_in(committee_member)
    pack = f"/contracts/PSSP/pack/{_latest_approved(seed['PSSP']).end_date}/"
    urls = ("/contracts/PSSP/", pack, "/contracts/PSSP/kpis/")
    before = [_main(reader.get(url)) for url in urls]

    opening.open_return(contract=seed["PSSP"], end_date=STRAY, user=officer)

    after = [_main(reader.get(url)) for url in urls]
    assert [_without_chooser(html) for html in after] == [_without_chooser(html) for html in before]
    # The pack's page has no chooser at all: it is the same to the letter.
    assert after[1] == before[1]
    assert "Jun-21 (in progress)" in after[0] and "Jun-21" not in before[0]
    # The draft is reached only when chosen, shown in progress, with the quarters between said.
    chosen = reader.get("/contracts/PSSP/", {"quarter": [STRAY.isoformat()]})
    assert "In progress" in _main(chosen)
    assert "Committee pack for 2021/22" not in _main(chosen)


def test_the_quarters_missing_between_those_shown_are_said(seed, committee_member):
    reader = _signed_in(committee_member)
    approved = [p for p in ReportingPeriod.objects.for_contract(seed["PSSP"]) if PUBLIC.shows(p)]
    first, last = approved[0], approved[3]
    html = _main(reader.get("/contracts/PSSP/", {"quarter": [first.end_date, last.end_date]}))
    between = approved[1:3]
    for period in between:
        assert f"{period.label} (approved) is not shown: choose it above to see it." in html


def test_a_quarter_with_no_return_between_those_shown_is_said(seed, officer, committee_member):
    last = _latest_approved(seed["PSSP"])
    opening.open_return(contract=seed["PSSP"], end_date=STRAY, user=officer)
    html = _main(
        _signed_in(committee_member).get(
            "/contracts/PSSP/", {"quarter": [last.end_date.isoformat(), STRAY.isoformat()]}
        )
    )
    after_last = ReportingPeriod(end_date=last.end_date + datetime.timedelta(days=92))
    assert f"No return is held for {after_last.end_date:%b-%y} to Mar-21." in html


def test_starting_a_return_asks_first_and_starts_only_when_confirmed(seed, officer):
    client = _signed_in(officer)
    end = STRAY.isoformat()
    asked = client.post(START, {"PSSP-end_date": end})
    assert asked.status_code == 200
    html = asked.content.decode()
    assert "Start the return for 2021/22 Q1 (to 30 June 2021)?" in html
    assert "Earlier quarters still have no return:" in html and "Mar-21" in html
    assert not QuarterlyReturn.objects.filter(contract=seed["PSSP"], period__end_date=STRAY)

    started = client.post(START, {"PSSP-end_date": end, "confirm": "yes"})
    assert started.status_code == 302
    assert started["Location"] == f"/contracts/PSSP/returns/{end}/"
    assert QuarterlyReturn.objects.get(contract=seed["PSSP"], period__end_date=STRAY).state == (
        ReturnState.DRAFT
    )


@pytest.mark.parametrize("who", ["officer", "manager"])
def test_a_return_holding_no_figures_is_discarded_and_kept_in_the_history(seed, who, request):
    user = request.getfixturevalue(who)
    started = opening.open_return(contract=seed["PSSP"], end_date=STRAY, user=user)
    rows = Reading.objects.filter(period=started.period, kpi__contract=seed["PSSP"]).count()
    assert rows > 0
    client = _signed_in(user)
    url = f"/contracts/PSSP/returns/{STRAY.isoformat()}/discard/"
    assert "Discard this return" in client.get(url.removesuffix("discard/")).content.decode()
    assert client.get(url).status_code == 200

    response = client.post(url)

    assert (response.status_code, response["Location"]) == (302, "/returns/")
    assert not QuarterlyReturn.objects.filter(pk=started.pk).exists()
    assert not Reading.objects.filter(period=started.period, kpi__contract=seed["PSSP"]).exists()
    gone = QuarterlyReturn.history.filter(id=started.pk).latest("history_date")
    assert (gone.history_type, gone.history_user, gone.history_change_reason) == (
        "-",
        user,
        "Return discarded: started by mistake",
    )
    deleted_rows = Reading.history.filter(period_id=started.period_id, history_type="-")
    assert deleted_rows.count() == rows
    # The quarter can be started again.
    assert STRAY in [p.end_date for p in ReportingPeriod.objects.filter(end_date=STRAY)]


def test_a_return_holding_a_figure_cannot_be_discarded(seed, officer):
    started = opening.open_return(contract=seed["PSSP"], end_date=STRAY, user=officer)
    reading = Reading.objects.filter(period=started.period, kpi__contract=seed["PSSP"]).first()
    reading.commentary = "Started on the figures"
    reading.save()
    client = _signed_in(officer)
    url = f"/contracts/PSSP/returns/{STRAY.isoformat()}/discard/"
    assert "Discard this return" not in client.get(url.removesuffix("discard/")).content.decode()

    response = client.post(url)

    assert response.status_code == 409
    assert HOLDS_FIGURES_REASON in response.content.decode().replace("&#x27;", "'")
    assert QuarterlyReturn.objects.filter(pk=started.pk).exists()


def test_a_month_entered_is_a_figure_held(seed, officer):
    started = opening.open_return(contract=seed["PSSP"], end_date=STRAY, user=officer)
    assert not started.holds_figures()
    reading = Reading.objects.filter(period=started.period, kpi__contract=seed["PSSP"]).first()
    reading.months.create(month_end=datetime.date(2021, 4, 30), value=Decimal(5))
    assert started.holds_figures()


def test_only_a_draft_is_discarded_and_only_by_those_working_on_it(
    seed, officer, committee_member, outsider
):
    started = opening.open_return(contract=seed["PSSP"], end_date=STRAY, user=officer)
    url = f"/contracts/PSSP/returns/{STRAY.isoformat()}/discard/"
    # Readers may not see a draft at all.
    for user in (committee_member, outsider):
        assert _signed_in(user).post(url).status_code == 404
    approved = f"/contracts/PSSP/returns/{_latest_approved(seed['PSSP']).end_date}/discard/"
    response = _signed_in(officer).post(approved)
    assert response.status_code == 409
    assert QuarterlyReturn.objects.filter(pk=started.pk).exists()
