"""Importing a quarter's figures from a spreadsheet: template, upload and preview, confirm."""

from __future__ import annotations

import base64
import datetime
import secrets

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contracts.models import Contract
from kpis.access import get_workable_contract_for
from kpis.backfill import PAGE_LENGTH, SOURCE_LENGTH, SOURCE_REQUIRED, quarter_problem
from kpis.imports.parse import MAX_BYTES
from kpis.imports.preview import Backfill, Preview
from kpis.imports.template import template_csv, template_filename, template_xlsx
from kpis.imports.write import ImportRefused, import_readings, prepare_import
from kpis.models import ReportingPeriod
from kpis.permissions import Action, may_ever
from kpis.quarters import contract_quarters
from kpis.services import EditConflict

SESSION_KEY = "kpi-imports"


def _contract_for_import(user, code: str) -> Contract:
    """404 for other contracts' officers; 403 for readers who cannot edit."""
    return get_workable_contract_for(user, code, Action.EDIT)


def _quarter_choices(contract: Contract) -> list[tuple[str, str]]:
    """The contract's quarters, the latest ended first and the one in progress last."""
    today = timezone.localdate()
    first = ReportingPeriod.objects.for_contract(contract).values_list("end_date", flat=True)[:1]
    choices = []
    for end in contract_quarters(contract, today, first):
        period = ReportingPeriod(end_date=end)
        period.fill_derived_fields()
        label = period.long_label if end < today else f"{period.long_label}, in progress"
        choices.append((end.isoformat(), label))
    return choices


