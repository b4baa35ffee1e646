"""One definition of due and overdue, and the three pages that show it agreeing.

The seed holds approved returns up to 2019/20 Q2 (to 30 September 2019); returns are overdue 30
days after their quarter ends (the default `RETURN_OVERDUE_AFTER_DAYS`).
"""

import datetime

import pytest
from django.utils import timezone

from contracts.models import Contract
from kpis.models import QuarterlyReturn, ReportingPeriod
from kpis.rules import due
from kpis.rules.due import Stage
from kpis.writes import opening, saving, workflow
from tests.kpis.returns import fill_return

Q3 = datetime.date(2019, 12, 31)
Q4 = datetime.date(2020, 3, 31)
TODAY = datetime.date(2020, 5, 15)


def _quarter(end, today, state=None, **fields):
    period = ReportingPeriod(end_date=end, **ReportingPeriod.fields_for(end))
    r = QuarterlyReturn(period=period, state=state, **fields) if state else None
    return due.QuarterDue(None, end, r, today)


@pytest.mark.parametrize(
    ("today", "stage"),
    [
        (datetime.date(2019, 12, 30), Stage.IN_PROGRESS),
        (Q3, Stage.IN_PROGRESS),
        (datetime.date(2020, 1, 1), Stage.DUE),
        (datetime.date(2020, 1, 30), Stage.DUE),
        (datetime.date(2020, 1, 31), Stage.OVERDUE),
    ],
)
def test_it_makes_a_return_due_when_its_quarter_ends_and_overdue_30_days_on(today, stage):
    assert _quarter(Q3, today).stage == stage
    assert _quarter(Q3, today, "draft").stage == stage


def test_it_says_where_a_return_stands_in_words():
    assert _quarter(Q3, datetime.date(2020, 2, 23)).label == (
        "Overdue: due 31 December 2019, 54 days ago"
    )
    assert _quarter(Q3, datetime.date(2020, 1, 2)).label == (
        "Due now: overdue after 30 January 2020"
    )
    assert _quarter(Q3, Q3).label == "Due when the quarter ends on 31 December 2019"
    submitted = _quarter(Q3, TODAY, "submitted")
    assert submitted.stage == Stage.AWAITING_APPROVAL and not submitted.is_overdue
    assert submitted.label == "Submitted: awaiting a manager's approval"


def test_the_words_after_a_stages_tag_do_not_repeat_it():
    assert _quarter(Q3, datetime.date(2020, 2, 23)).after_tag == "due 31 December 2019, 54 days ago"
    assert _quarter(Q3, datetime.date(2020, 1, 2)).after_tag == "overdue after 30 January 2020"
    assert _quarter(Q3, Q3).after_tag == "until 31 December 2019"
    assert _quarter(Q3, TODAY, "submitted").after_tag == ""
    moment = datetime.datetime(2020, 7, 1, 23, 30, tzinfo=datetime.UTC)
    approved = _quarter(Q4, datetime.date(2020, 8, 1), "approved", approved_at=moment)
    assert approved.after_tag == "on 2 July 2020"
    submitted = _quarter(Q4, datetime.date(2020, 7, 5), "submitted", submitted_at=moment)
    assert submitted.after_tag == "since 2 July 2020"


def _stages(contract, today=TODAY) -> dict[datetime.date, str]:
    return {q.end: q.stage for q in due.quarters_for([contract], today)}


def test_it_keeps_a_quarter_with_no_return_in_view_when_a_later_one_is_started(officer, seed):
    assert _stages(seed["PSSP"]) == {Q3: Stage.OVERDUE, Q4: Stage.OVERDUE}
    opening.open_return(contract=seed["PSSP"], end_date=Q4, user=officer)
    assert _stages(seed["PSSP"]) == {Q3: Stage.OVERDUE, Q4: Stage.OVERDUE}
    items = due.quarters_for([seed["PSSP"]], TODAY)
    assert [q.state_label for q in items] == ["Not started", "Draft"]


def test_it_shows_submitted_as_awaiting_approval_and_recent_approvals(officer, manager, seed):

    quarterly_return = opening.open_return(contract=seed["ICT"], end_date=Q3, user=officer)
    saving.save_return(
        quarterly_return=quarterly_return, user=officer, entries=fill_return(quarterly_return)
    )
    workflow.submit_return(quarterly_return=quarterly_return, user=officer)
    assert _stages(seed["ICT"])[Q3] == Stage.AWAITING_APPROVAL
    workflow.approve_return(quarterly_return=quarterly_return, user=manager)
    today = timezone.localdate()
    assert _stages(seed["ICT"], today)[Q3] == Stage.APPROVED
    later = today + datetime.timedelta(days=due.RECENTLY_APPROVED_DAYS + 1)
    assert Q3 not in _stages(seed["ICT"], later)


def test_it_offers_the_quarter_just_ended_first(seed):
    items = due.quarters_for([seed["PSSP"]], TODAY)
    assert due.startable(seed["PSSP"], items, TODAY) == [Q4, Q3, datetime.date(2020, 6, 30)]


def test_it_lists_nothing_after_the_contract_ends(seed):
    contract = seed["PSSP"]
    contract.end_date = datetime.date(2020, 1, 15)
    contract.extensions.all().delete()
    assert _stages(contract) == {Q3: Stage.OVERDUE, Q4: Stage.OVERDUE}
    contract.end_date = datetime.date(2019, 11, 1)
    assert _stages(contract) == {Q3: Stage.OVERDUE}


