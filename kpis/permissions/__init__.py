"""Who may do what to a contract's quarter: one table of part x action x state.

Views, services, the admin, imports and the API ask `allowed` or `refusal`; nothing else decides.
README's "Who does what" is printed from this table (`manage.py permissions_table`) and a test
keeps the two the same.

A user's part in a contract comes from `contracts.roles.part_in`: officers and managers count as
such only on the contracts assigned to them. The state is that of the quarter's return, or
`NO_RETURN` before one is started.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models

from contracts.roles import WORKERS, Part, part_in, part_in_new_contract
from kpis.choices import ReturnState


class Action(models.TextChoices):
    READ = "read", "See the figures and commentary"
    START = "start", "Start the quarter's return"
    DISCARD = "discard", "Discard a return started by mistake, while it holds no figures"
    EDIT = "edit", "Enter and correct figures, reasons and commentary (also by import)"
    SET_TARGETS = "set_targets", "Set the quarter's own targets"
    SUBMIT = "submit", "Submit the return for approval"
    APPROVE = "approve", "Approve the return, which locks the quarter"
    SEND_BACK = "send_back", "Return it to the officer, with a reason"
    REOPEN = "reopen", "Reopen the approved quarter, with a reason"
    SUSPEND = "suspend", "Suspend a KPI for the quarter, with a reason"
    ASK_SUSPENSION = "ask_suspension", "Ask a manager to suspend a KPI, with a reason"
    CHANGE_RULES = "change_rules", "Change a KPI's target or thresholds from the quarter on"
    RELIEVE = "relieve", "Relieve a KPI's service failure in the quarter, with a reason"
    RECORD_CREDIT = "record_credit", "Record the service credit applied to the quarter's invoice"
    PUBLISH = "publish", "Publish the quarter's committee pack, which freezes a copy"
    BACKFILL = "backfill", "Back-fill a past quarter from a published source, as approved"
    CREATE_CONTRACT = "create_contract", "Create a contract, and be assigned to it"
    DEFINE_KPIS = "define_kpis", "Add KPIs and change their definitions (also by import)"
    ASK_QUESTION = "ask_question", "Ask a question about a KPI, a quarter's figure or a pack"
    ANSWER_QUESTION = (
        "answer_question",
        "Answer a committee question, agreeing actions with an owner and a due date",
    )
    CLOSE_ACTION = "close_action", "Close an agreed action, with a note"
    MANAGE_PLANS = (
        "manage_plans",
        "Open a rectification plan; change it, its actions and its state, with a reason",
    )
    RECORD_PROGRESS = "record_progress", "Record progress on a rectification plan's actions"
    READ_NOTICES = "read_notices", "Read published Contract Performance Notices"
    READ_NOTICE_DRAFTS = "read_notice_drafts", "Read draft Contract Performance Notices"
    DRAFT_NOTICE = (
        "draft_notice",
        "Draft a Contract Performance Notice from the approved figures",
    )
    JUSTIFY_RATING = (
        "justify_rating",
        "Change a drafted notice's rating, with a written justification",
    )
    APPROVE_NOTICE = (
        "approve_notice",
        "Approve a Contract Performance Notice drafted by someone else, which publishes and "
        "freezes it",
    )
    RECORD_BREACH = (
        "record_breach",
        "Record a breach or a failure to perform, which makes a notice due",
    )
    ATTACH_EVIDENCE = (
        "attach_evidence",
        "Attach evidence to a figure (a file with a short description)",
    )
    REMOVE_EVIDENCE = "remove_evidence", "Remove evidence from a figure, with a reason"
    ATTACH_PLAN_EVIDENCE = (
        "attach_plan_evidence",
        "Attach evidence to a rectification plan (a file with a short description)",
    )
    REMOVE_PLAN_EVIDENCE = (
        "remove_plan_evidence",
        "Remove evidence from a rectification plan, with a reason",
    )


NO_RETURN = "none"
STATES = (NO_RETURN, ReturnState.DRAFT, ReturnState.SUBMITTED, ReturnState.APPROVED)
STATE_LABELS = {
    NO_RETURN: "not started",
    ReturnState.DRAFT: "draft",
    ReturnState.SUBMITTED: "submitted",
    ReturnState.APPROVED: "approved",
}

_ADMIN, _MANAGER, _OFFICER = Part.ADMINISTRATOR, Part.MANAGER, Part.OFFICER
MANAGERS = frozenset({_ADMIN, _MANAGER})
COMMITTEE = frozenset({Part.COMMITTEE})
EVERYONE = frozenset(Part)
NOBODY: frozenset[Part] = frozenset()


def _by_state(
    not_started: frozenset[Part],
    draft: frozenset[Part],
    submitted: frozenset[Part],
    approved: frozenset[Part],
) -> dict[str, frozenset[Part]]:
    return dict(zip(STATES, (not_started, draft, submitted, approved), strict=True))


def _whatever_state(parts: frozenset[Part]) -> dict[str, frozenset[Part]]:
    """A row for an action on the contract as a whole, which no quarter's state changes."""
    return _by_state(parts, parts, parts, parts)


