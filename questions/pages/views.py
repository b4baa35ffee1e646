"""The question pages: a contract's questions, asking one, and one question's thread, where the
contract's officers and managers answer, agree actions and close them.

Anyone who reads the contract reads its questions (they concern approved figures only). The
writes ask the permission table: a committee member asks; the contract's officers and managers
answer. Officers and managers of other contracts get a 404 from every write, as if the contract
did not exist; the committee a 403 from those that are not theirs.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contracts.models import Contract
from kpis.models import Kpi, ReportingPeriod
from kpis.pages.forms import error_summary
from kpis.permissions import Action, may_ever
from kpis.permissions.fetch import get_contract_for, get_workable_contract_for
from kpis.permissions.sight import PUBLIC
from kpis.rules.conflicts import status_for
from packs.models import PublishedPack
from questions import reads, writes
from questions.models import AgreedAction, Question
from questions.pages.forms import AgreeActionForm, AnswerForm, AskForm, CloseActionForm, ShowForm


@require_GET
@login_required
def questions_list(request: HttpRequest, code: str) -> HttpResponse:
    contract = get_contract_for(request.user, code)
    # Still open unless asked otherwise: the choice shown as made.
    form = ShowForm(request.GET if "show" in request.GET else None, initial={"show": reads.OPEN})
    show = form.chosen()
    context = {
        "contract": contract,
        "form": form,
        "show": show,
        "questions": reads.listed(contract, show),
        "may_ask": may_ever(request.user, Action.ASK_QUESTION, contract.pk),
        "errors": error_summary([(form, "")]) if form.is_bound else [],
    }
    return render(request, "questions/questions.html", context)


def _ask_form(request: HttpRequest, contract: Contract) -> AskForm:
    """The form, offering the contract's KPIs, its approved quarters and its published packs."""
    quarters = [
        (p.end_date.isoformat(), p.long_label)
        for p in reversed(ReportingPeriod.objects.for_contract(contract))
        if PUBLIC.shows(p)
    ]
    packs = list(PublishedPack.objects.without_pdf().for_contract(contract).newest_first())
    initial = {name: request.GET.get(name, "") for name in ("kpi", "quarter", "pack")}
    return AskForm(
        request.POST or None,
        initial=initial,
        kpis=list(Kpi.objects.for_contract(contract).in_report_order()),
        quarters=quarters,
        packs=packs,
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_new(request: HttpRequest, code: str) -> HttpResponse:
    contract = get_workable_contract_for(request.user, code, Action.ASK_QUESTION)
    form = _ask_form(request, contract)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            question = writes.ask_question(
                contract=contract,
                user=request.user,
                text=data["text"],
                kpi=form.kpis.get(data["kpi"]) if data["kpi"] else None,
                end_date=data["quarter"],
                pack=form.packs.get(data["pack"]) if data.get("pack") else None,
            )
        except ValidationError as error:
            _add_errors(form, error)
            status = status_for(error, otherwise=200)
        else:
            messages.success(
                request, "Your question has been sent to the contract's officers and managers."
            )
            return redirect("question_detail", contract.code, question.pk)
    context = {"contract": contract, "form": form, "errors": error_summary([(form, "")])}
    return render(request, "questions/ask.html", context, status=status)


@require_GET
@login_required
def question_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    contract = get_contract_for(request.user, code)
    return _detail(request, contract, _thread(contract, pk))


def _thread(contract: Contract, pk: int) -> Question:
    question = reads.thread(contract, pk)
    if question is None:
        raise Http404
    return question


def _detail(
    request: HttpRequest,
    contract: Contract,
    question: Question,
    *,
    bound: Form | None = None,
    closing: int | None = None,
    status: int = 200,
) -> HttpResponse:
    """The question's page, with the forms its reader may use; `bound` is a form sent with
    something wrong (closing the action `closing`, for a form that closes one), shown again with
    what was typed and the messages beside its fields."""
    may_answer = may_ever(request.user, Action.ANSWER_QUESTION, contract.pk)
    may_close = may_ever(request.user, Action.CLOSE_ACTION, contract.pk)
    owners = reads.owners(contract) if may_answer else []
    answer_form = AnswerForm(owners=owners)
    action_form = AgreeActionForm(owners=owners)
    close_forms = {a.pk: CloseActionForm(prefix=f"close-{a.pk}") for a in question.open_actions}
    if isinstance(bound, AnswerForm):
        answer_form = bound
    elif isinstance(bound, AgreeActionForm):
        action_form = bound
    elif isinstance(bound, CloseActionForm) and closing in close_forms:
        close_forms[closing] = bound
    context = {
        "contract": contract,
        "question": question,
        # Each action with the form that closes it, for those open.
        "actions": [(action, close_forms.get(action.pk)) for action in question.all_actions],
        "may_answer": may_answer,
        "may_close": may_close,
        "answer_form": answer_form,
        "action_form": action_form,
        "errors": error_summary([(bound, "")]) if bound is not None else [],
    }
    return render(request, "questions/question.html", context, status=status)


def _add_errors(form: Form, error: ValidationError) -> None:
    """A service's refusal, beside the field it concerns where the form has it."""
    if hasattr(error, "error_dict"):
        for field, problems in error.error_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


@require_POST
@login_required
def question_answer(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    contract = get_workable_contract_for(request.user, code, Action.ANSWER_QUESTION)
    question = get_object_or_404(Question, contract=contract, pk=pk)
    form = AnswerForm(request.POST, owners=reads.owners(contract))
    if form.is_valid():
        try:
            _, added = writes.answer_question(
                question=question,
                user=request.user,
                text=form.cleaned_data["text"],
                action=form.agreed_if_any(),
            )
        except ValidationError as error:
            _add_errors(form, error)
            status = status_for(error, otherwise=200)
            return _detail(request, contract, _thread(contract, pk), bound=form, status=status)
        messages.success(
            request,
            "Your answer has been added and sent to the member who asked."
            if added
            else "This answer had been given already: nothing was added.",
        )
        return redirect("question_detail", contract.code, pk)
    return _detail(request, contract, _thread(contract, pk), bound=form)


@require_POST
@login_required
def action_new(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    contract = get_workable_contract_for(request.user, code, Action.ANSWER_QUESTION)
    question = get_object_or_404(Question, contract=contract, pk=pk)
    form = AgreeActionForm(request.POST, owners=reads.owners(contract))
    if form.is_valid():
        try:
            _, added = writes.agree_action(
                question=question, user=request.user, action=form.agreed()
            )
        except ValidationError as error:
            _add_errors(form, error)
            status = status_for(error, otherwise=200)
            return _detail(request, contract, _thread(contract, pk), bound=form, status=status)
        messages.success(
            request,
            "The action has been agreed." if added else "This action was agreed already.",
        )
        return redirect("question_detail", contract.code, pk)
    return _detail(request, contract, _thread(contract, pk), bound=form)


@require_POST
@login_required
def action_close(request: HttpRequest, code: str, pk: int, action_pk: int) -> HttpResponse:
    contract = get_workable_contract_for(request.user, code, Action.CLOSE_ACTION)
    action = get_object_or_404(
        AgreedAction.objects.select_related("question"),
        question__contract=contract,
        question__pk=pk,
        pk=action_pk,
    )
    form = CloseActionForm(request.POST, prefix=f"close-{action.pk}")
    if form.is_valid():
        try:
            writes.close_action(action=action, user=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("question_detail", contract.code, pk)
        messages.success(request, "The action has been closed.")
        return redirect("question_detail", contract.code, pk)
    return _detail(request, contract, _thread(contract, pk), bound=form, closing=action.pk)
