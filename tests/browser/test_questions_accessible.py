"""The committee asks a question in the browser and an officer answers it, agreeing an action
and closing it; every question page, with and without its errors, and the panels on the KPI
page, the scorecard and the pack pass axe (WCAG 2.2 AA)."""

from __future__ import annotations

import datetime

from playwright.sync_api import expect

from kpis.models import Kpi
from questions import writes
from questions.models import AgreedAction, Question
from tests.browser.conftest import assert_no_axe_violations

TEXT = "Why did parking debt recovery fall in the last quarter?"


def _check(page, url: str, heading: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    assert_no_axe_violations(page)


def test_a_question_is_asked_answered_and_its_action_closed_in_the_browser(
    seed, committee_member, officer, signed_in_page
):
    kpi = Kpi.objects.get(contract=seed["PSSP"], reference="R&B-K-009")
    member = signed_in_page(committee_member)
    _check(member, "/contracts/PSSP/questions/", "Committee questions and actions")

    _check(member, f"/contracts/PSSP/questions/ask/?kpi={kpi.pk}", "Ask a question")
    member.get_by_label("Quarter (optional)").select_option("2019-03-31")
    member.get_by_role("button", name="Send the question").click()
    expect(member.locator(".govuk-error-summary")).to_contain_text("Write your question")
    expect(member.get_by_label("Quarter (optional)")).to_have_value("2019-03-31")
    assert_no_axe_violations(member)

    member.get_by_label("Your question").fill(TEXT)
    member.get_by_role("button", name="Send the question").click()
    expect(member.get_by_role("heading", level=1)).to_contain_text("about R&B-K-009, Mar-19")
    assert_no_axe_violations(member)
    question = Question.objects.get()

    clerk = signed_in_page(officer)
    _check(clerk, question.get_absolute_url(), "Question")
    answer = clerk.locator("form", has=clerk.get_by_role("button", name="Send the answer"))
    answer.get_by_label("Your answer").fill("The supplier lost two staff; a plan is agreed.")
    answer.get_by_label("Action agreed (optional)").fill("Send the recovery plan")
    answer.get_by_label("Due date").fill("31/13/2030")
    clerk.get_by_role("button", name="Send the answer").click()
    expect(clerk.locator(".govuk-error-summary")).to_contain_text("Enter the due date like")
    assert_no_axe_violations(clerk)

    answer = clerk.locator("form", has=clerk.get_by_role("button", name="Send the answer"))
    answer.get_by_label("Or the owner's name or role").fill("Parking lead at Serco")
    answer.get_by_label("Due date").fill("30/06/2030")
    clerk.get_by_role("button", name="Send the answer").click()
    expect(clerk.get_by_text("Answered, action open").first).to_be_visible()
    assert_no_axe_violations(clerk)

    agreed = AgreedAction.objects.get()
    clerk.get_by_role("button", name="Close this action").click()
    expect(clerk.locator(".govuk-error-summary")).to_contain_text("Say what was done")
    assert_no_axe_violations(clerk)
    clerk.get_by_label("What was done?").fill("Plan sent to the committee.")
    clerk.get_by_role("button", name="Close this action").click()
    expect(clerk.get_by_text("Plan sent to the committee.")).to_be_visible()
    agreed.refresh_from_db()
    assert not agreed.is_open
    assert_no_axe_violations(clerk)


def test_the_panels_and_the_list_pass_axe_with_questions_open(
    seed, committee_member, officer, signed_in_page
):
    kpi = Kpi.objects.get(contract=seed["PSSP"], reference="R&B-K-009")
    question = writes.ask_question(
        contract=seed["PSSP"],
        user=committee_member,
        text=TEXT,
        kpi=kpi,
        end_date=datetime.date(2019, 3, 31),
    )
    writes.answer_question(
        question=question,
        user=officer,
        text="A plan is agreed.",
        action=writes.ActionAgreed(
            description="Send the plan", due_date=question.asked_at.date(), owner=officer
        ),
    )
    page = signed_in_page(committee_member)
    for url, (heading, shown) in {
        "/contracts/PSSP/questions/?show=all": ("Committee questions and actions", TEXT),
        kpi.get_absolute_url(): ("R&B-K-009", TEXT),
        "/contracts/PSSP/": ("Peterborough", "1 question still open"),
        "/contracts/PSSP/pack/2019-06-30/": ("committee pack", TEXT),
    }.items():
        _check(page, url, heading)
        expect(page.get_by_text(shown).first).to_be_visible()