# Suspensions and rule changes are a manager's contractual decisions (officers may ask for a
# suspension, never grant one); none reaches into an approved quarter, which must be reopened
# first. Relief is a decision about approved figures, and only approved figures are published.
# Back-filling records history from a published source as approved: a manager's act, never on an
# approved quarter (reopen it first). History has no submission for a second person to check, but
# a quarter someone has submitted or entered figures in here is no longer history: `refusal`
# keeps that person from approving it by back-filling, as from approving it outright.
# fmt: off
TABLE: dict[Action, dict[str, frozenset[Part]]] = {
    #                                not started  draft    submitted  approved
    Action.READ:           _by_state(WORKERS,     WORKERS, WORKERS,   EVERYONE),
    Action.START:          _by_state(WORKERS,     NOBODY,  NOBODY,    NOBODY),
    Action.DISCARD:        _by_state(NOBODY,      WORKERS, NOBODY,    NOBODY),
    Action.EDIT:           _by_state(NOBODY,      WORKERS, NOBODY,    NOBODY),
    Action.SET_TARGETS:    _by_state(NOBODY,      MANAGERS, NOBODY,   NOBODY),
    Action.SUBMIT:         _by_state(NOBODY,      WORKERS, NOBODY,    NOBODY),
    Action.APPROVE:        _by_state(NOBODY,      NOBODY,  MANAGERS,  NOBODY),
    Action.SEND_BACK:      _by_state(NOBODY,      NOBODY,  MANAGERS,  NOBODY),
    Action.REOPEN:         _by_state(NOBODY,      NOBODY,  NOBODY,    MANAGERS),
    Action.SUSPEND:        _by_state(MANAGERS,    MANAGERS, MANAGERS, NOBODY),
    Action.ASK_SUSPENSION: _by_state(WORKERS,     WORKERS, WORKERS,   NOBODY),
    Action.CHANGE_RULES:   _by_state(MANAGERS,    MANAGERS, MANAGERS, NOBODY),
    Action.RELIEVE:        _by_state(NOBODY,      NOBODY,  NOBODY,    MANAGERS),
    Action.RECORD_CREDIT:  _by_state(NOBODY,      NOBODY,  NOBODY,    MANAGERS),
    Action.PUBLISH:        _by_state(NOBODY,      NOBODY,  NOBODY,    MANAGERS),
    Action.BACKFILL:       _by_state(MANAGERS,    MANAGERS, MANAGERS, NOBODY),
    # Evidence behind a figure follows the figure: those entering a draft attach and remove it;
    # once submitted it is frozen for the officer, and the manager checking the return may
    # still add what they asked for, or take away what should not be there; an approved
    # quarter is locked (reopen it first). A removal keeps the file and says who, when and why.
    Action.ATTACH_EVIDENCE: _by_state(NOBODY,     WORKERS, MANAGERS,  NOBODY),
    Action.REMOVE_EVIDENCE: _by_state(NOBODY,     WORKERS, MANAGERS,  NOBODY),
    # About the contract, not a quarter. A manager creating a contract is its manager (they are
    # assigned to it); a change of target or thresholds in a definitions import is still asked
    # of CHANGE_RULES above, for each quarter it reaches.
    Action.CREATE_CONTRACT: _whatever_state(MANAGERS),
    Action.DEFINE_KPIS:     _whatever_state(MANAGERS),
    # The committee's one write: a question, never a figure. Questions concern approved figures
    # only (the questions app offers approved quarters alone), so no quarter's state changes who
    # asks or answers. Those who work on the contract answer, agree actions and close them.
    Action.ASK_QUESTION:    _whatever_state(COMMITTEE),
    Action.ANSWER_QUESTION: _whatever_state(WORKERS),
    Action.CLOSE_ACTION:    _whatever_state(WORKERS),
    # Rectification plans follow failures whatever the state of any return. Asking the supplier
    # for a plan, agreeing it and closing it are a manager's decisions; officers, who follow the
    # supplier's work day to day, record how its actions are going.
    Action.MANAGE_PLANS:    _whatever_state(MANAGERS),
    Action.RECORD_PROGRESS: _whatever_state(WORKERS),
    # Contract Performance Notices (Procurement Act 2023) are drafted from approved figures
    # alone, whatever the state of any return. Published notices are public; drafts are the
    # contract's own. Rating the supplier and recording a breach are a manager's decisions,
    # and a second person approves (`notices.writes`).
    Action.READ_NOTICES:       _whatever_state(EVERYONE),
    Action.READ_NOTICE_DRAFTS: _whatever_state(WORKERS),
    Action.DRAFT_NOTICE:       _whatever_state(MANAGERS),
    Action.JUSTIFY_RATING:     _whatever_state(MANAGERS),
    Action.APPROVE_NOTICE:     _whatever_state(MANAGERS),
    Action.RECORD_BREACH:      _whatever_state(MANAGERS),
    # A plan's evidence (the supplier's plan, proof an action is done) comes in day to day, as
    # progress does; taking it away again is a manager's decision, with a reason.
    Action.ATTACH_PLAN_EVIDENCE: _whatever_state(WORKERS),
    Action.REMOVE_PLAN_EVIDENCE: _whatever_state(MANAGERS),
}
# fmt: on
CONTRACT_ACTIONS = (
    Action.CREATE_CONTRACT,
    Action.DEFINE_KPIS,
    Action.ASK_QUESTION,
    Action.ANSWER_QUESTION,
    Action.CLOSE_ACTION,
    Action.MANAGE_PLANS,
    Action.RECORD_PROGRESS,
    Action.READ_NOTICES,
    Action.READ_NOTICE_DRAFTS,
    Action.DRAFT_NOTICE,
    Action.JUSTIFY_RATING,
    Action.APPROVE_NOTICE,
    Action.RECORD_BREACH,
    Action.ATTACH_PLAN_EVIDENCE,
    Action.REMOVE_PLAN_EVIDENCE,
)

