"""The permission table, walked whole: every part, action and state, through the services
themselves (so that the views are not the only guard) and against README's copy."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from contracts.roles import Part
from evidence import writes as evidence_writes
from kpis import permissions
from kpis.choices import ReturnState
from kpis.imports.definitions.columns import COLUMNS as DEFINITION_COLUMNS
from kpis.imports.definitions.preview import build_preview
from kpis.imports.definitions.write import import_definitions
from kpis.models import Kpi, QuarterlyReturn, Reading
from kpis.permissions import (
    NO_RETURN,
    STATES,
    TABLE,
    Action,
    ReturnLocked,
    allowed,
    markdown_table,
)
from kpis.permissions.fetch import get_return_for
from kpis.writes import decisions, opening, saving, workflow
from kpis.writes.backfill import backfill_return
from kpis.writes.contract_setup import create_contract
from notices import writes as notice_writes
from notices.access import get_notice_for
from notices.choices import BreachOutcome, Rating
from packs.services import publish_pack
from plans.choices import ActionState, Trigger
from plans.writes import open_plan, record_progress
from questions import writes as question_writes
from questions.models import AgreedAction, Question
from regime.services import record_applied_credit, record_relief
from tests.evidence.making import a_file, upload
from tests.kpis.returns import Q3, fill_return, row_entry
from tests.notices.making import a_notice
from tests.plans.making import an_action
from tests.readme import section

# Written out by hand from the issue and README, independently of kpis/permissions/__init__.py.
# Rows: action; columns: not started, draft, submitted, approved; O officer and M manager of the
# contract, A administrator, C committee, X an officer of another contract.
EXPECTED = """
read         | OMA   | OMA   | OMA   | OMACX
start        | OMA   | -     | -     | -
discard      | -     | OMA   | -     | -
edit         | -     | OMA   | -     | -
set_targets  | -     | MA    | -     | -
submit       | -     | OMA   | -     | -
approve      | -     | -     | MA    | -
send_back    | -     | -     | MA    | -
reopen       | -     | -     | -     | MA
suspend      | MA    | MA    | MA    | -
ask_suspension | OMA | OMA   | OMA   | -
change_rules | MA    | MA    | MA    | -
relieve      | -     | -     | -     | MA
record_credit | -    | -     | -     | MA
publish      | -     | -     | -     | MA
backfill     | MA    | MA    | MA    | -
create_contract | MA  | MA    | MA    | MA
define_kpis  | MA    | MA    | MA    | MA
ask_question | C     | C     | C     | C
answer_question | OMA | OMA   | OMA   | OMA
close_action | OMA   | OMA   | OMA   | OMA
manage_plans | MA    | MA    | MA    | MA
record_progress | OMA | OMA   | OMA   | OMA
read_notices | OMACX | OMACX | OMACX | OMACX
read_notice_drafts | OMA | OMA | OMA | OMA
draft_notice | MA    | MA    | MA    | MA
justify_rating | MA  | MA    | MA    | MA
approve_notice | MA  | MA    | MA    | MA
record_breach | MA   | MA    | MA    | MA
attach_evidence | -    | OMA   | MA    | -
remove_evidence | -    | OMA   | MA    | -
attach_plan_evidence | OMA | OMA | OMA | OMA
remove_plan_evidence | MA | MA  | MA    | MA
"""
LETTERS = {
    "O": "officer",
    "M": "manager",
    "A": "admin_user",
    "C": "committee_member",
    "X": "outsider",
}


def _expected() -> dict[tuple[str, str, str], bool]:
    expected = {}
    for line in EXPECTED.strip().splitlines():
        action, *cells = (cell.strip() for cell in line.split("|"))
        for state, cell in zip(STATES, cells, strict=True):
            for letter, role in LETTERS.items():
                expected[(action, state, role)] = letter in cell
    return expected


CASES = [
    pytest.param(action, state, role, allowed, id=f"{role} {action} {state}")
    for (action, state, role), allowed in _expected().items()
]


def test_the_table_covers_every_action_and_state():
    assert set(TABLE) == set(Action)
    assert {action for action, _, _ in _expected()} == set(Action)
    assert all(set(row) == set(STATES) for row in TABLE.values())


def _in_state(contract, state: str, user) -> QuarterlyReturn | None:
    """The contract's Q3 return in `state`, its figures entered by `user` (who may therefore not
    back-fill it, beyond the table: tests/kpis/test_backfill_second_person.py)."""
    if state == NO_RETURN:
        return None
    quarterly_return = opening.open_return(contract=contract, end_date=Q3, user=user)
    saving.save_return(
        quarterly_return=quarterly_return, user=user, entries=fill_return(quarterly_return)
    )
    QuarterlyReturn.objects.filter(pk=quarterly_return.pk).update(state=state)
    quarterly_return.refresh_from_db()
    quarterly_return.contract = contract
    return quarterly_return


def _attempt(action: str, user, contract, quarterly_return) -> None:
    """Ask the service (or, to read, the access helper) to take `action` as `user`."""
    kpi = Kpi.objects.get(contract=contract, reference="R&B-K-009")
    if action == Action.READ:
        if quarterly_return is None:
            # No page to read yet: the table alone says who will see it once started.
            if not allowed(user, action, contract.pk, NO_RETURN):
                raise PermissionDenied("Not a reader of work in progress.")
            return
        try:
            get_return_for(user, contract.code, Q3.isoformat())
        except Http404 as error:
            raise PermissionDenied(str(error)) from None
    elif action == Action.START:
        if quarterly_return is not None:
            raise PermissionDenied("Already started: opening it again creates nothing.")
        opening.open_return(contract=contract, end_date=Q3, user=user)
    elif action == Action.DISCARD:
        if quarterly_return is None:
            raise PermissionDenied("No return to discard.")
        # A return is discarded only while it holds nothing (beyond the table): empty it first.
        Reading.objects.filter(period=quarterly_return.period, kpi__contract=contract).update(
            value=None, not_measured_reason="", commentary="", target_override=None
        )
        workflow.discard_return(quarterly_return=quarterly_return, user=user)
    elif action in (Action.EDIT, Action.SET_TARGETS):
        if quarterly_return is None:
            raise PermissionDenied("No return to edit.")
        reading = Reading.objects.get(kpi=kpi, period=quarterly_return.period)
        saving.save_return(
            quarterly_return=quarterly_return,
            user=user,
            entries=[row_entry(reading, 15, target=12 if action == Action.SET_TARGETS else None)],
            set_targets=action == Action.SET_TARGETS,
        )
    elif action in (Action.SUBMIT, Action.APPROVE, Action.SEND_BACK, Action.REOPEN):
        if quarterly_return is None:
            raise PermissionDenied("No return.")
        service = {
            Action.SUBMIT: workflow.submit_return,
            Action.APPROVE: workflow.approve_return,
        }.get(action)
        if service:
            service(quarterly_return=quarterly_return, user=user)
        else:
            service = {
                Action.SEND_BACK: workflow.send_back_return,
                Action.REOPEN: workflow.reopen_return,
            }[action]
            service(quarterly_return=quarterly_return, user=user, reason="A reason")
    elif action == Action.BACKFILL:
        reading = Reading.objects.filter(kpi=kpi, period__end_date=Q3).first()
        backfill_return(
            contract=contract,
            end_date=Q3,
            user=user,
            entries=[row_entry(reading, 15)] if reading else [],
            source="Scrutiny report",
        )
    elif action == Action.PUBLISH:
        publish_pack(contract=contract, quarter=Q3.isoformat(), user=user)
    elif action == Action.SUSPEND:
        decisions.record_suspension(
            kpi=kpi, first_quarter=Q3, last_quarter=Q3, reason="System replaced", user=user
        )
    elif action == Action.ASK_SUSPENSION:
        decisions.ask_for_suspension(
            kpi=kpi,
            first_quarter=Q3,
            last_quarter=None,
            reason="System replaced",
            user=user,
            quarterly_return=quarterly_return,
        )
    elif action == Action.CHANGE_RULES:
        decisions.change_rule(
            kpi=kpi,
            effective_from=Q3,
            target=Decimal(12),
            target_strict=False,
            detriment=None,
            failure=None,
            reason="Renegotiated",
            user=user,
        )
    elif action == Action.RELIEVE:
        if quarterly_return is None:
            raise PermissionDenied("No return.")
        Reading.objects.filter(kpi=kpi, period=quarterly_return.period).update(value=0)
        record_relief(kpi=kpi, end_date=Q3, reason="Agreed mitigation", user=user)
    elif action == Action.CREATE_CONTRACT:
        create_contract(
            user=user, code=f"NEW-{user.pk}", name="Waste", authority="A Council", supplier="S Ltd"
        )
    elif action == Action.DEFINE_KPIS:
        new_kpi = b"%s\r\nW-1,Bins emptied,W,Waste,Monthly,Percentage,Higher,99,no,,,\r\n" % (
            ",".join(DEFINITION_COLUMNS).encode()
        )
        preview = build_preview(contract=contract, user=user, content=new_kpi, filename="k.csv")
        import_definitions(preview=preview, user=user)
    elif action in (Action.ASK_QUESTION, Action.ANSWER_QUESTION, Action.CLOSE_ACTION):
        _attempt_question(action, user, contract, kpi)
    elif action == Action.RECORD_CREDIT:
        if quarterly_return is None:
            raise PermissionDenied("No return.")
        record_applied_credit(
            contract=contract, end_date=Q3, amount=Decimal(100), note="", user=user
        )
    elif action == Action.MANAGE_PLANS:
        open_plan(
            kpi=kpi,
            title="Put it right",
            trigger=Trigger.CONCERN,
            first_quarter=datetime.date(2019, 3, 31),
            last_quarter=None,
            notified_on=datetime.date(2019, 4, 1),
            user=user,
        )
    elif action == Action.RECORD_PROGRESS:
        record_progress(
            action=an_action(kpi), state=ActionState.IN_PROGRESS, progress="Begun", user=user
        )
    elif action in NOTICE_ACTIONS:
        _attempt_notice(action, user, contract)
    elif action in EVIDENCE_ACTIONS:
        _attempt_evidence(action, user, contract, kpi, quarterly_return)


EVIDENCE_ACTIONS = (
    Action.ATTACH_EVIDENCE,
    Action.REMOVE_EVIDENCE,
    Action.ATTACH_PLAN_EVIDENCE,
    Action.REMOVE_PLAN_EVIDENCE,
)


def _attempt_evidence(action: str, user, contract, kpi, quarterly_return) -> None:
    """Attach a file to the KPI's figure in the quarter or to a plan for it, or remove one
    attached by someone else."""
    someone = get_user_model().objects.create_user(username=f"attacher-{action}")
    if action in (Action.ATTACH_PLAN_EVIDENCE, Action.REMOVE_PLAN_EVIDENCE):
        plan = an_action(kpi).plan
        if action == Action.ATTACH_PLAN_EVIDENCE:
            evidence_writes.attach_to_plan(
                plan=plan, user=user, upload=upload(), description="The supplier's plan"
            )
        else:
            row = a_file(someone, contract=contract, plan=plan)
            evidence_writes.remove(evidence=row, user=user, reason="Wrong plan")
        return
    if quarterly_return is None:
        raise PermissionDenied("No return.")
    if action == Action.ATTACH_EVIDENCE:
        evidence_writes.attach_to_figure(
            quarterly_return=quarterly_return,
            kpi=kpi,
            user=user,
            upload=upload(),
            description="Call logs",
        )
    else:
        row = a_file(someone, contract=contract, kpi=kpi, period=quarterly_return.period)
        evidence_writes.remove(evidence=row, user=user, reason="Wrong quarter")


NOTICE_ACTIONS = (
    Action.READ_NOTICES,
    Action.READ_NOTICE_DRAFTS,
    Action.DRAFT_NOTICE,
    Action.JUSTIFY_RATING,
    Action.APPROVE_NOTICE,
    Action.RECORD_BREACH,
)


def _attempt_notice(action: str, user, contract) -> None:
    """Read a published notice or a draft, draft one, change a draft's rating, approve a draft
    (drafted by someone else: the second person's rule is tested on its own), record a breach."""
    drafter = get_user_model().objects.create_user(username=f"drafter-{action}")
    if action in (Action.READ_NOTICES, Action.READ_NOTICE_DRAFTS):
        notice = a_notice(contract, drafter, published=action == Action.READ_NOTICES)
        try:
            get_notice_for(user, contract.code, notice.pk)
        except Http404 as error:
            raise PermissionDenied(str(error)) from None
    elif action == Action.DRAFT_NOTICE:
        notice_writes.draft_notice(
            contract=contract,
            start=datetime.date(2018, 4, 1),
            end=datetime.date(2019, 3, 31),
            user=user,
        )
    elif action == Action.JUSTIFY_RATING:
        notice = a_notice(contract, drafter)
        notice_writes.change_rating(
            notice=notice,
            rating_id=notice.ratings.get().pk,
            rating=Rating.APPROACHING,
            justification="Close to target.",
            user=user,
        )
    elif action == Action.APPROVE_NOTICE:
        notice_writes.approve_notice(notice=a_notice(contract, drafter), user=user)
    elif action == Action.RECORD_BREACH:
        notice_writes.record_breach(
            contract=contract,
            occurred_on=datetime.date(2019, 5, 1),
            description="Service withdrawn for a week.",
            outcome=BreachOutcome.DAMAGES,
            user=user,
        )


def _attempt_question(action: str, user, contract, kpi) -> None:
    """Ask about the KPI's figure in the seed's approved Mar-19 (questions are about approved
    figures whatever state this test's Q3 is in), answer a question asked, or close an action
    agreed on one."""
    if action == Action.ASK_QUESTION:
        question_writes.ask_question(
            contract=contract,
            user=user,
            text="Why?",
            kpi=kpi,
            end_date=datetime.date(2019, 3, 31),
        )
        return
    question = Question.objects.create(
        contract=contract,
        text="Why?",
        asked_by=user,
        asked_at=timezone.now(),
        first_pack_quarter=datetime.date(2019, 3, 31),
    )
    if action == Action.ANSWER_QUESTION:
        question_writes.answer_question(question=question, user=user, text="Because.")
        return
    agreed = AgreedAction.objects.create(
        question=question,
        description="Report back",
        owner_name="The supplier",
        due_date=datetime.date(2030, 6, 30),
        agreed_by=user,
        agreed_at=timezone.now(),
    )
    question_writes.close_action(action=agreed, user=user, note="Reported.")


@pytest.mark.parametrize(("action", "state", "role", "allowed"), CASES)
def test_each_service_obeys_the_table(request, seed, officer, action, state, role, allowed):
    user = request.getfixturevalue(role)
    # Figures entered by the officer, whom the table never lets approve or back-fill.
    quarterly_return = _in_state(seed["PSSP"], state, officer)
    if allowed:
        _attempt(action, user, seed["PSSP"], quarterly_return)
    else:
        with pytest.raises((PermissionDenied, ReturnLocked)):
            _attempt(action, user, seed["PSSP"], quarterly_return)


def test_a_refusal_changes_nothing(seed, manager, officer):
    quarterly_return = _in_state(seed["PSSP"], ReturnState.APPROVED, manager)
    before = list(Reading.objects.filter(period=quarterly_return.period).values())
    for action in (Action.EDIT, Action.SUSPEND, Action.CHANGE_RULES):
        with pytest.raises((PermissionDenied, ReturnLocked, ValidationError)):
            _attempt(action, manager, seed["PSSP"], quarterly_return)
    assert list(Reading.objects.filter(period=quarterly_return.period).values()) == before
    assert not Kpi.objects.get(contract=seed["PSSP"], reference="R&B-K-009").rule_changed


def test_readme_prints_the_table():
    assert markdown_table() in section("Who does what"), (
        "Run `python manage.py permissions_table` into README's 'Who does what'."
    )


def test_it_prints_the_quarters_table_then_the_contracts():
    lines = markdown_table().splitlines()
    # 18 actions on a quarter under a header of two lines; a blank line; the 15 actions on the
    # contract as a whole under their own header of two lines: 20 + 1 + 17 = 38.
    assert len(lines) == 38
    assert lines[0] == "| action | not started | draft | submitted | approved |"
    assert lines[20:23] == ["", "| action on the contract as a whole | who |", "| --- | --- |"]


def test_an_unapproved_return_is_read_only_by_those_who_work_on_it(seed, manager, committee_member):
    _in_state(seed["PSSP"], ReturnState.DRAFT, manager)
    with pytest.raises(Http404):
        get_return_for(committee_member, "PSSP", datetime.date(2019, 12, 31).isoformat())


def test_it_names_every_part_in_the_printed_table(monkeypatch):
    # No row of today's table on a quarter lets the committee or anyone signed in act short of
    # "everyone" (the committee asks questions of the contract as a whole), so their names are
    # checked on a made-up row: committee alone before a return is started, anyone signed in
    # alone in a draft, nobody once submitted, everyone once approved.
    monkeypatch.setattr(
        permissions,
        "TABLE",
        {
            Action.READ: {
                NO_RETURN: frozenset({Part.COMMITTEE}),
                ReturnState.DRAFT: frozenset({Part.OTHER}),
                ReturnState.SUBMITTED: frozenset(),
                ReturnState.APPROVED: frozenset(Part),
            }
        },
    )
    assert markdown_table() == (
        "| action | not started | draft | submitted | approved |\n"
        "| --- | --- | --- | --- | --- |\n"
        "| See the figures and commentary | committee | anyone signed in | - | everyone |"
    )


def test_it_refuses_a_part_that_may_never_act_in_words_naming_the_action(seed, committee_member):
    # The action's label, its first letter lower-cased, in a sentence of its own.
    reason = "You cannot start the quarter's return."
    contract_id = seed["PSSP"].pk
    assert permissions.refusal(committee_member, Action.START, contract_id=contract_id) == reason
    with pytest.raises(PermissionDenied) as refused:
        permissions.require(committee_member, Action.START, contract_id=contract_id)
    assert str(refused.value) == reason
