"""The pages of Contract Performance Notices: a contract's notices with what is due, drafting
one, changing a rating with a justification, approving, recording a breach, and the published
notice as JSON, CSV, a printable page and PDF.

Who may read a notice is `notices.access.get_notice_for`'s to say (404 otherwise); who may act,
the permission table's: a part that never may gets a 403 (a 404 for another contract's officer).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from kpis.pages.forms import error_summary
from kpis.permissions import Action, may_ever
from kpis.permissions.fetch import get_contract_for, get_workable_contract_for
from kpis.reads import together
from kpis.rules.conflicts import status_for
from notices import content, due, pdf, rules, writes
from notices.access import get_notice_for, may_read_drafts
from notices.choices import RATING_MEANINGS, NoticeKind, Rating
from notices.drafting import approved_quarter_ends
from notices.models import Breach, NoticeRating, PerformanceNotice
from notices.pages.forms import BreachForm, DraftForm, RatingForm
from notices.restatements import restated_since


@login_required
def notice_list(request: HttpRequest, code: str) -> HttpResponse:
    contract = get_contract_for(request.user, code)
    today = timezone.localdate()
    held = PerformanceNotice.objects.for_contract(contract).select_related("breach")
    if not may_read_drafts(request.user, contract):
        held = held.readable_by_all()
    owed = due.owed([contract], today)
    notices = list(held.newest_first())
    for notice in notices:
        notice.contract = contract
    return render(
        request,
        "notices/notice_list.html",
        {
            "contract": contract,
            "owed": owed[0] if owed else None,
            "notices": notices,
            "breaches": list(Breach.objects.for_contract(contract)),
            "may_draft": may_ever(request.user, Action.DRAFT_NOTICE, contract.pk),
            "may_record_breach": may_ever(request.user, Action.RECORD_BREACH, contract.pk),
            "threshold": due.FEWEST_PUBLISHED_KPIS,
        },
    )


def _form_page(request, template: str, context: dict, form, status: int = 200) -> HttpResponse:
    context = {**context, "form": form, "errors": error_summary([(form, "")])}
    return render(request, template, context, status=status)


def _initial_period(contract, kind: str) -> dict:
    last = (
        PerformanceNotice.objects.published()
        .filter(contract=contract, kind=NoticeKind.PERIODIC)
        .order_by("-period_end")
        .values_list("period_end", flat=True)
        .first()
    )
    period = rules.default_period(approved_quarter_ends(contract), last)
    if period is None:
        return {"kind": kind}
    return {
        "kind": kind,
        "period_start": period[0].isoformat(),
        "period_end": period[1].isoformat(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def notice_new(request: HttpRequest, code: str) -> HttpResponse:
    contract = get_workable_contract_for(request.user, code, Action.DRAFT_NOTICE)
    breaches = list(Breach.objects.for_contract(contract))
    kind = request.GET.get("kind", NoticeKind.PERIODIC)
    initial = _initial_period(contract, kind if kind in NoticeKind.values else NoticeKind.PERIODIC)
    if request.GET.get("breach", "").isdigit():
        initial["breach"] = int(request.GET["breach"])
    form = DraftForm(request.POST or None, initial=initial, breaches=breaches)
    context = {"contract": contract, "rule": rules.RULE_TEXT}
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = writes.draft_notice(
                contract=contract,
                start=data["period_start"],
                end=data["period_end"],
                kind=data["kind"],
                breach=form.breaches.get(data["breach"]) if data["breach"] else None,
                user=request.user,
            )
        except ValidationError as error:
            form.add_problems(error)
            status = status_for(error, 200)
        else:
            messages.success(request, "The notice is drafted from the approved figures.")
            return redirect(notice.get_absolute_url())
    return _form_page(request, "notices/notice_form.html", context, form, status)


def _ratings(notice: PerformanceNotice) -> list[NoticeRating]:
    return list(notice.ratings.select_related("kpi", "changed_by").order_by("position", "pk"))


@login_required
def notice_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    notice = get_notice_for(request.user, code, pk)
    contract = notice.contract
    context = {
        "contract": contract,
        "notice": notice,
        "rule": rules.RULE_TEXT,
        "meanings": [(Rating(r).label, m) for r, m in RATING_MEANINGS.items()],
    }
    if notice.is_published:
        context["fields"] = content.as_json(notice)
        context["frozen"] = pdf.frozen_ratings(notice)
        # The figures now, beside the notice: the contract's small tables in one query.
        together.preload(contract)
        context["restated"] = restated_since(notice)
    else:
        context["ratings"] = _ratings(notice)
        context["may_justify"] = may_ever(request.user, Action.JUSTIFY_RATING, contract.pk)
        may_approve = may_ever(request.user, Action.APPROVE_NOTICE, contract.pk)
        # Whoever drafted it is told why someone else approves it, rather than offered a
        # button that refuses them.
        context["approval_refusal"] = (
            writes.approval_refusal(request.user, notice) if may_approve else ""
        )
        context["may_approve"] = may_approve and not context["approval_refusal"]
        context["may_discard"] = may_ever(request.user, Action.DRAFT_NOTICE, contract.pk)
    return render(request, "notices/notice_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def rating_change(request: HttpRequest, code: str, pk: int, rating_pk: int) -> HttpResponse:
    notice = get_notice_for(request.user, code, pk)
    contract = get_workable_contract_for(request.user, code, Action.JUSTIFY_RATING)
    notice.contract = contract
    row = get_object_or_404(NoticeRating.objects.select_related("kpi"), notice=notice, pk=rating_pk)
    initial = {"rating": row.rating, "justification": row.justification}
    form = RatingForm(request.POST or None, initial=initial, proposed=row.proposed)
    context = {
        "contract": contract,
        "notice": notice,
        "row": row,
        "meanings": [(Rating(r).label, m) for r, m in RATING_MEANINGS.items()],
    }
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            writes.change_rating(
                notice=notice,
                rating_id=row.pk,
                rating=form.cleaned_data["rating"],
                justification=form.cleaned_data["justification"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_problems(error)
            status = status_for(error, 200)
        else:
            messages.success(request, f"The rating of {row.kpi.reference} is saved.")
            return redirect(notice.get_absolute_url())
    return _form_page(request, "notices/rating_form.html", context, form, status)


def _act(request, code: str, pk: int, action: Action, write, done: str, to_list: bool = False):
    notice = get_notice_for(request.user, code, pk)
    get_workable_contract_for(request.user, code, action)
    try:
        write(notice=notice, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(notice.get_absolute_url())
    messages.success(request, done)
    if to_list:
        return redirect("notice_list", notice.contract.code)
    return redirect(notice.get_absolute_url())


@login_required
@require_POST
def notice_approve(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return _act(
        request,
        code,
        pk,
        Action.APPROVE_NOTICE,
        writes.approve_notice,
        "The notice is approved and published. It will not change.",
    )


@login_required
@require_POST
def notice_discard(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    if request.POST.get("confirm") != "yes":
        notice = get_notice_for(request.user, code, pk)
        get_workable_contract_for(request.user, code, Action.DRAFT_NOTICE)
        context = {
            "contract": notice.contract,
            "heading": "Discard this draft notice?",
            "explanation": [
                "The draft, its ratings and any justifications written for them are deleted. "
                "A new draft can be made for the same period."
            ],
            "button": "Yes, discard the draft",
            "action": request.path,
            "fields": [],
            "back": notice.get_absolute_url(),
        }
        return render(request, "_confirm.html", context)
    return _act(
        request,
        code,
        pk,
        Action.DRAFT_NOTICE,
        writes.discard_notice,
        "The draft is discarded.",
        to_list=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def breach_new(request: HttpRequest, code: str) -> HttpResponse:
    contract = get_workable_contract_for(request.user, code, Action.RECORD_BREACH)
    form = BreachForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            breach = writes.record_breach(contract=contract, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_problems(error)
            status = status_for(error, 200)
        else:
            messages.success(
                request,
                f"The breach is recorded. Its notice is due by {breach.notice_due_on:%-d %B %Y}.",
            )
            return redirect("notice_list", contract.code)
    return _form_page(request, "notices/breach_form.html", {"contract": contract}, form, status)


def _published(request, code: str, pk: int) -> PerformanceNotice:
    notice = get_notice_for(request.user, code, pk)
    if not notice.is_published:
        # A draft has no regulation 39 content to download until it is approved.
        raise Http404
    return notice


@login_required
def notice_json(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    notice = _published(request, code, pk)
    response = JsonResponse(content.as_json(notice), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{notice.filename}.json"'
    return response


@login_required
def notice_csv(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    notice = _published(request, code, pk)
    response = HttpResponse(content.as_csv(notice), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{notice.filename}.csv"'
    return response


@login_required
def notice_print(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    notice = _published(request, code, pk)
    return render(request, "notices/notice_print.html", pdf.print_context(notice))


@login_required
def notice_pdf(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    notice = _published(request, code, pk)
    response = HttpResponse(pdf.render_pdf(notice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{notice.filename}.pdf"'
    return response
