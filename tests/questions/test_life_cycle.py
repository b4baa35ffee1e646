"""A question's life, role by role, through the pages: the committee asks; the contract's officers
and managers answer, agree actions and close them; nobody else writes, and other contracts'
officers get a 404 from every write, as if the contract did not exist."""

import pytest

from kpis.models import ReportingPeriod
from packs.services import publish_pack
from questions import writes
from questions.models import AgreedAction, Answer, Question
from tests.questions.asking import DUE, MAR_19, TEXT

ASK = "/contracts/PSSP/questions/ask/"


def _question_url(question: Question, tail: str = "") -> str:
    return f"/contracts/PSSP/questions/{question.pk}/{tail}"


def _answer(**fields) -> dict:
    return {"answer-text": "The supplier lost two staff; recovery is planned.", **fields}


def _agreed(prefix: str = "action", **fields) -> dict:
    return {
        f"{prefix}-description": "Send the recovery plan to the committee",
        f"{prefix}-owner_name": "Parking lead at Serco",
        f"{prefix}-due_date": DUE.strftime("%d/%m/%Y"),
        **{f"{prefix}-{name}": value for name, value in fields.items()},
    }


def test_a_committee_member_asks_about_a_kpi_s_approved_figure(client, committee_member, kpi):
    client.force_login(committee_member)
    page = client.get(f"{ASK}?kpi={kpi.pk}&quarter={MAR_19}")
    assert page.status_code == 200
    assert f'<option value="{kpi.pk}" selected>' in page.content.decode()
    response = client.post(ASK, {"kpi": kpi.pk, "quarter": MAR_19.isoformat(), "text": TEXT})
    question = Question.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _question_url(question)
    assert (question.kpi, question.text) == (kpi, TEXT)
    assert question.period == ReportingPeriod.objects.get(end_date=MAR_19)
    assert question.asked_by == committee_member
    assert question.figure_text == "8%"
    assert question.state == Question.State.OPEN
    page = client.get(response["Location"]).content.decode()
    assert TEXT in page and "Waiting for an answer" in page
    # The committee reads the thread, and has no form to answer it.
    assert "Answer the question" not in page


def test_the_committee_is_offered_approved_quarters_only(client, committee_member, seed):
    client.force_login(committee_member)
    page = client.get(ASK).content.decode()
    assert 'value="2019-03-31"' in page
    # PSSP's 2019/20 Q3 is not approved in the seed: never offered, refused if sent.
    assert 'value="2019-12-31"' not in page
    response = client.post(ASK, {"quarter": "2019-12-31", "text": TEXT})
    assert response.status_code == 200
    assert "Choose a quarter from the list" in response.content.decode()
    assert not Question.objects.exists()


def test_a_question_left_empty_is_refused_beside_its_field_keeping_the_choices(
    client, committee_member, kpi
):
    client.force_login(committee_member)
    response = client.post(ASK, {"kpi": kpi.pk, "quarter": MAR_19.isoformat(), "text": "  "})
    page = response.content.decode()
    assert response.status_code == 200
    assert '<p id="id_text-error" class="govuk-error-message">' in page
    assert "Write your question" in page
    assert f'<option value="{kpi.pk}" selected>' in page
    assert '<option value="2019-03-31" selected>' in page
    assert "<title>Error: " in page


def test_the_packs_are_offered_only_where_one_is_published(client, committee_member, seed, manager):
    client.force_login(committee_member)
    page = client.get(ASK).content.decode()
    assert "Published committee pack" not in page
    # Asking still works without the list.
    assert client.post(ASK, {"text": TEXT}).status_code == 302
    publish_pack(contract=seed["PSSP"], quarter="2019-03-31", user=manager)
    page = client.get(ASK).content.decode()
    assert "Published committee pack" in page and "2018/19 Q4" in page