LOCKED_MESSAGE = (
    "This quarter's return has been approved and is locked. "
    "A contract manager must reopen it, giving a reason, before anything can change."
)
# Why an action is refused in a state where nobody may take it, whoever asks.
_STATE_REASONS = {
    ReturnState.APPROVED: LOCKED_MESSAGE,
    ReturnState.SUBMITTED: (
        "This return has been submitted and is waiting for approval: its figures are frozen. "
        "A contract manager can approve it or return it to the officer with a reason."
    ),
    ReturnState.DRAFT: "This return is still a draft: it must be submitted first.",
    NO_RETURN: "This quarter's return has not been started.",
}
SELF_APPROVAL_REASON = (
    "You submitted this return, so someone else must approve it: "
    "approval is a second person's check of the figures."
)
HOLDS_FIGURES_REASON = (
    "This return holds figures, reasons, commentary or targets, so it cannot be discarded: "
    "clear what was entered first, or keep the return."
)
SELF_BACKFILL_REASON = (
    "You {did} this quarter's return, so another manager must approve it or back-fill it: "
    "back-filling approves the quarter, and approval is a second person's check of the figures."
)


def state_of(quarterly_return) -> str:
    return quarterly_return.state if quarterly_return is not None else NO_RETURN


def allowed(user, action: Action, contract_id: int, state: str) -> bool:
    """Whether the table lets this user take `action` on a contract's quarter in `state`."""
    part = part_in(user, contract_id)
    return part is not None and part in TABLE[action][state]