def test_home_my_returns_and_the_return_page_agree(client, officer, manager, seed, monkeypatch):
    """One set of returns, three pages, the same words for each quarter."""

    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)
    draft = opening.open_return(contract=seed["PSSP"], end_date=Q4, user=officer)
    submitted = opening.open_return(contract=seed["ICT"], end_date=Q3, user=officer)
    saving.save_return(quarterly_return=submitted, user=officer, entries=fill_return(submitted))
    workflow.submit_return(quarterly_return=submitted, user=officer)
    # Each stage's tag, then its dates (the tag names the stage: the words do not repeat it).
    expected = {
        ("PSSP", Q3): "Overdue</strong> due 31 December 2019, 136 days ago",
        ("PSSP", Q4): "Overdue</strong> due 31 March 2020, 45 days ago",
        ("ICT", Q3): "Awaiting approval</strong> since",
        ("ICT", Q4): "Overdue</strong> due 31 March 2020, 45 days ago",
    }
    client.force_login(officer)
    home = client.get("/").content.decode()
    mine = client.get("/returns/").content.decode()
    for text in expected.values():
        assert text in home and text in mine, text
    assert home.count("Overdue</strong>") == mine.count("Overdue</strong>") == 3
    assert "Not started" in home and "Not started" in mine
    assert "Overdue: due" not in home and "Overdue: due" not in mine
    overdue = "Overdue: due 31 March 2020, 45 days ago"
    for quarterly_return, text in ((draft, overdue), (submitted, "Submitted")):
        page = client.get(
            f"/contracts/{quarterly_return.contract.code}/returns/{quarterly_return.period.end_date}/"
        ).content.decode()
        assert text in page
    assert "Overdue</strong>" not in client.get(f"/contracts/ICT/returns/{Q3}/").content.decode()
    # The manager's home page says the same of the same returns.
    client.force_login(manager)
    assert all(text in client.get("/").content.decode() for text in expected.values())


def test_it_dates_approvals_and_submissions_by_the_council_s_clock():
    # 23:30 UTC on 1 July is 00:30 on 2 July in British Summer Time, when the manager acted.
    moment = datetime.datetime(2020, 7, 1, 23, 30, tzinfo=datetime.UTC)
    approved = _quarter(Q4, datetime.date(2020, 8, 1), "approved", approved_at=moment)
    assert approved.label == "Approved on 2 July 2020"
    submitted = _quarter(Q4, datetime.date(2020, 7, 5), "submitted", submitted_at=moment)
    assert submitted.label == "Submitted since 2 July 2020: awaiting a manager's approval"


def test_it_keeps_an_approval_listed_for_30_days_by_the_council_s_clock(officer, manager, seed):

    quarterly_return = opening.open_return(contract=seed["ICT"], end_date=Q3, user=officer)
    saving.save_return(
        quarterly_return=quarterly_return, user=officer, entries=fill_return(quarterly_return)
    )
    workflow.submit_return(quarterly_return=quarterly_return, user=officer)
    workflow.approve_return(quarterly_return=quarterly_return, user=manager)
    # Approved at 00:30 on 2 July, London time: listed up to and including 1 August.
    QuarterlyReturn.objects.filter(pk=quarterly_return.pk).update(
        approved_at=datetime.datetime(2020, 7, 1, 23, 30, tzinfo=datetime.UTC)
    )
    assert _stages(seed["ICT"], datetime.date(2020, 8, 1))[Q3] == Stage.APPROVED
    assert Q3 not in _stages(seed["ICT"], datetime.date(2020, 8, 2))


def _walked(end, state=None, approved_at=None) -> due.Walked:
    held = due.Held(len(state or ""), 1, end, state, approved_at) if state else None
    return due.Walked(Contract(code="PSSP"), end, held)


def test_it_keeps_only_the_latest_approvals_in_their_place():
    moments = [datetime.datetime(2020, 7, day, 12, tzinfo=datetime.UTC) for day in range(1, 13)]
    approved = [_walked(Q4, "approved", moment) for moment in moments]
    overdue = _walked(Q3)
    # Oldest approval first, with work still to do in the middle, as `quarters_for` may list.
    listed, left_out = due.latest_approvals_only([*approved[:6], overdue, *approved[6:]])
    assert listed == [*approved[2:6], overdue, *approved[6:]]
    assert left_out == 2
    # Two approved at the same moment: the later quarter is the more recent.
    same = [_walked(end, "approved", moments[0]) for end in (Q3, Q4)]
    assert due.latest_approvals_only(same, keep=1) == ([same[1]], 1)
    assert due.latest_approvals_only([overdue]) == ([overdue], 0)
    # A draft is work to do, never left out however many approvals there are.
    draft = _walked(Q3, "draft")
    assert due.latest_approvals_only([draft, *approved], keep=1) == ([draft, approved[-1]], 11)


def test_home_counts_the_approvals_it_does_not_list(client, officer, committee_member, seed):
    # Every approved quarter of the officer's two contracts approved within the last few days.
    recent = QuarterlyReturn.objects.filter(
        contract__in=[seed["PSSP"], seed["ICT"]], state="approved"
    )
    now = timezone.now()
    for n, quarterly_return in enumerate(recent):
        quarterly_return.approved_at = now - datetime.timedelta(hours=n)
        quarterly_return.save(update_fields=["approved_at"])
    more = recent.count() - due.RECENTLY_APPROVED_LISTED
    assert more > 1
    sentence = f"{more} more returns approved in the last 30 days are not listed here"
    client.force_login(officer)
    home = client.get("/").content.decode()
    assert home.count("Approved</strong>") == due.RECENTLY_APPROVED_LISTED
    assert sentence in home
    assert 'href="/returns/">My returns</a> lists every one' in home
    # The committee's panel holds the same returns (the seed's others were approved long ago),
    # and no link to returns it has none of.
    client.force_login(committee_member)
    home = client.get("/").content.decode()
    assert home.count("Approved</strong>") == due.RECENTLY_APPROVED_LISTED
    assert sentence in home
    assert "My returns</a> lists every one" not in home
