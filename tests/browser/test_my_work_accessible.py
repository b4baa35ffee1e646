""" "My work" passes axe (WCAG 2.2 AA) for an officer with a return sent back (its tag and
reason), returns due and an action they own, for a manager with a suspension request and an
overdue plan, and for a committee member with an answer and then with nothing new."""

from __future__ import annotations

import datetime

from playwright.sync_api import expect

from kpis.models import Kpi
from kpis.writes import decisions, opening, saving, workflow
from questions import writes as question_writes
from tests.browser.conftest import assert_no_axe_violations
from tests.kpis.returns import fill_return
from tests.plans.making import a_plan


def _check(page, text: str) -> None:
    page.goto("/my-work/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    expect(page.locator("main")).to_contain_text(text)
    assert_no_axe_violations(page)


def test_my_work_passes_axe_for_each_role(seed, officer, manager, committee_member, signed_in_page):
    ict = seed["ICT"]
    end = datetime.date(2019, 12, 31)
    quarterly_return = opening.open_return(contract=ict, end_date=end, user=officer)
    saving.save_return(
        quarterly_return=quarterly_return, user=officer, entries=fill_return(quarterly_return)
    )
    workflow.submit_return(quarterly_return=quarterly_return, user=officer)
    workflow.send_back_return(
        quarterly_return=quarterly_return, user=manager, reason="KPI 3 repeats last quarter."
    )
    kpi = Kpi.objects.get(contract=seed["PSSP"], reference="R&B-K-009")
    question = question_writes.ask_question(
        contract=seed["PSSP"],
        user=committee_member,
        text="Why did recovery fall?",
        kpi=kpi,
        end_date=datetime.date(2019, 3, 31),
    )
    question_writes.answer_question(
        question=question,
        user=manager,
        text="The supplier lost a contractor.",
        action=question_writes.ActionAgreed(
            description="Report the recovery", due_date=datetime.date(2019, 1, 5), owner=officer
        ),
    )
    ict_kpi = Kpi.objects.get(contract=ict, reference="1")
    decisions.ask_for_suspension(
        kpi=ict_kpi, first_quarter=end, last_quarter=None, reason="Replaced", user=officer
    )
    a_plan(ict_kpi, due_on=datetime.date(2019, 4, 18))

    _check(signed_in_page(officer), "Returned with the reason: KPI 3 repeats last quarter.")
    _check(signed_in_page(manager), "Suspension requests to decide")
    member = signed_in_page(committee_member)
    _check(member, "The supplier lost a contractor.")
    _check(member, "No answers to your questions have come in since you last looked.")
