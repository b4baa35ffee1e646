"""Every question, answer and action is in the history: who did what, and when."""

from questions import writes
from questions.models import AgreedAction, Answer, Question
from tests.questions.asking import action


def test_asking_answering_agreeing_and_closing_are_each_recorded_with_who_did_it(
    asked, committee_member, officer, manager
):
    answer, _ = writes.answer_question(
        question=asked, user=officer, text="A plan is in place.", action=action()
    )
    agreed = AgreedAction.objects.get()
    writes.close_action(action=agreed, user=manager, note="Plan sent.")

    question_records = list(Question.history.filter(id=asked.pk).order_by("history_date"))
    assert [(r.history_type, r.state, r.history_user) for r in question_records] == [
        ("+", Question.State.OPEN, committee_member),
        ("~", Question.State.ANSWERED, officer),
    ]
    assert question_records[-1].history_change_reason == "Answered"
    answer_record = Answer.history.get(id=answer.pk)
    assert (answer_record.history_type, answer_record.history_user) == ("+", officer)
    assert answer_record.text == "A plan is in place."
    action_records = list(AgreedAction.history.filter(id=agreed.pk).order_by("history_date"))
    assert [(r.history_type, r.history_user, r.closing_note) for r in action_records] == [
        ("+", officer, ""),
        ("~", manager, "Plan sent."),
    ]
    assert action_records[-1].history_change_reason == "Closed"


def test_a_question_through_the_pages_records_who_asked_it(client, committee_member, kpi):
    client.force_login(committee_member)
    client.post("/contracts/PSSP/questions/ask/", {"kpi": kpi.pk, "text": "Why so low?"})
    record = Question.history.get()
    assert (record.history_user, record.text, record.kpi_id) == (
        committee_member,
        "Why so low?",
        kpi.pk,
    )


def test_the_admin_shows_them_read_only_with_their_history(client, admin_user, asked, officer):
    writes.answer_question(question=asked, user=officer, text="A plan.", action=action())
    client.force_login(admin_user)
    for model in ("question", "answer", "agreedaction"):
        assert client.get(f"/admin/questions/{model}/").status_code == 200, model
    assert client.get("/admin/questions/question/add/").status_code == 403
    history = client.get(f"/admin/questions/question/{asked.pk}/history/").content.decode()
    assert "Answered" in history and "officer" in history and "committee" in history