class QuarterForm(forms.Form):
    quarter = forms.ChoiceField(
        label="Quarter", error_messages={"required": "Choose the quarter the figures are for"}
    )

    def __init__(
        self, *args, contract: Contract, quarters: list[tuple[str, str]], **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.contract = contract
        self.fields["quarter"].choices = quarters
        self.fields["quarter"].error_messages["invalid_choice"] = "Choose a quarter from the list"


class TemplateForm(QuarterForm):
    format = forms.ChoiceField(
        label="Format", choices=[("xlsx", "Excel (.xlsx)"), ("csv", "CSV")], initial="xlsx"
    )

    def __init__(self, *args, **kwargs) -> None:
        # Its fields sit on the same page as the upload form's: keep their ids apart.
        kwargs.setdefault("auto_id", "template_%s")
        super().__init__(*args, **kwargs)


class UploadForm(QuarterForm):
    file = forms.FileField(
        label="Filled-in template",
        help_text="Excel (.xlsx) or CSV UTF-8 (.csv), smaller than 1 MB.",
        error_messages={"required": "Choose the file to import"},
    )
    backfill = forms.BooleanField(
        label="Back-fill a past quarter as approved",
        required=False,
        help_text=(
            "For history taken from a published document, such as a committee report: the "
            "quarter is approved at once, with its source shown beside its figures. Missed "
            "targets need no commentary, and a filled Target sets the quarter's target. Not "
            "for a quarter you submitted or entered figures in: another manager approves that."
        ),
    )
    source = forms.CharField(
        label="Source document",
        required=False,
        max_length=SOURCE_LENGTH,
        help_text="Its title and date, as the committee would look it up.",
        error_messages={"max_length": f"Keep the document's name to {SOURCE_LENGTH} characters"},
    )
    page = forms.CharField(
        label="Page (optional)",
        required=False,
        max_length=PAGE_LENGTH,
        help_text="Where in the document the figures are, such as 14 or Appendix B.",
        error_messages={"max_length": f"Keep the page to {PAGE_LENGTH} characters or fewer"},
    )

    def __init__(self, *args, may_backfill: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.may_backfill = may_backfill
        if not may_backfill:
            for name in ("backfill", "source", "page"):
                del self.fields[name]

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("backfill"):
            return data
        if not data.get("source", "").strip() and "source" not in self.errors:
            self.add_error("source", SOURCE_REQUIRED)
        if data.get("quarter"):
            end = datetime.date.fromisoformat(data["quarter"])
            if problem := quarter_problem(self.contract, end, timezone.localdate()):
                self.add_error("quarter", problem)
        return data

    @property
    def backfill_from(self) -> Backfill | None:
        data = self.cleaned_data
        if not data.get("backfill"):
            return None
        return Backfill(source=data["source"].strip(), page=data.get("page", "").strip())


@login_required
@require_GET
def import_template(request: HttpRequest, code: str) -> HttpResponse:
    contract = _contract_for_import(request.user, code)
    form = TemplateForm(request.GET or None, contract=contract, quarters=_quarter_choices(contract))
    if not form.is_valid():
        return _start_page(request, contract, template_form=form, status=400)
    end_date = datetime.date.fromisoformat(form.cleaned_data["quarter"])
    if form.cleaned_data["format"] == "csv":
        body: str | bytes = template_csv(contract, end_date)
        content_type = "text/csv; charset=utf-8"
    else:
        body = template_xlsx(contract, end_date)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=content_type)
    filename = template_filename(contract, end_date, form.cleaned_data["format"])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _start_page(
    request: HttpRequest,
    contract: Contract,
    *,
    template_form: TemplateForm | None = None,
    upload_form: UploadForm | None = None,
    preview: Preview | None = None,
    token: str = "",
    status: int = 200,
) -> HttpResponse:
    may_backfill = may_ever(request.user, Action.BACKFILL, contract.pk)
    # Both forms list the same quarters: worked out once.
    given = template_form or upload_form
    quarters = given.fields["quarter"].choices if given else _quarter_choices(contract)
    context = {
        "contract": contract,
        "template_form": template_form or TemplateForm(contract=contract, quarters=quarters),
        "upload_form": upload_form
        or UploadForm(contract=contract, quarters=quarters, may_backfill=may_backfill),
        "preview": preview,
        "token": token,
    }
    return render(request, "imports/import.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, code: str) -> HttpResponse:
    contract = _contract_for_import(request.user, code)
    if request.method == "GET":
        return _start_page(request, contract)
    may_backfill = may_ever(request.user, Action.BACKFILL, contract.pk)
    if request.POST.get("backfill") and not may_backfill:
        raise PermissionDenied("Only a contract manager can back-fill a past quarter.")
    form = UploadForm(
        request.POST,
        request.FILES,
        contract=contract,
        quarters=_quarter_choices(contract),
        may_backfill=may_backfill,
    )
    if not form.is_valid():
        return _start_page(request, contract, upload_form=form, status=400)
    upload = form.cleaned_data["file"]
    content = upload.read(MAX_BYTES + 1)
    end_date = datetime.date.fromisoformat(form.cleaned_data["quarter"])
    preview = prepare_import(
        contract=contract,
        end_date=end_date,
        user=request.user,
        content=content,
        filename=upload.name,
        today=timezone.localdate(),
        size=upload.size,
        backfill_from=form.backfill_from,
    )
    if not preview.ok:
        return _start_page(request, contract, upload_form=form, preview=preview, status=400)
    token = _keep(request, contract, end_date, upload.name, content, preview)
    return _start_page(request, contract, upload_form=form, preview=preview, token=token)


def _keep(request, contract, end_date, filename, content, preview: Preview) -> str:
    """Hold the file in the session until the user confirms: nothing is written before then."""
    token = secrets.token_urlsafe(16)
    # One pending import per user is enough; an older one is dropped.
    request.session[SESSION_KEY] = {
        token: {
            "contract": contract.code,
            "end_date": end_date.isoformat(),
            "filename": filename,
            "content": base64.b64encode(content).decode(),
            "versions": preview.versions(),
            "backfill": [preview.backfill.source, preview.backfill.page]
            if preview.backfill
            else None,
        }
    }
    return token


@login_required
@require_POST
def import_confirm(request: HttpRequest, code: str) -> HttpResponse:
    contract = _contract_for_import(request.user, code)
    pending = request.session.get(SESSION_KEY, {}).get(request.POST.get("token", ""))
    if not pending or pending["contract"] != contract.code:
        messages.error(
            request, "That import has expired or was already done. Upload the file again."
        )
        return redirect("import_upload", code=contract.code)
    end_date = datetime.date.fromisoformat(pending["end_date"])
    source = pending.get("backfill")
    preview = prepare_import(
        contract=contract,
        end_date=end_date,
        user=request.user,
        content=base64.b64decode(pending["content"]),
        filename=pending["filename"],
        today=timezone.localdate(),
        backfill_from=Backfill(*source) if source else None,
    )
    try:
        written = import_readings(preview=preview, user=request.user, versions=pending["versions"])
    except (ImportRefused, EditConflict):
        if preview.ok:
            preview.file_problems.append(
                "Someone else changed some of these figures since your preview. "
                "Nothing was imported: upload the file again to see the changes."
            )
        return _start_page(request, contract, preview=preview, status=409)
    finally:
        request.session.pop(SESSION_KEY, None)
    count = len(written)
    changed = f"{count} reading{'s' if count != 1 else ''} changed"
    if preview.backfill:
        text = (
            f"{pending['filename']} back-filled as approved "
            f"({preview.backfill_note}): {changed if count else 'no figure needed to change'}."
        )
    elif count:
        text = f"Imported {pending['filename']}: {changed}."
    else:
        text = f"{pending['filename']} matches the figures held: nothing needed to change."
    messages.success(request, text)
    return redirect("return_detail", code=contract.code, end_date=end_date.isoformat())