def may_create_contract(user) -> bool:
    """Whether the table lets this user create a contract, taking the part they would have in
    it once assigned."""
    part = part_in_new_contract(user)
    return part is not None and part in TABLE[Action.CREATE_CONTRACT][NO_RETURN]


def may_ever(user, action: Action, contract_id: int) -> bool:
    """Whether the user's part lets them take `action` in some state of the return."""
    part = part_in(user, contract_id)
    return any(part in TABLE[action][state] for state in STATES)


def refusal(user, action: Action, quarterly_return=None, *, contract_id: int | None = None) -> str:
    """Why `user` may not take `action` on this return now, in words; '' when they may.

    Beyond the table, a return is discarded only while it holds nothing anyone entered, and
    whoever submitted a return does not approve it, and whoever submitted a
    return or entered figures in it does not back-fill it (which approves it), unless the
    council has only one manager and turns the rule off (`ALLOW_SELF_APPROVAL`).
    """
    if contract_id is None:
        contract_id = quarterly_return.contract_id
    state = state_of(quarterly_return)
    if not allowed(user, action, contract_id, state):
        if may_ever(user, action, contract_id):
            return _STATE_REASONS[state]
        return f"You cannot {Action(action).label[0].lower()}{Action(action).label[1:]}."
    if action == Action.DISCARD and quarterly_return.holds_figures():
        return HOLDS_FIGURES_REASON
    if settings.ALLOW_SELF_APPROVAL or quarterly_return is None:
        return ""
    if action == Action.APPROVE and quarterly_return.submitted_by_id == user.pk:
        return SELF_APPROVAL_REASON
    if action == Action.BACKFILL:
        return _own_work_reason(user, quarterly_return)
    return ""


def _own_work_reason(user, quarterly_return) -> str:
    """Why a back-fill by `user` would approve their own work: they submitted the return, or
    entered some of its figures, reasons, commentary or targets here; '' if neither."""
    if quarterly_return.submitted_by_id == user.pk:
        return SELF_BACKFILL_REASON.format(did="submitted")
    if quarterly_return.has_figures_entered_by(user):
        return SELF_BACKFILL_REASON.format(did="entered figures in")
    return ""


class ReturnLocked(ValidationError):
    """Refused in the return's present state: approved and locked, submitted and frozen, or
    the work of the person now asking to approve it (or to back-fill it, which approves it)."""

    def __init__(self, message: str = LOCKED_MESSAGE) -> None:
        super().__init__(message, code="locked")


def require(user, action: Action, quarterly_return=None, *, contract_id=None) -> None:
    """Refuse unless the table lets `user` take `action` now.

    Someone whose part never allows the action gets `PermissionDenied`; someone whose part does,
    but not in the return's present state (or not on their own work, as `refusal` says), gets
    `ReturnLocked`, which pages show beside what was typed.
    """
    reason = refusal(user, action, quarterly_return, contract_id=contract_id)
    if not reason:
        return
    if may_ever(user, action, contract_id or quarterly_return.contract_id):
        raise ReturnLocked(reason)
    raise PermissionDenied(reason)


def markdown_table() -> str:
    """The table as README prints it: one line per action, the parts allowed in each state."""
    short = {
        Part.ADMINISTRATOR: "administrator",
        Part.MANAGER: "manager",
        Part.OFFICER: "officer",
        Part.COMMITTEE: "committee",
        Part.OTHER: "anyone signed in",
    }

    def who(parts: frozenset[Part]) -> str:
        if parts == EVERYONE:
            return "everyone"
        return ", ".join(short[p] for p in Part if p in parts) or "-"

    lines = [
        "| action | " + " | ".join(STATE_LABELS[s] for s in STATES) + " |",
        "| --- |" + " --- |" * len(STATES),
    ]
    for action, by_state in TABLE.items():
        if action not in CONTRACT_ACTIONS:
            cells = [who(by_state[state]) for state in STATES]
            lines.append(f"| {action.label} | " + " | ".join(cells) + " |")
    on_contract = [action for action in CONTRACT_ACTIONS if action in TABLE]
    if on_contract:
        lines += ["", "| action on the contract as a whole | who |", "| --- | --- |"]
    for action in on_contract:
        lines.append(f"| {action.label} | {who(TABLE[action][NO_RETURN])} |")
    return "\n".join(lines)
