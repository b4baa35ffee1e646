"""Importing a contract's KPI definitions from a spreadsheet: template, upload and preview,
confirm (with a reason, and the quarter new targets apply from, when the file asks for them)."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contracts.models import Contract
from kpis.imports.definitions.preview import DefinitionsPreview, build_preview
from kpis.imports.definitions.template import template_csv, template_filename, template_xlsx
from kpis.imports.definitions.write import (
    QUARTER_MESSAGE,
    REASON_MESSAGE,
    DefinitionsRefused,
    import_definitions,
)
from kpis.pages.forms import error_summary, quarter_options, reason_field
from kpis.pages.held_files import (
    FORMAT_CHOICES,
    Held,
    HeldFiles,
    read_upload,
    template_download,
)
from kpis.permissions import Action
from kpis.permissions.fetch import get_workable_contract_for
from kpis.writes import locks

HELD = HeldFiles("kpi-definition-imports")


def _contract(user, code: str) -> Contract:
    """404 for other contracts' officers and managers; 403 for readers who cannot define KPIs."""
    return get_workable_contract_for(user, code, Action.DEFINE_KPIS)


class TemplateForm(forms.Form):
    format = forms.ChoiceField(
        label="Format",
        choices=FORMAT_CHOICES,
        initial="xlsx",
        error_messages={"required": "Choose a format", "invalid_choice": "Choose a format"},
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "template_%s")
        super().__init__(*args, **kwargs)


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Filled-in template",
        help_text="Excel (.xlsx) or CSV UTF-8 (.csv), smaller than 1 MB.",
        error_messages={"required": "Choose the file to import"},
    )


class ConfirmForm(forms.Form):
    """What the file alone cannot say: why KPIs held change, and from when new rules apply."""

    token = forms.CharField(widget=forms.HiddenInput)
    reason = reason_field("Why are the KPIs changing?", REASON_MESSAGE)
    effective_from = forms.ChoiceField(
        label="From which quarter do the new targets and thresholds apply?",
        help_text="The first quarter judged by them. Earlier quarters keep the rule they were "
        "judged by; it must come after the last approved quarter.",
        error_messages={"required": QUARTER_MESSAGE, "invalid_choice": QUARTER_MESSAGE},
    )

    def __init__(self, *args, preview: DefinitionsPreview, **kwargs) -> None:
        kwargs.setdefault("auto_id", "confirm_%s")
        super().__init__(*args, **kwargs)
        if not preview.needs_reason:
            del self.fields["reason"]
        if preview.changes_rules:
            self.fields["effective_from"].choices = quarter_options(
                preview.contract, timezone.localdate()
            )
        else:
            del self.fields["effective_from"]

    @property
    def quarter(self) -> datetime.date | None:
        chosen = self.cleaned_data.get("effective_from")
        return datetime.date.fromisoformat(chosen) if chosen else None


def _page(
    request: HttpRequest,
    contract: Contract,
    *,
    upload_form: UploadForm | None = None,
    template_form: TemplateForm | None = None,
    preview: DefinitionsPreview | None = None,
    confirm_form: ConfirmForm | None = None,
    status: int = 200,
) -> HttpResponse:
    forms_shown = [f for f in (template_form, upload_form, confirm_form) if f is not None]
    context = {
        "contract": contract,
        "template_form": template_form or TemplateForm(),
        "upload_form": upload_form or UploadForm(),
        "preview": preview,
        "held_any": _held_any(contract, preview),
        "confirm_form": confirm_form,
        "errors": error_summary([(f, "") for f in forms_shown]),
    }
    return render(request, "imports/definitions.html", context, status=status)


def _held_any(contract: Contract, preview: DefinitionsPreview | None) -> bool:
    """Whether the contract has KPIs, which the page's words about the template depend on:
    known already where a preview has read them."""
    if preview is not None and preview.held_any is not None:
        return preview.held_any
    return contract.kpis.exists()


