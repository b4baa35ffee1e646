"""The KPI page lists the KPI's questions and actions still open, the scorecard counts the
contract's, and the committee pack carries every one still open from its quarter on (also in its
PDF), each with who asked and when."""

import datetime
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from questions import rules, writes
from tests.questions.asking import TEXT, action

PACK = "/contracts/PSSP/pack/{}/"


def _closed(question, user) -> None:
    """Answered, with its action agreed and closed: no longer open."""
    writes.answer_question(question=question, user=user, text="Done.", action=action())
    writes.close_action(action=question.actions.get(), user=user, note="Sent.")


def test_the_kpi_page_lists_its_open_questions_and_actions_with_who_asked_and_when(
    client, committee_member, officer, asked, kpi
):
    writes.answer_question(question=asked, user=officer, text="A plan.", action=action())
    client.force_login(committee_member)
    page = client.get(kpi.get_absolute_url()).content.decode()
    section = page.split("Committee questions still open")[1]
    assert TEXT in section
    assert f"Asked by Committee on {timezone.localdate():%-d %B %Y}." in section
    assert "Send the recovery plan to the committee" in section
    assert "Owner: Parking lead at Serco. Due 30 June 2030." in section
    assert f"?kpi={kpi.pk}" in section and "Ask a question about R&amp;B-K-009" in section


def test_another_kpi_s_page_and_a_closed_question_list_nothing(
    client, committee_member, officer, asked, kpi, seed
):
    client.force_login(committee_member)
    other = seed["PSSP"].kpis.exclude(pk=kpi.pk).first()
    assert TEXT not in client.get(other.get_absolute_url()).content.decode()
    _closed(asked, officer)
    page = client.get(kpi.get_absolute_url()).content.decode()
    assert TEXT not in page
    assert "No question about R&amp;B-K-009 is waiting for an answer or an action." in page


def test_only_the_committee_is_offered_the_question_link(client, officer, asked, kpi):
    client.force_login(officer)
    page = client.get(kpi.get_absolute_url()).content.decode()
    assert TEXT in page
    assert "Ask a question about" not in page


def test_the_scorecard_counts_the_open_questions_and_actions(
    client, committee_member, officer, asked, seed
):
    other = writes.ask_question(contract=seed["PSSP"], user=committee_member, text="Budget?")
    writes.answer_question(question=other, user=officer, text="On budget.", action=action())
    client.force_login(committee_member)
    page = client.get("/contracts/PSSP/").content.decode()
    assert "2 questions still open, with 1 agreed action not yet closed." in page
    assert 'href="/contracts/PSSP/questions/"' in page
    assert 'href="/contracts/PSSP/questions/ask/"' in page
    _closed(asked, officer)
    page = client.get("/contracts/PSSP/").content.decode()
    assert "1 question still open, with 1 agreed action not yet closed." in page
    assert "No question is still open" in client.get("/contracts/ICT/").content.decode()


@pytest.mark.parametrize(
    ("quarter", "carried"),
    [("2018-12-31", False), ("2019-03-31", True), ("2019-06-30", True), ("2019-09-30", True)],
)
def test_the_pack_carries_a_question_from_its_quarter_on_while_open(
    client, committee_member, officer, asked, quarter, carried
):
    client.force_login(committee_member)
    page = client.get(PACK.format(quarter)).content.decode()
    assert (TEXT in page) is carried
    if carried:
        section = page.split("Questions and actions still open")[1]
        assert "Asked by Committee on" in section
    _closed(asked, officer)
    assert TEXT not in client.get(PACK.format(quarter)).content.decode()


def test_a_question_about_no_quarter_is_carried_from_the_pack_after_it_was_asked(
    client, committee_member, seed, monkeypatch
):
    # Asked in August 2019, when the committee had the Jun-19 pack: the Sep-19 pack carries it.
    asked_at = datetime.datetime(2019, 8, 14, 10, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: asked_at)
    question = writes.ask_question(contract=seed["PSSP"], user=committee_member, text="Budget?")
    monkeypatch.undo()
    assert question.first_pack_quarter == datetime.date(2019, 9, 30)
    client.force_login(committee_member)
    assert "Budget?" not in client.get(PACK.format("2019-06-30")).content.decode()
    assert "Budget?" in client.get(PACK.format("2019-09-30")).content.decode()


def test_the_first_pack_is_that_of_the_quarter_asked_about_else_of_the_day_asked():
    asked_on = datetime.date(2019, 8, 14)
    assert rules.first_pack_quarter(datetime.date(2019, 3, 31), asked_on) == datetime.date(
        2019, 3, 31
    )
    assert rules.first_pack_quarter(None, asked_on) == datetime.date(2019, 9, 30)


def test_the_pack_s_pdf_carries_the_open_questions(client, committee_member, asked):
    client.force_login(committee_member)
    response = client.get("/contracts/PSSP/pack/2019-06-30/pdf")
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Questions and actions still open" in text
    assert "Why did parking debt recovery fall to 8%" in text


def test_a_pack_with_no_question_open_prints_as_before(client, committee_member, seed):
    client.force_login(committee_member)
    assert "No question of the committee" in client.get(PACK.format("2019-06-30")).content.decode()
    response = client.get("/contracts/PSSP/pack/2019-06-30/pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Questions and actions still open" not in text


def test_an_action_past_its_due_date_is_marked_overdue_in_words(
    client, committee_member, officer, asked, kpi
):
    past = writes.ActionAgreed(
        description="Report back", due_date=datetime.date(2020, 1, 31), owner=officer
    )
    writes.answer_question(question=asked, user=officer, text="A plan.", action=past)
    client.force_login(committee_member)
    page = client.get(kpi.get_absolute_url()).content.decode()
    assert "Owner: Officer. Due 31 January 2020." in page
    assert '<span aria-hidden="true">! </span>Overdue</strong>' in page
