"""Importing a quarter's figures from a spreadsheet: template, upload and preview, confirm."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contracts.models import Contract
from kpis.imports.preview import Backfill, Preview
from kpis.imports.template import template_csv, template_filename, template_xlsx
from kpis.imports.write import ImportRefused, import_readings, prepare_import
from kpis.models import ReportingPeriod
from kpis.pages.held_files import (
    FORMAT_CHOICES,
    HeldFiles,
    read_upload,
    template_download,
)
from kpis.permissions import Action, may_ever
from kpis.permissions.fetch import get_workable_contract_for
from kpis.rules.quarters import contract_quarters
from kpis.writes import locks
from kpis.writes.backfill import PAGE_LENGTH, SOURCE_LENGTH, SOURCE_REQUIRED, quarter_problem
from kpis.writes.saving import EditConflict

HELD = HeldFiles("kpi-imports")


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
    format = forms.ChoiceField(label="Format", choices=FORMAT_CHOICES, initial="xlsx")

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
    file_format = form.cleaned_data["format"]
    write = template_csv if file_format == "csv" else template_xlsx
    filename = template_filename(contract, end_date, file_format)
    return template_download(write(contract, end_date), file_format, filename)


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
    # Opened from a return, or from the contract's page to back-fill: that quarter and that
    # choice come first, rather than the latest quarter.
    asked = request.GET.get("quarter")
    initial = {"quarter": asked} if asked in {value for value, _ in quarters} else {}
    backfill = {"backfill": True} if may_backfill and request.GET.get("backfill") else {}
    context = {
        "contract": contract,
        "template_form": template_form
        or TemplateForm(contract=contract, quarters=quarters, initial=initial),
        "upload_form": upload_form
        or UploadForm(
            contract=contract,
            quarters=quarters,
            may_backfill=may_backfill,
            initial={**initial, **backfill},
        ),
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
    content = read_upload(upload)
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
    backfill = [preview.backfill.source, preview.backfill.page] if preview.backfill else None
    token = HELD.hold(
        request,
        contract,
        upload.name,
        content,
        end_date=end_date.isoformat(),
        versions=preview.versions(),
        backfill=backfill,
    )
    return _start_page(request, contract, upload_form=form, preview=preview, token=token)


@login_required
@require_POST
def import_confirm(request: HttpRequest, code: str) -> HttpResponse:
    contract = _contract_for_import(request.user, code)
    held = HELD.take(request, contract)
    if held is None:
        return redirect("import_upload", code=contract.code)
    # Used once, whatever comes of it: a second click finds the receipt, or nothing.
    HELD.drop(request)
    end_date = datetime.date.fromisoformat(held.facts["end_date"])
    source = held.facts["backfill"]
    preview = None
    try:
        # The preview is made again under the contract's lock: a second confirmation running
        # at the same moment waits, then finds the figures held and has nothing to write.
        with transaction.atomic():
            locks.lock_contracts(contract.pk)
            preview = prepare_import(
                contract=contract,
                end_date=end_date,
                user=request.user,
                content=held.content,
                filename=held.filename,
                today=timezone.localdate(),
                backfill_from=Backfill(*source) if source else None,
            )
            written = import_readings(
                preview=preview, user=request.user, versions=held.facts["versions"]
            )
    except (ImportRefused, EditConflict):
        if preview is not None and preview.ok:
            preview.file_problems.append(
                "Someone else changed some of these figures since your preview. "
                "Nothing was imported: upload the file again to see the changes."
            )
        return _start_page(request, contract, preview=preview, status=409)
    except (ValidationError, PermissionDenied) as error:
        # The return changed state meanwhile (approved, say): a conflict; or the user's part did.
        refusal = f"Nothing was imported. {' '.join(_messages(error))}"
        if preview is None:
            messages.error(request, refusal)
        else:
            preview.file_problems.append(refusal)
        status = 403 if isinstance(error, PermissionDenied) else 409
        return _start_page(request, contract, preview=preview, status=status)
    HELD.done(request, held, _imported(held.filename, preview, len(written)))
    return redirect("return_detail", code=contract.code, end_date=end_date.isoformat())


def _messages(error: ValidationError | PermissionDenied) -> list[str]:
    return error.messages if isinstance(error, ValidationError) else [str(error)]


def _imported(filename: str, preview: Preview, count: int) -> str:
    changed = f"{count} reading{'s' if count != 1 else ''} changed"
    if preview.backfill:
        return (
            f"{filename} back-filled as approved "
            f"({preview.backfill_note}): {changed if count else 'no figure needed to change'}."
        )
    if count:
        return f"Imported {filename}: {changed}."
    return f"{filename} matches the figures held: nothing needed to change."