@login_required
@require_GET
def definitions_template(request: HttpRequest, code: str) -> HttpResponse:
    contract = _contract(request.user, code)
    form = TemplateForm(request.GET or None)
    if not form.is_valid():
        return _page(request, contract, template_form=form, status=400)
    file_format = form.cleaned_data["format"]
    write = template_csv if file_format == "csv" else template_xlsx
    return template_download(write(contract), file_format, template_filename(contract, file_format))


@login_required
@require_http_methods(["GET", "POST"])
def definitions_upload(request: HttpRequest, code: str) -> HttpResponse:
    contract = _contract(request.user, code)
    if request.method == "GET":
        return _page(request, contract)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, contract, upload_form=form, status=400)
    upload = form.cleaned_data["file"]
    content = read_upload(upload)
    preview = build_preview(
        contract=contract,
        user=request.user,
        content=content,
        filename=upload.name,
        size=upload.size,
    )
    if not preview.ok:
        return _page(request, contract, upload_form=form, preview=preview, status=400)
    token = HELD.hold(request, contract, upload.name, content, signature=preview.signature())
    confirm_form = ConfirmForm(initial={"token": token}, preview=preview)
    return _page(request, contract, preview=preview, confirm_form=confirm_form)


@login_required
@require_POST
def definitions_confirm(request: HttpRequest, code: str) -> HttpResponse:
    contract = _contract(request.user, code)
    held = HELD.take(request, contract)
    if held is None:
        return redirect("definitions_upload", code=contract.code)
    with transaction.atomic():
        # Under the contract's lock: a second confirmation sent at the same moment waits for
        # the first, then finds the KPIs it wrote.
        locks.lock_contracts(contract.pk)
        return _confirm(request, contract, held)


def _confirm(request: HttpRequest, contract: Contract, held: Held) -> HttpResponse:
    preview = build_preview(
        contract=contract,
        user=request.user,
        content=held.content,
        filename=held.filename,
    )
    if preview.signature() != held.facts["signature"]:
        HELD.drop(request)
        if preview.ok and not preview.changes_anything:
            # Done meanwhile: by the same form sent twice at once, or by someone else.
            messages.info(
                request,
                f"{held.filename} has been imported already: the contract's KPIs match it.",
            )
            return redirect("contract_scorecard", code=contract.code)
        if preview.ok:
            preview.file_problems.append(
                "Someone else changed the contract's KPIs since your preview. Nothing was "
                "imported: upload the file again to see what it would change now."
            )
        return _page(request, contract, preview=preview, status=409)
    form = ConfirmForm(request.POST, preview=preview)
    if form.is_valid():
        try:
            written = import_definitions(
                preview=preview,
                user=request.user,
                reason=form.cleaned_data.get("reason", ""),
                effective_from=form.quarter,
            )
        except DefinitionsRefused:
            return _page(request, contract, preview=preview, status=400)
        except ValidationError as error:
            # The quarter chosen reaches an approved one, or the rule itself is refused: a
            # choice to correct beside its field.
            where = "effective_from" if "effective_from" in form.fields else None
            if hasattr(error, "error_dict"):
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else where, problems)
            else:
                form.add_error(where, error.messages)
        else:
            HELD.done(request, held, _done(held.filename, written))
            return redirect("contract_scorecard", code=contract.code)
    return _page(request, contract, preview=preview, confirm_form=form, status=400)


def _done(filename: str, written) -> str:
    added, changed = len(written.added), len(written.changed)
    if not added and not changed:
        return f"{filename} matches the KPIs held: nothing needed to change."
    parts = []
    if added:
        parts.append(f"{added} KPI{'s' if added != 1 else ''} added")
    if changed:
        parts.append(f"{changed} changed")
    if written.areas:
        parts.append(
            f"{len(written.areas)} service area{'s' if len(written.areas) != 1 else ''} created"
        )
    return f"Imported {filename}: {', '.join(parts)}."