def test_typed_text_is_kept_when_the_pack_and_quarter_disagree(
    client, committee_member, seed, manager
):
    pack, _ = publish_pack(contract=seed["PSSP"], quarter="2019-03-31", user=manager)
    client.force_login(committee_member)
    response = client.post(ASK, {"pack": pack.pk, "quarter": "2018-12-31", "text": TEXT})
    page = response.content.decode()
    assert "The pack chosen is for 2018/19 Q4" in page
    assert TEXT in page
    assert not Question.objects.exists()


def test_a_form_sent_twice_asks_once_and_emails_once(
    client, committee_member, kpi, addressed, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(committee_member)
    data = {"kpi": kpi.pk, "quarter": MAR_19.isoformat(), "text": TEXT}
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            assert client.post(ASK, data).status_code == 302
    assert Question.objects.count() == 1
    # The officer and the manager, once each.
    assert len(mailoutbox) == 2


@pytest.mark.parametrize("role", ["officer", "manager", "admin_user"])
def test_those_who_work_on_the_contract_do_not_ask(client, request, role, seed):
    client.force_login(request.getfixturevalue(role))
    assert client.get(ASK).status_code == 403
    assert client.post(ASK, {"text": TEXT}).status_code == 403


@pytest.mark.parametrize("role", ["officer", "manager", "admin_user"])
def test_an_officer_or_manager_answers_agreeing_an_action_then_closes_it(
    client, request, role, asked
):
    client.force_login(request.getfixturevalue(role))
    page = client.get(_question_url(asked)).content.decode()
    assert "Answer the question" in page
    response = client.post(_question_url(asked, "answer/"), {**_answer(), **_agreed("answer")})
    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.state == Question.State.ANSWERED
    agreed = AgreedAction.objects.get()
    assert agreed.answer == Answer.objects.get()
    assert (agreed.owner_name, agreed.due_date) == ("Parking lead at Serco", DUE)
    # Answered, with an action open: still open.
    assert Question.objects.still_open().exists()
    page = client.get(_question_url(asked)).content.decode()
    assert "Answered, action open" in page and "Parking lead at Serco" in page

    url = _question_url(asked, f"actions/{agreed.pk}/close/")
    response = client.post(url, {f"close-{agreed.pk}-note": "Plan sent on 1 May."})
    assert response.status_code == 302
    agreed.refresh_from_db()
    assert agreed.closing_note == "Plan sent on 1 May." and not agreed.is_open
    assert not Question.objects.still_open().exists()
    page = client.get(_question_url(asked)).content.decode()
    assert "Closed" in page and "Plan sent on 1 May." in page


def test_an_action_is_agreed_on_its_own_with_a_named_owner(client, manager, officer, asked):
    client.force_login(manager)
    response = client.post(
        _question_url(asked, "actions/"),
        {**_agreed(owner_name="", owner=str(officer.pk))},
    )
    assert response.status_code == 302
    agreed = AgreedAction.objects.get()
    assert agreed.owner == officer and agreed.answer is None
    asked.refresh_from_db()
    # An action alone does not answer the question.
    assert asked.state == Question.State.OPEN


def test_an_action_half_filled_is_refused_beside_its_fields_keeping_the_answer(
    client, officer, asked
):
    client.force_login(officer)
    data = {**_answer(), "answer-description": "Send the plan", "answer-due_date": "31/13/2030"}
    response = client.post(_question_url(asked, "answer/"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter the due date like 31/03/2020" in page
    assert "Name who will do it, or choose them from the list" in page
    assert 'id="id_answer-owner_name-error"' in page
    assert "The supplier lost two staff; recovery is planned." in page
    assert not Answer.objects.exists()


def test_closing_an_action_needs_a_note(client, officer, asked):
    client.force_login(officer)
    client.post(_question_url(asked, "actions/"), _agreed())
    agreed = AgreedAction.objects.get()
    response = client.post(_question_url(asked, f"actions/{agreed.pk}/close/"), {})
    assert response.status_code == 200
    assert "Say what was done" in response.content.decode()
    agreed.refresh_from_db()
    assert agreed.is_open


def test_closing_an_action_twice_says_so_and_changes_nothing(client, officer, manager, asked):
    client.force_login(officer)
    client.post(_question_url(asked, "actions/"), _agreed())
    agreed = AgreedAction.objects.get()
    url = _question_url(asked, f"actions/{agreed.pk}/close/")
    client.post(url, {f"close-{agreed.pk}-note": "Done."})
    client.force_login(manager)
    page = client.post(url, {f"close-{agreed.pk}-note": "Done again."}, follow=True)
    assert "This action was closed already by Officer" in page.content.decode()
    agreed.refresh_from_db()
    assert (agreed.closing_note, agreed.closed_by) == ("Done.", _user(officer))


def _user(user):
    return type(user).objects.get(pk=user.pk)


def test_the_committee_neither_answers_nor_agrees_nor_closes(client, committee_member, asked):
    agreed = AgreedAction.objects.create(
        question=asked,
        description="Report back",
        owner_name="Lead",
        due_date=DUE,
        agreed_by=committee_member,
        agreed_at=asked.asked_at,
    )
    client.force_login(committee_member)
    for tail, data in {
        "answer/": _answer(),
        "actions/": _agreed(),
        f"actions/{agreed.pk}/close/": {f"close-{agreed.pk}-note": "Done."},
    }.items():
        assert client.post(_question_url(asked, tail), data).status_code == 403, tail
    assert not Answer.objects.exists()
    assert AgreedAction.objects.get().is_open


def test_an_outsider_reads_the_questions_and_gets_a_404_from_every_write(client, outsider, asked):
    agreed = AgreedAction.objects.create(
        question=asked,
        description="Report back",
        owner_name="Lead",
        due_date=DUE,
        agreed_by=outsider,
        agreed_at=asked.asked_at,
    )
    client.force_login(outsider)
    # Every signed-in user reads every contract, and its questions about approved figures.
    assert client.get("/contracts/PSSP/questions/").status_code == 200
    assert client.get(_question_url(asked)).status_code == 200
    assert client.get(ASK).status_code == 404
    for tail, data in {
        "answer/": _answer(),
        "actions/": _agreed(),
        f"actions/{agreed.pk}/close/": {f"close-{agreed.pk}-note": "Done."},
    }.items():
        assert client.post(_question_url(asked, tail), data).status_code == 404, tail
    assert client.post(ASK, {"text": TEXT}).status_code == 404
    assert not Answer.objects.exists()


def test_anyone_signed_out_is_sent_to_sign_in(client, asked):
    for url in ("/contracts/PSSP/questions/", _question_url(asked), ASK):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    response = client.post(_question_url(asked, "answer/"), _answer())
    assert response["Location"].startswith("/accounts/login/")
    assert not Answer.objects.exists()


def test_a_question_of_another_contract_is_not_found_under_this_one(client, officer, asked):
    client.force_login(officer)
    assert client.get(f"/contracts/ICT/questions/{asked.pk}/").status_code == 404
    response = client.post(f"/contracts/ICT/questions/{asked.pk}/answer/", _answer())
    assert response.status_code == 404


def test_the_list_shows_open_questions_first_and_all_when_asked(
    client, committee_member, officer, asked, seed
):
    done = writes.ask_question(contract=seed["PSSP"], user=committee_member, text="Budget?")
    writes.answer_question(question=done, user=officer, text="On budget.")
    client.force_login(committee_member)
    page = client.get("/contracts/PSSP/questions/").content.decode()
    assert TEXT in page and "Budget?" not in page
    page = client.get("/contracts/PSSP/questions/?show=all").content.decode()
    assert page.index(TEXT) < page.index("Budget?")
    response = client.get("/contracts/PSSP/questions/?show=nonsense")
    assert "Choose still open or all questions" in response.content.decode()
